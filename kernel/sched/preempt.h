// Where the kernel switches threads without being asked: the one rule the
// machine's trap code (arch/riscv/trap.cpp) and the host tests share.
//
// Sprig runs on one hart and its kernel code is not preemptible: a kernel
// path runs until it chooses to give up the CPU (tsleep, sched_yield, a
// kernel thread's sched_preempt_point) or returns to user mode.  So the
// reference counts (fhold/fdrop, vm objects, vmspaces, credentials...)
// and lists that only threads touch need no lock: between two of its own
// switch points no other thread runs.  What interrupt handlers share with
// threads is kept under IntrOff instead (docs/scheduler.md lists it).
//
// A preemption owed by an interrupt (a slice ran out, a wakeup readied a
// better thread) is paid:
//   - at once, if the interrupt came from user mode (intr_exit(true));
//   - otherwise when the interrupted kernel code next returns to user
//     mode (ast), sleeps or yields, or, for the idle thread and kernel
//     threads, at their next sched_preempt_point().
#pragma once

#include <stdint.h>

struct thread;

// The start of an interrupt handler, interrupts off.
void intr_enter();
// The end of an interrupt handler, interrupts off (and off again on
// return).  to_user: the interrupted context was user mode.  Kernel mode:
// never switches.  User mode: the way back to user mode (ast) with
// interrupts on, which may switch and act on signals.
void intr_exit(bool to_user);
// The way back to user mode after a trap or system call, interrupts on:
// pays an owed preemption, then acts on pending signals (userret).
void ast(thread* td);

// What intr_exit and ast did, for tests and vmstat.
struct PreemptStats {
    uint64_t kernel_intrs;      // interrupts that came from kernel mode
    uint64_t user_intrs;        // from user mode
    uint64_t deferred;          // kernel-mode interrupts that left a preemption owed
    uint64_t user_preemptions;  // switches paid in ast
};
PreemptStats preempt_stats();
