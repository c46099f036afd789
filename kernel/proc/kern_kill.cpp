#include <kernel/proc/kern_kill.h>

#include <abi/signal.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/sigset.h>
#include <kernel/proc/ucred.h>
#include <mm/intr_off.h>

namespace {

// What a user may send a process that changed ids (FreeBSD's
// conservative_signals list in cr_cansignal).
bool sugid_allowed(int sig)
{
    switch (sig) {
    case 0:
    case SIGKILL:
    case SIGINT:
    case SIGTERM:
    case SIGALRM:
    case SIGSTOP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGTSTP:
    case SIGHUP:
    case SIGUSR1:
    case SIGUSR2: return true;
    default: return false;
    }
}

// The result of a broadcast so far (killpg1's ret): Srch until a target
// is found, Perm once one refused, Ok once one was signalled.
struct Broadcast {
    Errno ret = Errno::Srch;

    void offer(thread* td, proc* p, int sig)
    {
        if (p->p_pid <= 1 || (p->p_flag & pflag::P_SYSTEM) || p->p_state == ProcState::New) return;
        const Result<void> r = p_cansignal(td, p, sig);
        if (r.ok()) {
            if (sig) psignal(p, sig);
            ret = Errno::Ok;
        } else if (ret == Errno::Srch) {
            ret = r.error();
        }
    }
};

// killpg1: every process (all) or every member of group pgid (0: the
// caller's).
Result<void> killpg1(thread* td, int sig, pid_t pgid, bool all)
{
    IntrOff off; // the lists do not change under us
    Broadcast b;
    if (all) {
        for (proc* p : proc_table().allproc())
            if (p != td->td_proc) b.offer(td, p, sig);
    } else {
        pgrp* pg = pgid == 0 ? td->td_proc->p_pgrp : proc_zones().pgrps.pgfind(pgid);
        if (!pg) return Errno::Srch;
        for (proc* p : pg->pg_members) b.offer(td, p, sig);
    }
    if (b.ret != Errno::Ok) return b.ret;
    return {};
}

} // namespace

Result<void> cr_cansignal(const ucred* cred, const proc* p, int sig)
{
    const ucred* tc = p->p_ucred;
    if ((p->p_flag & pflag::P_SUGID) && !sugid_allowed(sig))
        TRY(priv_check_cred(cred, Priv::SignalSugid));
    if (cred->cr_ruid != tc->cr_ruid && cred->cr_ruid != tc->cr_svuid &&
        cred->cr_uid != tc->cr_ruid && cred->cr_uid != tc->cr_svuid)
        TRY(priv_check_cred(cred, Priv::SignalDiffCred));
    return {};
}

Result<void> p_cansignal(thread* td, const proc* p, int sig)
{
    if (td->td_proc == p) return {};
    if (sig == SIGCONT && proc_session(td->td_proc) == proc_session(p)) return {};
    return cr_cansignal(td->td_ucred, p, sig);
}

Result<void> kern_kill(thread* td, pid_t pid, int sig)
{
    if (sig < 0 || sig > _SIG_MAXSIG) return Errno::Inval;
    if (pid > 0) {
        IntrOff off;
        proc* p = proc_table().pfind(pid); // zombies too: kill(pid, 0) finds them
        if (!p) return Errno::Srch;
        // Kernel processes take no signals from user space (they would
        // never act on them).
        if ((p->p_flag & pflag::P_SYSTEM) && p != td->td_proc) return Errno::Perm;
        TRY(p_cansignal(td, p, sig));
        if (sig) psignal(p, sig);
        return {};
    }
    if (pid == -1) return killpg1(td, sig, 0, true);
    // -INT32_MIN wraps to itself (C++20), a group nobody has: Srch.
    return killpg1(td, sig, static_cast<pid_t>(-static_cast<int64_t>(pid)), false);
}
