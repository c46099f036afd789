// The kernel console: kprintf and friends write through the current output
// device (the SBI console until a UART driver takes over); input characters
// arrive from the driver's interrupt handler into a ring buffer.
#pragma once

#include <drivers/console_dev.h>
#include <stdarg.h>
#include <stddef.h>

// Switches console output; nullptr goes back to arch::early_putc.
void console_set_output(const ConsoleOutput* out);
const char* console_name();

void cons_putc(char c);
void cons_puts(const char* s);
int kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char* fmt, va_list ap);

// Input side.  console_rx() is the ConsoleRx the kernel gives the console
// driver when it starts it; called with interrupts off.
// Characters go to a ring that cons_getc() reads (the kernel monitor),
// or, while one is set, to the input hook (the console terminal, while
// a process has it open).
void console_rx(char c);
// Sets the input hook, called with interrupts off; nullptr: the ring.
void console_set_input(void (*rx)(char c));
// Next received character, or -1 when none is waiting.
int cons_getc();
// Next received character, waiting for one: asleep when the scheduler
// runs, in wfi before.
char cons_getc_wait();
// Counts of characters received and dropped because the buffer was full.
size_t console_rx_count();
size_t console_rx_dropped();
