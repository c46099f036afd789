#include <kernel/sched/sched_check.h>

#include <kernel/debug/invariant_report.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sched_inspect.h>
#include <kernel/sched/sleep.h>
#include <mm/intr_off.h>

namespace {

struct Walk {
    InvariantReport* r;
    unsigned count = 0;
    uint64_t bits = 0;
};

void on_runq(thread* td, unsigned q, void* arg)
{
    auto& w = *static_cast<Walk*>(arg);
    w.count++;
    w.bits |= uint64_t{1} << q;
    if (td->td_state != ThreadState::RunQ)
        w.r->violation("sched", "thread %s on run queue %u in state %d", td->td_name, q,
                       static_cast<int>(td->td_state));
    if (td->td_slpq.linked() || td->td_wchan)
        w.r->violation("sched", "thread %s on run queue %u is also asleep on %p", td->td_name, q,
                       td->td_wchan);
    if (td == curthread() || td == sched_idle_thread())
        w.r->violation("sched", "thread %s on run queue %u is the %s thread", td->td_name, q,
                       td == curthread() ? "running" : "idle");
}

void on_sleepq(thread* td, unsigned bucket, void* arg)
{
    auto& w = *static_cast<Walk*>(arg);
    w.count++;
    if (td->td_state != ThreadState::Inhibited)
        w.r->violation("sched", "thread %s on sleep queue %u in state %d", td->td_name, bucket,
                       static_cast<int>(td->td_state));
    if (!td->td_wchan)
        w.r->violation("sched", "thread %s on sleep queue %u has no wait channel", td->td_name,
                       bucket);
    else if (sleepq_bucket_of(td->td_wchan) != bucket)
        w.r->violation("sched", "thread %s asleep on %p sits in sleep queue %u, not %u",
                       td->td_name, td->td_wchan, bucket, sleepq_bucket_of(td->td_wchan));
    if (td->td_runq.linked())
        w.r->violation("sched", "thread %s asleep is also on a run queue", td->td_name);
}

} // namespace

void sched_check(InvariantReport& r)
{
    IntrOff off;
    Walk run{&r};
    runq_foreach(on_runq, &run);
    if (run.bits != runq_nonempty_bits())
        r.violation("sched", "run queues not empty %#lx, the scheduler's bits say %#lx", run.bits,
                    runq_nonempty_bits());
    if (run.count != sched_runnable())
        r.violation("sched", "%u threads on the run queues, %u counted runnable", run.count,
                    sched_runnable());
    Walk sleep{&r};
    sleepq_foreach(on_sleepq, &sleep);
    if (sleep.count != sleepq_sleepers())
        r.violation("sched", "%u threads on the sleep queues, %u counted asleep", sleep.count,
                    sleepq_sleepers());
}

void sched_check_thread(thread* td, InvariantReport& r)
{
    IntrOff off;
    switch (td->td_state) {
    case ThreadState::RunQ:
        if (!td->td_runq.linked())
            r.violation("sched", "thread %s is runnable but on no run queue", td->td_name);
        break;
    case ThreadState::Running:
        if (td != curthread())
            r.violation("sched", "thread %s is marked running, %s is", td->td_name,
                        curthread() ? curthread()->td_name : "nothing");
        break;
    case ThreadState::Inhibited:
        if (td->td_wchan && !td->td_slpq.linked())
            r.violation("sched", "thread %s sleeps on %p but is on no sleep queue", td->td_name,
                        td->td_wchan);
        break;
    case ThreadState::Inactive:
        break;
    }
    if (td->td_state != ThreadState::RunQ && td->td_runq.linked())
        r.violation("sched", "thread %s in state %d is on a run queue", td->td_name,
                    static_cast<int>(td->td_state));
    if (td->td_state != ThreadState::Inhibited && td->td_slpq.linked())
        r.violation("sched", "thread %s in state %d is on a sleep queue", td->td_name,
                    static_cast<int>(td->td_state));
}
