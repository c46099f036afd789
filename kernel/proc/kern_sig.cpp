#include <kernel/proc/kern_sig.h>

#include <abi/signal.h>
#include <abi/wait.h>
#include <kernel/ktrace/ktrace.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/sig_machdep.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigprop.h>
#include <kernel/proc/sigset.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

namespace {

// Where a stopped process's thread sleeps (no PCATCH: only SIGCONT and
// SIGKILL, through psignal, end the stop).
const void* stop_chan(const proc* p) { return &p->p_siglist; }

bool stop_signal(int sig) { return (sigprop(sig) & SigProp::Stop) != 0; }

// The parent hears of a stop or a continue (FreeBSD's childproc_stopped
// and childproc_continued): SIGCHLD unless it asked for none with
// SA_NOCLDSTOP, and a wakeup for a wait4 with WUNTRACED or WCONTINUED.
void notify_parent_stop(proc* p)
{
    proc* pp = p->p_pptr;
    if (!pp) return;
    if (!(pp->p_sigacts->ps_flag & PS_NOCLDSTOP)) psignal(pp, SIGCHLD);
    wakeup(pp);
}

// SIGCONT's side of psignal: pending stops are cancelled and a stopped
// process runs again.  Interrupts off.
void sigcont_proc(proc* p)
{
    static constexpr int stops[] = {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
    for (int s : stops) sigdelset(p->p_siglist, s);
    if (!(p->p_flag & pflag::P_STOPPED_SIG)) return;
    p->p_flag = (p->p_flag & ~pflag::P_STOPPED_SIG) | pflag::P_CONTINUED;
    p->p_xstat = SIGCONT;
    wakeup(stop_chan(p));
    notify_parent_stop(p);
}

// The default stop (issignal's SA_STOP branch): the process is marked
// stopped with the signal recorded for wait4 (p_xstat, as FreeBSD 8
// keeps it), its parent told, and its thread sleeps until SIGCONT or
// SIGKILL.
void stop_proc(thread* td, int sig)
{
    KASSERT(td == curthread(), "stopping thread %s, which is not running", td->td_name);
    proc* p = td->td_proc;
    IntrOff off;
    // A new stop, reportable once more by wait4.
    p->p_flag = (p->p_flag & ~(pflag::P_WAITED | pflag::P_CONTINUED)) | pflag::P_STOPPED_SIG;
    p->p_xstat = sig;
    notify_parent_stop(p);
    while ((p->p_flag & pflag::P_STOPPED_SIG) && !sigismember(p->p_siglist, SIGKILL))
        (void)tsleep(stop_chan(p), 0, "stopped", 0);
    p->p_flag &= ~pflag::P_STOPPED_SIG;
}

// What running sig's handler blocks (FreeBSD's postsig_done): the
// handler's mask, and the signal itself unless SA_NODEFER.
ksigset_t postsig_block(const sigacts* ps, int sig)
{
    ksigset_t mask = ps->ps_catchmask[sig_idx(sig)];
    if (!sigismember(ps->ps_signodefer, sig)) sigaddset(mask, sig);
    sig_cantmask(mask);
    return mask;
}

// Delivers sig to its handler; a frame that cannot be written kills the
// process with SIGILL (the process has trashed its stack, or no page could
// be had for it), or with SIGKILL when that came meanwhile (the OOM killer
// chose it while its frame waited for a page): never a retry loop.  The
// action is read, and an SA_RESETHAND one put back to SIG_DFL, before the
// frame's copyout: that may sleep (a fault waiting for a page) while a
// process sharing the sigacts (RFSIGSHARE) installs another action, which
// must neither lend its mask to this delivery nor be reset by it.
void postsig_caught(thread* td, const __siginfo& si)
{
    const int sig = si.si_signo;
    sigacts* ps = td->td_proc->p_sigacts;
    KASSERT(sig_caught(ps, sig), "postsig of signal %d, which is not caught", sig);
    const uintptr_t catcher = sig_handler(ps, sig);
    const ksigset_t block = postsig_block(ps, sig);
    const ksigset_t saved = td->td_sigmask; // only td changes it
    if (sigismember(ps->ps_sigreset, sig)) sigdflt(ps, sig);
    if (KTRPOINT(td, KTR_PSIG)) ktrpsig(td, sig, catcher, si.si_code, saved);
    if (sendsig(td, catcher, si, saved) != Errno::Ok)
        sigexit(td, sigismember(td->td_proc->p_siglist, SIGKILL) ? SIGKILL : SIGILL);
    sigsetor(td->td_sigmask, block);
}

} // namespace

void psignal(proc* p, int sig)
{
    KASSERT(sig_valid(sig), "psignal: bad signal %d to pid %d", sig, p->p_pid);
    // Processes are threads' business: an interrupt handler defers (swi).
    KASSERT(sched_intr_nesting() == 0, "psignal(%d) to pid %d from an interrupt handler", sig, p->p_pid);
    IntrOff off;
    if (p->p_state == ProcState::Zombie) return;
    knote_signal(&p->p_klist, sig); // EVFILT_SIGNAL counts it, even if ignored
    const sigacts* ps = p->p_sigacts;
    // Init takes no default action, SIGKILL included (FreeBSD's issignal:
    // "don't take default actions on system processes"): only what it
    // catches reaches it.
    if (p == initproc && !sig_caught(ps, sig)) return;
    const int prop = sigprop(sig);
    if (prop & SigProp::Cont) {
        sigcont_proc(p);
        if (!sig_caught(ps, sig)) return; // its default is to be dropped once it continued
    }
    if (sig != SIGKILL && sig_ignored(ps, sig)) return;
    if (prop & SigProp::Stop) sigdelset(p->p_siglist, SIGCONT);
    sigaddset(p->p_siglist, sig);
    if (sig == SIGKILL && (p->p_flag & pflag::P_STOPPED_SIG)) wakeup(stop_chan(p));
    if (p->p_thread) signotify(p->p_thread);
}

void pgsignal(pgrp* pg, int sig, bool checkctty)
{
    KASSERT(pg, "pgsignal: no process group");
    IntrOff off;
    for (proc* p : pg->pg_members)
        if (!checkctty || (p->p_flag & pflag::P_CONTROLT)) psignal(p, sig);
}

void trapsignal(thread* td, const __siginfo& si)
{
    const int sig = si.si_signo;
    KASSERT(sig_valid(sig) && sig != SIGKILL, "trapsignal of signal %d", sig);
    proc* p = td->td_proc;
    sigacts* ps = p->p_sigacts;
    if (sig_caught(ps, sig) && !sigismember(td->td_sigmask, sig)) {
        postsig_caught(td, si);
        return;
    }
    if (sigismember(td->td_sigmask, sig) || sig_handler(ps, sig) == SIG_IGN) {
        sigdelset(td->td_sigmask, sig);
        sigdflt(ps, sig);
    }
    psignal(p, sig);
}

int cursig(thread* td)
{
    const proc* p = td->td_proc;
    ksigset_t pending = p->p_siglist;
    sigsetnand(pending, td->td_sigmask);
    if (sigismember(p->p_siglist, SIGKILL)) return SIGKILL;
    return sig_first(pending);
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
    // Every change that can make a signal deliverable (psignal, an
    // unmasking) sets TDF_NEEDSIGCHK through signotify: without it there
    // is nothing to look for.
    if (!(td->td_flags & tdflag::TDF_NEEDSIGCHK)) {
        KASSERT(cursig(td) == 0, "pid %d has signal %d deliverable but TDF_NEEDSIGCHK clear",
                td->td_proc->p_pid, cursig(td));
        return;
    }
    proc* p = td->td_proc;
    for (int sig; (sig = cursig(td)) != 0;) {
        {
            IntrOff off;
            sigdelset(p->p_siglist, sig);
        }
        if (sig != SIGKILL && sig_caught(p->p_sigacts, sig)) {
            __siginfo si{};
            si.si_signo = sig;
            si.si_code = SI_NOINFO; // psignal queues no sender information
            postsig_caught(td, si);
            continue;
        }
        // What is left has its default action: a signal the process
        // ignores never became pending (SIGCONT did its work in psignal).
        const int prop = sigprop(sig);
        if (KTRPOINT(td, KTR_PSIG)) ktrpsig(td, sig, SIG_DFL, SI_NOINFO, td->td_sigmask);
        if (sig == SIGKILL || (prop & SigProp::Kill)) sigexit(td, sig);
        if (prop & SigProp::Stop) stop_proc(td, sig);
    }
    signotify(td);
}

void sigexit(thread* td, int sig) { exit1(td, W_EXITCODE(0, sig)); }

Errno sig_sleep_error(thread* td)
{
    const int sig = cursig(td);
    if (!sig || sig == SIGKILL) return Errno::Intr;
    const sigacts* ps = td->td_proc->p_sigacts;
    if (sig_caught(ps, sig)) return sigismember(ps->ps_sigintr, sig) ? Errno::Intr : Errno::Restart;
    return stop_signal(sig) ? Errno::Restart : Errno::Intr;
}
