// Sleeping on wait channels (FreeBSD's tsleep/wakeup and condition
// variables).  A channel is any address both sides agree on.  On one hart
// "interrupts off" is the lock: test the condition and call tsleep()
// inside one IntrOff section, and a wakeup from an interrupt cannot slip
// in between.
#pragma once

#include <stdint.h>
#include <abi/errno.h>

struct thread;

// Or'ed into tsleep's priority: a signal may end the sleep (FreeBSD's
// PCATCH).  Without it a sleep ignores signals, SIGKILL included.
inline constexpr int PCATCH = 0x100;

// Sleeps until wakeup(chan) or, if timo > 0, for timo ticks.  While
// asleep and until it next runs, the thread has priority `pri & 0xff` when
// that is better than its own (a kernel sleep priority,
// kernel/sched/priority.h; 0 keeps its own).  Returns Errno::Ok when woken,
// Errno::Again (EWOULDBLOCK) on timeout; when pri has PCATCH and a signal
// is deliverable (TDF_NEEDSIGCHK) before or during the sleep,
// Errno::Restart if that signal is caught with SA_RESTART (or stops the
// process), Errno::Intr otherwise (sig_sleep_error, kern_sig.h).
Errno tsleep(const void* chan, int pri, const char* wmesg, uint64_t timo);
// Sleeps for `ticks` ticks (at least one).
void pause(const char* wmesg, uint64_t ticks);

// Makes every thread sleeping on chan runnable; returns how many.
unsigned wakeup(const void* chan);
// Wakes the thread that has slept longest on chan; returns 0 or 1.
unsigned wakeup_one(const void* chan);

// Ends td's sleep if it sleeps with PCATCH (its tsleep returns Intr); the
// signal code calls it after posting a signal td should act on.
void sleepq_abort(thread* td);

// From hardclock(): ends the sleeps whose timeout has come.
void sleepq_tick();
// Threads asleep, for the self-test and ps.
unsigned sleepq_sleepers();

// Condition variables (condvar(9)) over the channels above.
struct cv {
    const char* cv_description;
    unsigned cv_waiters = 0;
};
void cv_wait(cv* c);
Errno cv_timedwait(cv* c, uint64_t timo);
void cv_signal(cv* c);
void cv_broadcast(cv* c);
