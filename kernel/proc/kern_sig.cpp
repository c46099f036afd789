#include <kernel/proc/kern_sig.h>

#include <abi/signal.h>
#include <abi/wait.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigprop.h>
#include <kernel/proc/sigset.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

namespace {

// Pending, not blocked, and with an action the kernel takes itself.
bool actionable(const proc* p, const thread* td, int sig)
{
    if (!sigismember(p->p_siglist, sig)) return false;
    if (sig == SIGKILL) return true;
    if (sigismember(td->td_sigmask, sig)) return false;
    return !sig_caught(p->p_sigacts, sig);
}

} // namespace

void psignal(proc* p, int sig)
{
    KASSERT(sig_valid(sig), "psignal: bad signal %d to pid %d", sig, p->p_pid);
    IntrOff off;
    if (p->p_state == ProcState::Zombie) return;
    if (sig != SIGKILL && sig_ignored(p->p_sigacts, sig)) return;
    sigaddset(p->p_siglist, sig);
    if (p->p_thread) signotify(p->p_thread);
}

void pgsignal(pgrp* pg, int sig, bool checkctty)
{
    KASSERT(pg, "pgsignal: no process group");
    IntrOff off;
    for (proc* p : pg->pg_members)
        if (!checkctty || (p->p_flag & pflag::P_CONTROLT)) psignal(p, sig);
}

int cursig(thread* td)
{
    const proc* p = td->td_proc;
    for (int sig = 1; sig <= _SIG_MAXSIG; sig++)
        if (actionable(p, td, sig)) return sig;
    return 0;
}

void signotify(thread* td)
{
    IntrOff off;
    if (!cursig(td)) {
        td->td_flags &= ~tdflag::TDF_NEEDSIGCHK;
        return;
    }
    td->td_flags |= tdflag::TDF_NEEDSIGCHK;
    sleepq_abort(td);
}

void userret(thread* td)
{
    proc* p = td->td_proc;
    for (int sig; (sig = cursig(td)) != 0;) {
        {
            IntrOff off;
            sigdelset(p->p_siglist, sig);
        }
        // A signal the process ignores never became pending, so what is
        // left is the default action (a caught one is not actionable).
        if (sig == SIGKILL || (sigprop(sig) & SigProp::Kill)) exit1(td, W_EXITCODE(0, sig));
    }
    signotify(td);
}
