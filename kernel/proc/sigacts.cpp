#include <kernel/proc/sigacts.h>

#include <string.h>

namespace {

constexpr bool default_ignored(int sig) { return (sigprop(sig) & SigProp::Ignore) != 0; }

// The ps_sigignore of actions all at SIG_DFL, worked out once at compile
// time rather than a signal at a time on every sigacts_alloc.
constexpr ksigset_t default_sigignore()
{
    ksigset_t set{};
    for (int sig = 1; sig <= _SIG_MAXSIG; sig++)
        if (default_ignored(sig) && sig != SIGCONT) sigaddset(set, sig);
    return set;
}
constexpr ksigset_t DEFAULT_SIGIGNORE = default_sigignore();

// ps's action for sig as sigaction(2) reports it.
void sigaction_get(const sigacts* ps, int sig, sigaction* oact)
{
    *oact = {};
    oact->sa_handler = ps->ps_sigact[sig_idx(sig)];
    oact->sa_mask = ps->ps_catchmask[sig_idx(sig)];
    if (sigismember(ps->ps_sigonstack, sig)) oact->sa_flags |= SA_ONSTACK;
    if (!sigismember(ps->ps_sigintr, sig)) oact->sa_flags |= SA_RESTART;
    if (sigismember(ps->ps_sigreset, sig)) oact->sa_flags |= SA_RESETHAND;
    if (sigismember(ps->ps_signodefer, sig)) oact->sa_flags |= SA_NODEFER;
    if (sigismember(ps->ps_siginfo, sig)) oact->sa_flags |= SA_SIGINFO;
    if (sig == SIGCHLD && (ps->ps_flag & PS_NOCLDSTOP)) oact->sa_flags |= SA_NOCLDSTOP;
    if (sig == SIGCHLD && (ps->ps_flag & PS_NOCLDWAIT)) oact->sa_flags |= SA_NOCLDWAIT;
}

// sig is in set exactly when `on`.
void sig_assign(ksigset_t& set, int sig, bool on)
{
    if (on)
        sigaddset(set, sig);
    else
        sigdelset(set, sig);
}

// ps_sigignore and ps_sigcatch follow sig's handler.  SIGCONT stays out
// of ps_sigignore: psignal must still see it to continue the process.
void sig_classify(sigacts* ps, int sig)
{
    const uintptr_t h = ps->ps_sigact[sig_idx(sig)];
    if (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig))) {
        sig_assign(ps->ps_sigignore, sig, sig != SIGCONT);
        sigdelset(ps->ps_sigcatch, sig);
    } else {
        sigdelset(ps->ps_sigignore, sig);
        sig_assign(ps->ps_sigcatch, sig, h != SIG_DFL);
    }
}

} // namespace

Result<sigacts*> sigacts_alloc(SigactsZone& zone)
{
    sigacts* ps = TRY(zone.create());
    ps->ps_zone = &zone;
    ps->ps_sigignore = DEFAULT_SIGIGNORE;
    return ps;
}

sigacts* sigacts_hold(sigacts* ps)
{
    KASSERT(ps && ps->ps_refcnt > 0, "sigacts_hold of freed sigacts");
    ps->ps_refcnt++;
    return ps;
}

void sigacts_free(sigacts* ps)
{
    KASSERT(ps && ps->ps_refcnt > 0, "sigacts_free of freed sigacts");
    if (--ps->ps_refcnt > 0) return;
    ps->ps_zone->destroy(ps);
}

void sigacts_copy(sigacts* dest, const sigacts* src)
{
    KASSERT(!sigacts_shared(dest), "sigacts_copy into shared sigacts (%u refs)", dest->ps_refcnt);
    if (dest == src) return;
    // Everything before ps_refcnt, in one block (FreeBSD's bcopy between
    // sigacts_startcopy and sigacts_endcopy).
    memcpy(static_cast<void*>(dest), src, SIGACTS_COPY_SIZE);
}

Result<void*> sigacts_reserve(SigactsZone& zone) { return zone.zone().alloc(); }

void sigacts_unreserve(SigactsZone& zone, void* mem) { zone.zone().free(mem); }

sigacts* sigacts_fork(void* mem, SigactsZone& zone, const sigacts* src)
{
    sigacts* ps = new (mem) sigacts(*src);
    ps->ps_refcnt = 1;
    ps->ps_zone = &zone;
    return ps;
}

Result<void> kern_sigaction_set(sigacts* ps, int sig, const sigaction* act, sigaction* oact)
{
    if (!sig_valid(sig)) return Errno::Inval;
    if (act && (sig == SIGKILL || sig == SIGSTOP) && act->sa_handler != SIG_DFL) return Errno::Inval;
    // oact may be act (sigaction(sig, &sa, &sa)): read everything first.
    const sigaction nact = act ? *act : sigaction{};
    if (oact) sigaction_get(ps, sig, oact);
    if (!act) return {};

    const int i = sig_idx(sig);
    const int flags = nact.sa_flags;
    ps->ps_sigact[i] = nact.sa_handler;
    ps->ps_catchmask[i] = nact.sa_mask;
    sig_cantmask(ps->ps_catchmask[i]);
    sig_assign(ps->ps_siginfo, sig, flags & SA_SIGINFO);
    sig_assign(ps->ps_sigintr, sig, !(flags & SA_RESTART));
    sig_assign(ps->ps_sigonstack, sig, flags & SA_ONSTACK);
    sig_assign(ps->ps_sigreset, sig, flags & SA_RESETHAND);
    sig_assign(ps->ps_signodefer, sig, flags & SA_NODEFER);
    if (sig == SIGCHLD) {
        ps->ps_flag &= ~(PS_NOCLDSTOP | PS_NOCLDWAIT | PS_CLDSIGIGN);
        if (flags & SA_NOCLDSTOP) ps->ps_flag |= PS_NOCLDSTOP;
        if (flags & SA_NOCLDWAIT) ps->ps_flag |= PS_NOCLDWAIT;
        if (nact.sa_handler == SIG_IGN) ps->ps_flag |= PS_CLDSIGIGN;
    }
    sig_classify(ps, sig);
    return {};
}

void execsigs_reset(sigacts* ps)
{
    KASSERT(!sigacts_shared(ps), "execsigs_reset of shared sigacts (%u refs)", ps->ps_refcnt);
    for (int sig = sig_first(ps->ps_sigcatch); sig != 0; sig = sig_first(ps->ps_sigcatch)) {
        ps->ps_sigact[sig_idx(sig)] = SIG_DFL;
        sigdelset(ps->ps_siginfo, sig);
        sig_classify(ps, sig); // leaves ps_sigcatch, maybe enters ps_sigignore
    }
    sigemptyset(ps->ps_sigonstack);
    ps->ps_flag &= ~(PS_NOCLDWAIT | PS_CLDSIGIGN);
    // SIGCHLD's default is to ignore, so it stays in ps_sigignore.
    if (ps->ps_sigact[sig_idx(SIGCHLD)] == SIG_IGN) ps->ps_sigact[sig_idx(SIGCHLD)] = SIG_DFL;
}

void sigdflt(sigacts* ps, int sig)
{
    KASSERT(sig_valid(sig), "signal %d out of range", sig);
    ps->ps_sigact[sig_idx(sig)] = SIG_DFL;
    sigdelset(ps->ps_siginfo, sig);
    sig_classify(ps, sig);
}

uintptr_t sig_handler(const sigacts* ps, int sig)
{
    KASSERT(sig_valid(sig), "signal %d out of range", sig);
    return ps->ps_sigact[sig_idx(sig)];
}

bool sig_ignored(const sigacts* ps, int sig) { return sigismember(ps->ps_sigignore, sig); }

bool sig_caught(const sigacts* ps, int sig) { return sigismember(ps->ps_sigcatch, sig); }
