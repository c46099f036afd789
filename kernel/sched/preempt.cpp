#include <kernel/sched/preempt.h>

#include <kernel/machdep.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>

namespace {
PreemptStats g_stats{};
} // namespace

void intr_enter() { sched_intr_enter(); }

void intr_exit(bool to_user)
{
    sched_intr_leave();
    if (!to_user) {
        // The interrupted kernel code may be half-way through an x++ on a
        // reference count or a list edit: it keeps the CPU, and pays the
        // preemption at its next switch point or return to user mode.
        g_stats.kernel_intrs++;
        if (sched_owepreempt()) g_stats.deferred++;
        return;
    }
    g_stats.user_intrs++;
    KASSERT(sched_intr_nesting() == 0, "an interrupt from user mode nested in another");
    arch::intr_enable();
    ast(curthread());
    (void)arch::intr_disable();
}

void ast(thread* td)
{
    KASSERT(td && td == curthread(), "ast for a thread that is not running");
    KASSERT(td->td_proc, "ast for thread %s, which has no user mode", td->td_name);
    KASSERT(sched_intr_nesting() == 0, "ast inside an interrupt handler");
    // The common case, nothing owed: two flags, no signal sets (userret
    // says why TDF_NEEDSIGCHK is enough).
    if (!td->td_owepreempt && !(td->td_flags & tdflag::TDF_NEEDSIGCHK)) {
        KASSERT(cursig(td) == 0, "pid %d has signal %d deliverable but TDF_NEEDSIGCHK clear",
                td->td_proc->p_pid, cursig(td));
        return;
    }
    if (td->td_owepreempt) {
        g_stats.user_preemptions++;
        sched_preempt_point();
    }
    // A signal posted while we were off the CPU (SIGKILL to a process
    // that never makes a system call) is acted on here.
    userret(td);
}

PreemptStats preempt_stats() { return g_stats; }
