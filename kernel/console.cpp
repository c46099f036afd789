#include <kernel/console.h>

#include <kernel/machdep.h>
#include <kernel/msgbuf.h>
#include <mm/intr_off.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <lib/format.h>

namespace {

void early_output(void*, char c)
{
    if (c == '\n') arch::early_putc('\r');
    arch::early_putc(c);
}

const ConsoleOutput early_console = {"sbi", early_output, nullptr};
const ConsoleOutput* g_out = &early_console;

// Received characters, oldest first.  Written by the interrupt handler,
// read with interrupts off.
constexpr size_t RX_SIZE = 256;
char g_rx[RX_SIZE];
size_t g_rx_head = 0; // next to read
size_t g_rx_tail = 0; // next to write
size_t g_rx_count = 0;
size_t g_rx_dropped = 0;
void (*g_rx_hook)(char c) = nullptr;

// What the kernel prints is kept in the message buffer too (dmesg).
void sink(void*, char c)
{
    msgbuf_addchar(c);
    cons_putc(c);
}

} // namespace

void console_set_output(const ConsoleOutput* out) { g_out = out ? out : &early_console; }
const char* console_name() { return g_out->name; }

// The terminal's echo writes from the UART's interrupt handler: one
// character (a '\n' with its '\r') and the driver's counts go out whole.
void cons_putc(char c)
{
    IntrOff off;
    g_out->putc(g_out->ctx, c);
}

void cons_puts(const char* s)
{
    for (; *s; s++) {
        msgbuf_addchar(*s);
        cons_putc(*s);
    }
}

int vkprintf(const char* fmt, va_list ap) { return vformat(sink, nullptr, fmt, ap); }

int kprintf(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vkprintf(fmt, ap);
    va_end(ap);
    return n;
}

void console_set_input(void (*rx)(char c))
{
    IntrOff off;
    g_rx_hook = rx;
}

void console_rx(char c)
{
    g_rx_count++;
    if (g_rx_hook) {
        g_rx_hook(c);
        return;
    }
    if (g_rx_tail - g_rx_head == RX_SIZE) {
        g_rx_dropped++;
        return;
    }
    g_rx[g_rx_tail++ % RX_SIZE] = c;
    wakeup(g_rx);
}

int cons_getc()
{
    IntrOff off;
    if (g_rx_head == g_rx_tail) return -1;
    return static_cast<unsigned char>(g_rx[g_rx_head++ % RX_SIZE]);
}

char cons_getc_wait()
{
    for (;;) {
        IntrOff off;
        if (g_rx_head != g_rx_tail) return g_rx[g_rx_head++ % RX_SIZE];
        if (sched_running())
            (void)tsleep(g_rx, PWAIT, "ttyin", 0);
        else
            arch::cpu_wait(); // the interrupt is taken when the guard ends
    }
}

size_t console_rx_count() { return g_rx_count; }
size_t console_rx_dropped() { return g_rx_dropped; }
