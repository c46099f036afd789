// The uniprocessor scheduler (in the spirit of FreeBSD's sched_4bsd):
// run queues by priority, a time slice per thread, and for time-sharing
// threads a priority that worsens with recent CPU use (td_estcpu) and
// recovers as it decays, so a CPU-bound loop cannot starve a thread that
// mostly sleeps.  A thread woken with a better priority than the running
// one, or whose slice ran out, owes a preemption; it is paid only where
// switching is safe (kernel/sched/preempt.h): on the way back to user
// mode, in the idle loop, or at a point a kernel thread chose
// (sched_preempt_point).  Never at the end of an interrupt taken in the
// kernel, and never inside an interrupt handler.
//
// Everything here runs with interrupts off (one hart: that is the lock).
#pragma once

#include <stdint.h>
#include <kernel/proc/proc.h>

inline constexpr int32_t SCHED_SLICE = 10; // ticks (100 ms at HZ = 100)

// Starts scheduling: `boot` is the thread already running (thread0, on the
// boot stack), `idle` the thread to run when nothing else can.
void sched_init(thread* boot, thread* idle);
bool sched_running();

// Prepares a thread without a process (idle, host tests) to run
// callout(arg) on its stack, from kthread_entry(); it is not runnable
// until sched_add().
void sched_thread_setup(thread* td, void* stack, size_t size, void (*callout)(void*), void* arg);
// The same with `entry(td)` as the very first function (fork1's children
// start in fork_exit); entry must call sched_fork_exit(td) first.
void sched_thread_setup_entry(thread* td, void* stack, size_t size, void (*entry)(void*));

// Puts a thread on a run queue (it must not be on one, nor running).
void sched_add(thread* td);
// The child's first slice comes out of the parent's (sched_fork).
void sched_fork(thread* parent, thread* child);
// A time-sharing thread: priority from td_estcpu; others keep their base.
void sched_set_timeshare(thread* td, bool timeshare);

// Gives up the CPU: the running thread goes back on its run queue if it
// is still runnable (preemption, yield), else it has set its own state
// (sleeping, dead) first.  Interrupts must be off, and no interrupt
// handler may be running (panics otherwise).
void mi_switch();
void sched_yield();
// Switches if a preemption is owed.  Only where the caller holds no
// half-made change to shared state: the return to user mode (ast), the
// idle loop, a kernel thread's loop between two pieces of work.
void sched_preempt_point();
// Whether the running thread owes a preemption.
bool sched_owepreempt();

// Interrupt handlers running (FreeBSD's td_intr_nesting_level): the
// machine's trap code counts them through intr_enter/intr_exit
// (preempt.h); the scheduler refuses to switch while it is not zero.
void sched_intr_enter();
void sched_intr_leave();
unsigned sched_intr_nesting();

// Brings td's fault count (td_rux.ru_minflt) up to date if it is the
// running thread: for getrusage and exit, which read it while it runs.
void sched_rux_settle(thread* td);

// From hardclock(): charge the tick to the running thread, as user time
// if the clock interrupted user mode, as system time otherwise.
void sched_clock(bool usermode);

// Runnable threads, the running one not counted.
unsigned sched_runnable();
// Context switches so far.
uint64_t sched_switches();

// What a new thread does first (the scheduler's part of the seed's
// fork_exit): finishes the switch that started it, reclaims a thread
// that exited on the way, turns interrupts on.
void sched_fork_exit(thread* td);
// kthread_entry(): the first thing a thread of sched_thread_setup runs:
// sched_fork_exit, then its callout.  If the callout returns, the thread
// exits.
[[noreturn]] void kthread_entry(void* td);
// Ends the running thread for good; its stack is freed by whoever runs
// next (`reap(td)` below, set with sched_set_reaper).
[[noreturn]] void sched_exit_thread();
void sched_set_reaper(void (*reap)(thread* dead));

// Host tests only: forget the threads of a finished test (nothing may be
// runnable or asleep).  `boot` must be the running thread.
void sched_teardown(thread* boot);

// The idle thread's loop: wait for an interrupt whenever nothing is
// runnable, then let the scheduler pick.
[[noreturn]] void sched_idle_loop(void*);
