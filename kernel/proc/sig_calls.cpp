#include <kernel/proc/sig_calls.h>

#include <abi/ucontext.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/sig_machdep.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>

namespace {

// Whether sig's action now drops it (SIG_IGN, or the default of a
// default-ignored signal, SIGCONT's included).
bool now_ignored(const sigacts* ps, int sig)
{
    const uintptr_t h = sig_handler(ps, sig);
    return h == SIG_IGN || (h == SIG_DFL && (sigprop(sig) & SigProp::Ignore));
}

Errno error_of(const Result<void>& r) { return r.ok() ? Errno::Ok : r.error(); }

} // namespace

Result<void> kern_sigaction(thread* td, int sig, const sigaction* act, sigaction* oact)
{
    proc* p = td->td_proc;
    sigaction nact{};
    if (act) {
        nact = *act;
        if (p == initproc && sig == SIGCHLD) nact.sa_flags &= ~SA_NOCLDWAIT;
    }
    TRY(kern_sigaction_set(p->p_sigacts, sig, act ? &nact : nullptr, oact));
    if (act && now_ignored(p->p_sigacts, sig)) {
        IntrOff off;
        sigdelset(p->p_siglist, sig);
        signotify(td);
    }
    return {};
}

Result<void> kern_sigprocmask(thread* td, int how, const ksigset_t* set, ksigset_t* oset)
{
    const ksigset_t old = td->td_sigmask;
    if (set) {
        ksigset_t s = *set;
        sig_cantmask(s);
        IntrOff off;
        switch (how) {
        case SIG_BLOCK: sigsetor(td->td_sigmask, s); break;
        case SIG_UNBLOCK: sigsetnand(td->td_sigmask, s); break;
        case SIG_SETMASK: td->td_sigmask = s; break;
        default: return Errno::Inval;
        }
        signotify(td);
    }
    if (oset) *oset = old;
    return {};
}

ksigset_t kern_sigpending(thread* td)
{
    IntrOff off;
    return td->td_proc->p_siglist;
}

Result<void> kern_sigaltstack(thread* td, const sigaltstack* ss, sigaltstack* oss)
{
    const bool onstack = sigonstack(td);
    const bool have = (td->td_pflags & tdpflag::TDP_ALTSTACK) != 0;
    if (oss) {
        *oss = td->td_sigstk;
        oss->ss_flags = have ? (onstack ? SS_ONSTACK : 0) : SS_DISABLE;
    }
    if (!ss) return {};
    // Moving the stack from under a running handler would let the next
    // signal's frame overwrite the one in use.
    if (onstack) return Errno::Perm;
    if (ss->ss_flags & ~SS_DISABLE) return Errno::Inval;
    if (ss->ss_flags & SS_DISABLE) {
        td->td_pflags &= ~tdpflag::TDP_ALTSTACK;
        return {};
    }
    if (ss->ss_size < MINSIGSTKSZ) return Errno::NoMem;
    td->td_sigstk = *ss;
    td->td_pflags |= tdpflag::TDP_ALTSTACK;
    return {};
}

Errno user_sigaction(thread* td, int sig, uint64_t uact, uint64_t uoact)
{
    sigaction act{}, oact{};
    if (uact)
        if (const Errno e = copyin(uact, &act, sizeof act); e != Errno::Ok) return e;
    if (const Errno e = error_of(kern_sigaction(td, sig, uact ? &act : nullptr, uoact ? &oact : nullptr));
        e != Errno::Ok)
        return e;
    return uoact ? copyout(&oact, uoact, sizeof oact) : Errno::Ok;
}

Errno user_sigprocmask(thread* td, int how, uint64_t uset, uint64_t uoset)
{
    ksigset_t set{}, oset{};
    if (uset)
        if (const Errno e = copyin(uset, &set, sizeof set); e != Errno::Ok) return e;
    if (const Errno e = error_of(kern_sigprocmask(td, how, uset ? &set : nullptr, &oset)); e != Errno::Ok)
        return e;
    return uoset ? copyout(&oset, uoset, sizeof oset) : Errno::Ok;
}

Errno user_sigpending(thread* td, uint64_t uset)
{
    const ksigset_t s = kern_sigpending(td);
    return copyout(&s, uset, sizeof s);
}

Errno user_sigaltstack(thread* td, uint64_t uss, uint64_t uoss)
{
    sigaltstack ss{}, oss{};
    if (uss)
        if (const Errno e = copyin(uss, &ss, sizeof ss); e != Errno::Ok) return e;
    if (const Errno e = error_of(kern_sigaltstack(td, uss ? &ss : nullptr, &oss)); e != Errno::Ok)
        return e;
    return uoss ? copyout(&oss, uoss, sizeof oss) : Errno::Ok;
}

Errno user_sigreturn(thread* td, uint64_t uucp)
{
    __ucontext uc;
    if (const Errno e = copyin(uucp, &uc, sizeof uc); e != Errno::Ok) return e;
    if (const Errno e = set_mcontext(td, &uc.uc_mcontext); e != Errno::Ok) return e;
    (void)kern_sigprocmask(td, SIG_SETMASK, &uc.uc_sigmask, nullptr);
    return Errno::JustReturn;
}
