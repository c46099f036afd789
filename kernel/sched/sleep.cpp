#include <kernel/sched/sleep.h>

#include <kernel/clock.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sched_inspect.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

namespace {

constexpr unsigned NBUCKETS = 64;
using SleepQueue = List<thread, &thread::td_slpq>;
SleepQueue g_sleepq[NBUCKETS];
unsigned g_sleepers = 0;

SleepQueue& bucket(const void* chan)
{
    const auto a = reinterpret_cast<uintptr_t>(chan);
    return g_sleepq[(a >> 4 ^ a >> 10) % NBUCKETS];
}

// Off the sleep queue and back on a run queue.  Interrupts off.
void unsleep(thread* td, bool timed_out)
{
    bucket(td->td_wchan).remove(td);
    g_sleepers--;
    td->td_wchan = nullptr;
    td->td_sleep_until = 0;
    td->td_timedout = timed_out;
    sched_add(td);
}

unsigned wake(const void* chan, unsigned max)
{
    IntrOff off;
    SleepQueue& q = bucket(chan);
    unsigned n = 0;
    for (thread* td = q.front(); td && n < max;) {
        thread* next = q.next(td);
        if (td->td_wchan == chan) {
            unsleep(td, false);
            n++;
        }
        td = next;
    }
    return n;
}

} // namespace

Errno tsleep(const void* chan, int priority, const char* wmesg, uint64_t timo)
{
    KASSERT(chan != nullptr, "tsleep on a null channel");
    IntrOff off;
    thread* td = curthread();
    KASSERT(td, "tsleep before the scheduler runs");
    const bool catch_signals = priority & PCATCH;
    if (catch_signals && (td->td_flags & tdflag::TDF_NEEDSIGCHK)) return sig_sleep_error(td);
    const auto pri = static_cast<uint8_t>(priority & 0xff);
    td->td_wchan = chan;
    td->td_wmesg = wmesg;
    td->td_sleep_until = timo ? ticks() + timo : 0;
    td->td_timedout = false;
    td->td_interrupted = false;
    if (catch_signals) td->td_flags |= tdflag::TDF_SINTR;
    if (pri && pri < td->td_priority) td->td_priority = pri;
    td->td_state = ThreadState::Inhibited;
    bucket(chan).push_back(td);
    g_sleepers++;
    mi_switch();
    td->td_flags &= ~tdflag::TDF_SINTR;
    td->td_wmesg = nullptr;
    td->td_priority = td->td_base_pri;
    if (td->td_interrupted) return sig_sleep_error(td);
    return td->td_timedout ? Errno::Again : Errno::Ok;
}

void sleepq_abort(thread* td)
{
    IntrOff off;
    if (td->td_state != ThreadState::Inhibited || !(td->td_flags & tdflag::TDF_SINTR)) return;
    KASSERT(td->td_wchan, "thread %s is inhibited but on no channel", td->td_name);
    unsleep(td, false);
    td->td_interrupted = true;
}

void pause(const char* wmesg, uint64_t n)
{
    // A channel nobody wakes: only the timeout ends it.
    static const char pause_chan = 0;
    (void)tsleep(&pause_chan, 0, wmesg, n ? n : 1);
}

unsigned wakeup(const void* chan) { return wake(chan, ~0u); }
unsigned wakeup_one(const void* chan) { return wake(chan, 1); }

void sleepq_tick()
{
    if (!g_sleepers) return;
    const uint64_t now = ticks();
    for (SleepQueue& q : g_sleepq) {
        for (thread* td = q.front(); td;) {
            thread* next = q.next(td);
            if (td->td_sleep_until && td->td_sleep_until <= now) unsleep(td, true);
            td = next;
        }
    }
}

unsigned sleepq_sleepers() { return g_sleepers; }

void cv_wait(cv* c)
{
    IntrOff off;
    c->cv_waiters++;
    (void)tsleep(c, 0, c->cv_description, 0);
}

Errno cv_timedwait(cv* c, uint64_t timo)
{
    IntrOff off;
    c->cv_waiters++;
    const Errno e = tsleep(c, 0, c->cv_description, timo);
    if (e != Errno::Ok) c->cv_waiters--; // nobody signalled us
    return e;
}

void cv_signal(cv* c)
{
    IntrOff off;
    if (c->cv_waiters && wakeup_one(c)) c->cv_waiters--;
}

void cv_broadcast(cv* c)
{
    IntrOff off;
    c->cv_waiters -= wakeup(c);
}

// kernel/sched/sched_inspect.h: read-only, for the invariant checker.
void sleepq_foreach(void (*fn)(thread*, unsigned, void*), void* arg)
{
    for (unsigned b = 0; b < NBUCKETS; b++)
        for (thread* td : g_sleepq[b]) fn(td, b, arg);
}
unsigned sleepq_bucket_of(const void* chan)
{
    return static_cast<unsigned>(&bucket(chan) - g_sleepq);
}
