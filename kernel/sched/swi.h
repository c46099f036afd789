// Software interrupts (FreeBSD's swi_add/swi_sched, kern_intr.c): work an
// interrupt handler may not do itself, run soon after by the swi thread.
//
// An interrupt handler interrupts a thread in the middle of anything, so
// it may touch only what every thread touches under IntrOff (buffers,
// tick counts, sleep and run queues).  Work that walks process lists or
// posts signals (the terminal's ^C) is handed to a swi handler instead:
// swi_sched() only marks it pending and wakes the swi thread, which runs
// it as an ordinary kernel thread, between other threads' switch points,
// with interrupts on.  The thread has a better priority (PI_SOFT) than any
// other, so it runs as soon as the interrupted thread reaches one.
#pragma once

#include <stddef.h>

struct thread;

struct swi_handler {
    const char* ih_name;
    void (*ih_func)(void* arg);
    void* ih_arg;
    bool ih_pending = false;
    swi_handler* ih_next = nullptr; // registered handlers
};

// Registers ih (once; it must stay valid for good).
void swi_add(swi_handler* ih);
// Marks ih pending and wakes the swi thread; safe in an interrupt
// handler.  Several calls before it runs make one run.
void swi_sched(swi_handler* ih);
// Runs every pending handler once, with interrupts on (the swi thread's
// loop body; host tests without the thread call it themselves).  Returns
// how many ran.
unsigned swi_run_pending();

// Starts the swi thread on the given stack (a thread without a process,
// as the idle thread).  Before it starts, swi_sched only marks work.
void swi_start(thread* td, void* stack, size_t size);
// Host tests: makes the swi thread exit (its stack may be freed once it
// has been reaped); waits for nothing.
void swi_stop();
// Whether swi_start has made the thread.
bool swi_running();
