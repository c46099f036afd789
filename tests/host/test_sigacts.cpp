// Signals: the ABI values, signal-set operations, default properties
// (sigprop) and the signal actions of a process (sigacts: alloc, hold,
// free, copy, kern_sigaction_set, execsigs_reset).
//
// Expectations come from FreeBSD's manuals (signal(3), sigaction(2),
// execve(2)) and from the set layout (signal s at bit (s-1)%32 of word
// (s-1)/32), written out by hand.  This file must not include the host's
// <signal.h> (nor mem_test_util.h, which does): its SIG* macros are
// Linux's numbers.
#include <doctest/doctest.h>

#include <abi/signal.h>
#include <arch/host_arena.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigprop.h>
#include <kernel/proc/sigset.h>
#include <mm/page_alloc.h>

#include <initializer_list>
#include <stddef.h>
#include <stdint.h>

namespace {

// A fresh arena, page allocator and sigacts zone; at the end no object
// and no page may be left in use.
struct Mem {
    HostArena arena{PhysAddr(0x80000000), 4 * 1024 * 1024};
    PageAllocator pages;
    Mem()
    {
        const PhysRange all = arena.range();
        REQUIRE(pages.init(&all, 1, nullptr, 0).ok());
    }
    ~Mem() { CHECK(pages.pages_in_use() == 0); }
};

struct SigEnv {
    Mem mem;
    SigactsZone zone{"sigacts", mem.pages};
    ~SigEnv() { CHECK(zone.objects_in_use() == 0); }
};

ksigset_t set_of(std::initializer_list<int> sigs)
{
    ksigset_t s{};
    for (int sig : sigs) sigaddset(s, sig);
    return s;
}

sigaction action(uintptr_t handler, int flags = 0, ksigset_t mask = {})
{
    sigaction sa{};
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sa.sa_mask = mask;
    return sa;
}

// The action a process sees through sigaction(sig, NULL, &oact).
sigaction get(sigacts* ps, int sig)
{
    sigaction oact{};
    REQUIRE(kern_sigaction_set(ps, sig, nullptr, &oact).ok());
    return oact;
}

void set(sigacts* ps, int sig, const sigaction& act) { REQUIRE(kern_sigaction_set(ps, sig, &act, nullptr).ok()); }

bool same_actions(const sigacts* a, const sigacts* b)
{
    for (int i = 0; i < _SIG_MAXSIG; i++)
        if (a->ps_sigact[i] != b->ps_sigact[i] || !sigseteq(a->ps_catchmask[i], b->ps_catchmask[i]))
            return false;
    return sigseteq(a->ps_sigonstack, b->ps_sigonstack) && sigseteq(a->ps_sigintr, b->ps_sigintr) &&
           sigseteq(a->ps_sigreset, b->ps_sigreset) && sigseteq(a->ps_signodefer, b->ps_signodefer) &&
           sigseteq(a->ps_siginfo, b->ps_siginfo) && sigseteq(a->ps_sigignore, b->ps_sigignore) &&
           sigseteq(a->ps_sigcatch, b->ps_sigcatch) && a->ps_flag == b->ps_flag;
}

constexpr uintptr_t HANDLER = 0x10'0000; // a user function address
constexpr uintptr_t HANDLER2 = 0x10'0400;

} // namespace

// ---- ABI ----

TEST_CASE("signal abi: FreeBSD's numbers, flags and layouts")
{
    // signal(3)'s table, in order.
    const int expect[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGILL,  SIGTRAP,   SIGABRT, SIGEMT,   SIGFPE,  SIGKILL,
                          SIGBUS,  SIGSEGV, SIGSYS,  SIGPIPE, SIGALRM,   SIGTERM, SIGURG,   SIGSTOP, SIGTSTP,
                          SIGCONT, SIGCHLD, SIGTTIN, SIGTTOU, SIGIO,     SIGXCPU, SIGXFSZ,  SIGVTALRM,
                          SIGPROF, SIGWINCH, SIGINFO, SIGUSR1, SIGUSR2, SIGTHR,  SIGLIBRT};
    for (int i = 0; i < 33; i++) CHECK(expect[i] == i + 1);
    CHECK(SIGRTMIN == 65);
    CHECK(SIGRTMAX == 126);
    CHECK(_SIG_MAXSIG == 128);
    CHECK(_SIG_WORDS * 32 == _SIG_MAXSIG);

    CHECK(SIG_DFL == 0);
    CHECK(SIG_IGN == 1);
    CHECK(SIG_ERR == ~uintptr_t{0});
    // Distinct single bits.
    const int flags[] = {SA_ONSTACK, SA_RESTART, SA_RESETHAND, SA_NOCLDSTOP, SA_NODEFER, SA_NOCLDWAIT, SA_SIGINFO};
    int all = 0;
    for (int f : flags) {
        CHECK((f & (f - 1)) == 0);
        CHECK((all & f) == 0);
        all |= f;
    }
    CHECK(all == 0x7f);
    CHECK(SA_NOCLDSTOP == 8);
    CHECK(SIG_BLOCK == 1);
    CHECK(SIG_UNBLOCK == 2);
    CHECK(SIG_SETMASK == 3);
    CHECK(SS_ONSTACK == 1);
    CHECK(SS_DISABLE == 4);

    // Handler (8 bytes), flags (4), then the 16-byte mask: 28, padded to 32.
    CHECK(offsetof(sigaction, sa_handler) == 0);
    CHECK(offsetof(sigaction, sa_flags) == 8);
    CHECK(offsetof(sigaction, sa_mask) == 12);
    CHECK(sizeof(sigaction) == 32);
    CHECK(sizeof(ksigset_t) == 16);
    CHECK(offsetof(sigaltstack, ss_sp) == 0);
    CHECK(sizeof(sigaltstack) == 24);
}

// ---- signal sets ----

TEST_CASE("sigset: validity and the word/bit of a signal")
{
    CHECK_FALSE(sig_valid(0));
    CHECK_FALSE(sig_valid(-1));
    CHECK(sig_valid(1));
    CHECK(sig_valid(128));
    CHECK_FALSE(sig_valid(129));
    CHECK(sig_idx(1) == 0);
    CHECK(sig_idx(128) == 127);
    CHECK(sig_word(32) == 0);
    CHECK(sig_word(33) == 1);
    CHECK(sig_word(64) == 1);
    CHECK(sig_word(65) == 2);
    CHECK(sig_word(128) == 3);
    CHECK(sig_bit(1) == 0x1u);
    CHECK(sig_bit(32) == 0x80000000u);
    CHECK(sig_bit(33) == 0x1u);
}

TEST_CASE("sigset: add, member and delete across the word boundaries")
{
    ksigset_t s{};
    CHECK(sigisempty(s));
    CHECK_FALSE(signotempty(s));
    for (int sig : {1, 32, 33, 64, 65, 128}) sigaddset(s, sig);
    CHECK(s.__bits[0] == 0x80000001u); // 1 and 32
    CHECK(s.__bits[1] == 0x80000001u); // 33 and 64
    CHECK(s.__bits[2] == 0x00000001u); // 65
    CHECK(s.__bits[3] == 0x80000000u); // 128
    for (int sig = 1; sig <= 128; sig++) {
        const bool in = sig == 1 || sig == 32 || sig == 33 || sig == 64 || sig == 65 || sig == 128;
        CHECK_MESSAGE(sigismember(s, sig) == in, "signal ", sig);
    }
    sigaddset(s, 33); // twice is once
    CHECK(s.__bits[1] == 0x80000001u);

    sigdelset(s, 32);
    CHECK(s.__bits[0] == 0x1u);
    CHECK(sigismember(s, 33)); // its neighbour in the next word stays
    sigdelset(s, 32);          // absent: no change
    CHECK(s.__bits[0] == 0x1u);
    sigdelset(s, 128);
    CHECK(s.__bits[3] == 0);
    CHECK(signotempty(s));
    sigemptyset(s);
    CHECK(sigisempty(s));
}

TEST_CASE("sigset: fill, or, and, nand, eq")
{
    ksigset_t all{};
    sigfillset(all);
    for (uint32_t w : all.__bits) CHECK(w == 0xffffffffu);
    for (int sig = 1; sig <= 128; sig++) CHECK(sigismember(all, sig));

    ksigset_t a = set_of({SIGHUP, SIGUSR2, 40, 100});
    const ksigset_t b = set_of({SIGUSR2, SIGTHR, 100, 128});
    ksigset_t u = a;
    sigsetor(u, b);
    CHECK(sigseteq(u, set_of({SIGHUP, SIGUSR2, SIGTHR, 40, 100, 128})));
    ksigset_t i = a;
    sigsetand(i, b);
    CHECK(sigseteq(i, set_of({SIGUSR2, 100})));
    ksigset_t d = a;
    sigsetnand(d, b);
    CHECK(sigseteq(d, set_of({SIGHUP, 40})));
    CHECK_FALSE(sigseteq(a, b));
    CHECK(sigseteq(a, a));
    // Equality looks at every word.
    ksigset_t a2 = a;
    sigaddset(a2, 128);
    CHECK_FALSE(sigseteq(a, a2));
}

TEST_CASE("sigset: sig_first gives the lowest member, 0 for none")
{
    CHECK(sig_first(ksigset_t{}) == 0);
    CHECK(sig_first(set_of({128})) == 128);
    CHECK(sig_first(set_of({33, 64})) == 33);
    CHECK(sig_first(set_of({32, 100})) == 32);
    CHECK(sig_first(set_of({65, 2})) == 2);
    CHECK(sig_first(set_of({1})) == 1);
    // Walking a set in order, as execsigs does.
    ksigset_t s = set_of({7, 31, 32, 33, 64, 65, 127});
    int seen[8] = {};
    int n = 0;
    for (int sig = sig_first(s); sig != 0; sig = sig_first(s)) {
        REQUIRE(n < 8);
        seen[n++] = sig;
        sigdelset(s, sig);
    }
    CHECK(n == 7);
    const int order[] = {7, 31, 32, 33, 64, 65, 127};
    for (int k = 0; k < 7; k++) CHECK(seen[k] == order[k]);
}

TEST_CASE("sigset: sig_cantmask takes out SIGKILL and SIGSTOP only")
{
    ksigset_t s{};
    sigfillset(s);
    sig_cantmask(s);
    for (int sig = 1; sig <= 128; sig++) CHECK(sigismember(s, sig) == (sig != 9 && sig != 17));
}

// The operations are constexpr: a set can be built at compile time.
namespace {
constexpr ksigset_t stop_signals()
{
    ksigset_t s{};
    sigaddset(s, SIGSTOP);
    sigaddset(s, SIGTSTP);
    sigaddset(s, SIGTTIN);
    sigaddset(s, SIGTTOU);
    return s;
}
} // namespace
static_assert(stop_signals().__bits[0] == ((1u << 16) | (1u << 17) | (1u << 20) | (1u << 21)));
static_assert(sig_first(stop_signals()) == SIGSTOP);

// ---- sigprop ----

TEST_CASE("sigprop: the default actions of signal(3)")
{
    using namespace SigProp;
    CHECK(sigprop(SIGCHLD) == Ignore);
    CHECK(sigprop(SIGSTOP) == Stop);
    CHECK(sigprop(SIGCONT) == (Ignore | Cont));
    CHECK(sigprop(SIGSEGV) == (Kill | Core));
    CHECK(sigprop(SIGKILL) == Kill);
    CHECK(sigprop(SIGTSTP) == (Stop | TtyStop));

    // signal(3): "create core image", "discard signal", "stop process",
    // everything else "terminate process".
    const int core[] = {SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGEMT, SIGFPE, SIGBUS, SIGSEGV, SIGSYS};
    const int discard[] = {SIGURG, SIGCONT, SIGCHLD, SIGIO, SIGWINCH, SIGINFO};
    const int stop[] = {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
    const int tty[] = {SIGTSTP, SIGTTIN, SIGTTOU};
    auto in = [](const auto& list, int sig) {
        for (int s : list)
            if (s == sig) return true;
        return false;
    };
    for (int sig = 1; sig <= SIGLIBRT; sig++) {
        const int p = sigprop(sig);
        INFO("signal ", sig);
        if (in(core, sig)) {
            CHECK(p == (Kill | Core));
        } else if (in(discard, sig)) {
            CHECK(p == (sig == SIGCONT ? (Ignore | Cont) : Ignore));
        } else if (in(stop, sig)) {
            CHECK(p == (in(tty, sig) ? (Stop | TtyStop) : Stop));
        } else {
            CHECK(p == Kill);
        }
    }
    // Real-time and the other high signals terminate.
    CHECK(sigprop(SIGRTMIN) == Kill);
    CHECK(sigprop(SIGRTMAX) == Kill);
    CHECK(sigprop(34) == Kill);
    CHECK(sigprop(128) == Kill);
    CHECK(sigprop(0) == 0);
    CHECK(sigprop(129) == 0);
}

// ---- sigacts: life cycle ----

TEST_CASE("sigacts: alloc gives every signal SIG_DFL, default-ignored ones in ps_sigignore")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    CHECK(ps->ps_refcnt == 1);
    CHECK_FALSE(sigacts_shared(ps));
    CHECK(ps->ps_flag == 0);
    CHECK(env.zone.objects_in_use() == 1);
    for (int sig = 1; sig <= _SIG_MAXSIG; sig++) {
        INFO("signal ", sig);
        CHECK(sig_handler(ps, sig) == SIG_DFL);
        CHECK_FALSE(sig_caught(ps, sig));
        const bool discard = sig == SIGURG || sig == SIGCHLD || sig == SIGIO || sig == SIGWINCH || sig == SIGINFO;
        CHECK(sig_ignored(ps, sig) == discard); // SIGCONT never: it must still continue
        CHECK(sigisempty(ps->ps_catchmask[sig_idx(sig)]));
    }
    CHECK(sigisempty(ps->ps_sigcatch));
    CHECK(sigisempty(ps->ps_sigintr)); // every signal restarts system calls
    CHECK_FALSE(sig_nocldwait(ps));
    sigacts_free(ps);
    CHECK(env.zone.objects_in_use() == 0);
}

TEST_CASE("sigacts: hold counts; only the last free gives the object back")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    CHECK(sigacts_hold(ps) == ps);
    CHECK(sigacts_hold(ps) == ps);
    CHECK(ps->ps_refcnt == 3);
    CHECK(sigacts_shared(ps));
    sigacts_free(ps);
    CHECK(ps->ps_refcnt == 2);
    sigacts_free(ps);
    CHECK_FALSE(sigacts_shared(ps));
    CHECK(env.zone.objects_in_use() == 1);
    sigacts_free(ps);
    CHECK(env.zone.objects_in_use() == 0);
}

TEST_CASE("sigacts: shared actions (RFSIGSHARE): a change through one holder shows in the other")
{
    SigEnv env;
    sigacts* parent = sigacts_alloc(env.zone).value();
    sigacts* child = sigacts_hold(parent); // what fork1 does with RFSIGSHARE
    set(child, SIGUSR1, action(HANDLER));
    CHECK(sig_handler(parent, SIGUSR1) == HANDLER);
    CHECK(sig_caught(parent, SIGUSR1));
    set(parent, SIGINT, action(SIG_IGN));
    CHECK(sig_ignored(child, SIGINT));
    sigacts_free(parent); // the parent exits: the child keeps them
    CHECK(env.zone.objects_in_use() == 1);
    CHECK(sig_handler(child, SIGUSR1) == HANDLER);
    sigacts_free(child);
}

TEST_CASE("sigacts: fork's reserve, then a copy built at commit, or the memory given back")
{
    SigEnv env;
    sigacts* parent = sigacts_alloc(env.zone).value();
    set(parent, SIGUSR1, action(HANDLER, SA_ONSTACK | SA_SIGINFO, set_of({SIGUSR2})));
    set(parent, SIGTERM, action(SIG_IGN));
    set(parent, SIGCHLD, action(HANDLER2, SA_NOCLDSTOP));
    sigacts_hold(parent); // a peer shares the parent's: the copy's count is its own
    // The memory first; the parent changes an action before the commit,
    // and the copy has it.
    void* mem = sigacts_reserve(env.zone).value();
    CHECK(env.zone.objects_in_use() == 2);
    set(parent, SIGINT, action(HANDLER2));
    sigacts* child = sigacts_fork(mem, env.zone, parent);
    CHECK(static_cast<void*>(child) == mem);
    CHECK(same_actions(child, parent));
    CHECK(sig_handler(child, SIGINT) == HANDLER2);
    CHECK(child->ps_refcnt == 1);
    CHECK(parent->ps_refcnt == 2);
    CHECK(child->ps_zone == &env.zone);
    set(child, SIGUSR1, action(SIG_DFL));
    CHECK(sig_handler(parent, SIGUSR1) == HANDLER);
    sigacts_free(child);
    CHECK(env.zone.objects_in_use() == 1);
    // A fork that fails after the reserve gives the memory back unbuilt.
    mem = sigacts_reserve(env.zone).value();
    sigacts_unreserve(env.zone, mem);
    CHECK(env.zone.objects_in_use() == 1);
    env.zone.fail_after(0);
    CHECK(sigacts_reserve(env.zone).error() == Errno::NoMem);
    env.zone.fail_after(-1);
    CHECK(env.zone.objects_in_use() == 1);
    sigacts_free(parent);
    sigacts_free(parent);
}

TEST_CASE("sigacts: copy (fork without RFSIGSHARE) is equal, then independent")
{
    SigEnv env;
    sigacts* parent = sigacts_alloc(env.zone).value();
    set(parent, SIGUSR1, action(HANDLER, SA_ONSTACK | SA_SIGINFO, set_of({SIGUSR2})));
    set(parent, SIGTERM, action(SIG_IGN));
    set(parent, SIGCHLD, action(HANDLER2, SA_NOCLDSTOP));

    sigacts* child = sigacts_alloc(env.zone).value();
    sigacts_copy(child, parent);
    CHECK(same_actions(child, parent));
    CHECK(child->ps_refcnt == 1); // its own object, not a reference
    CHECK(parent->ps_refcnt == 1);
    CHECK(child->ps_zone == &env.zone);
    const sigaction got = get(child, SIGUSR1);
    CHECK(got.sa_handler == HANDLER);
    CHECK(got.sa_flags == (SA_ONSTACK | SA_SIGINFO)); // no SA_RESTART was given
    CHECK(sigseteq(got.sa_mask, set_of({SIGUSR2})));
    CHECK((child->ps_flag & PS_NOCLDSTOP) != 0);

    // The child changes its copy; the parent's stay.
    set(child, SIGUSR1, action(SIG_DFL));
    set(child, SIGTERM, action(HANDLER2));
    set(child, SIGCHLD, action(SIG_DFL));
    CHECK(sig_handler(parent, SIGUSR1) == HANDLER);
    CHECK(sig_caught(parent, SIGUSR1));
    CHECK(sig_ignored(parent, SIGTERM));
    CHECK_FALSE(sig_caught(parent, SIGTERM));
    CHECK((parent->ps_flag & PS_NOCLDSTOP) != 0);
    CHECK(sigismember(parent->ps_sigonstack, SIGUSR1));
    CHECK_FALSE(sigismember(child->ps_sigonstack, SIGUSR1));
    sigacts_free(child);
    sigacts_free(parent);
}

TEST_CASE("sigacts: allocation failure is NoMem and leaves nothing behind")
{
    SigEnv env;
    env.zone.fail_after(0);
    Result<sigacts*> r = sigacts_alloc(env.zone);
    CHECK(r.error() == Errno::NoMem);
    CHECK(env.zone.objects_in_use() == 0);
    CHECK(env.zone.pages_in_use() == 0);
    env.zone.fail_after(-1);

    // The page allocator runs dry instead.
    env.mem.pages.fail_after(0);
    CHECK(sigacts_alloc(env.zone).error() == Errno::NoMem);
    CHECK(env.zone.objects_in_use() == 0);
    CHECK(env.mem.pages.pages_in_use() == 0);
    env.mem.pages.fail_after(-1);

    // fork1's copy path: the parent's actions survive a failed copy.
    sigacts* parent = sigacts_alloc(env.zone).value();
    set(parent, SIGUSR1, action(HANDLER));
    env.zone.fail_after(0);
    CHECK(sigacts_alloc(env.zone).error() == Errno::NoMem);
    env.zone.fail_after(-1);
    CHECK(env.zone.objects_in_use() == 1);
    CHECK(sig_handler(parent, SIGUSR1) == HANDLER);
    CHECK(parent->ps_refcnt == 1);
    sigacts_free(parent);
}

// ---- kern_sigaction_set ----

TEST_CASE("sigaction: invalid signals and SIGKILL/SIGSTOP handlers are EINVAL, nothing changes")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    set(ps, SIGUSR1, action(HANDLER));
    sigacts* before = sigacts_alloc(env.zone).value();
    sigacts_copy(before, ps);

    const sigaction catch_it = action(HANDLER);
    const sigaction ignore_it = action(SIG_IGN);
    sigaction oact = action(HANDLER2, SA_NODEFER);
    for (int sig : {0, -1, 129, 1000}) {
        CHECK(kern_sigaction_set(ps, sig, &catch_it, nullptr).error() == Errno::Inval);
        CHECK(kern_sigaction_set(ps, sig, nullptr, &oact).error() == Errno::Inval);
    }
    for (int sig : {SIGKILL, SIGSTOP}) {
        CHECK(kern_sigaction_set(ps, sig, &catch_it, &oact).error() == Errno::Inval);
        CHECK(kern_sigaction_set(ps, sig, &ignore_it, nullptr).error() == Errno::Inval);
    }
    CHECK(same_actions(ps, before));
    CHECK(oact.sa_handler == HANDLER2); // not written on an error
    CHECK(oact.sa_flags == SA_NODEFER);

    // SIG_DFL is allowed for both, and leaves them neither caught nor ignored.
    const sigaction dfl = action(SIG_DFL);
    CHECK(kern_sigaction_set(ps, SIGKILL, &dfl, nullptr).ok());
    CHECK(kern_sigaction_set(ps, SIGSTOP, &dfl, nullptr).ok());
    CHECK_FALSE(sig_ignored(ps, SIGKILL));
    CHECK_FALSE(sig_caught(ps, SIGSTOP));
    // The highest signal number is valid.
    CHECK(kern_sigaction_set(ps, 128, &catch_it, nullptr).ok());
    CHECK(sig_caught(ps, 128));
    sigacts_free(before);
    sigacts_free(ps);
}

TEST_CASE("sigaction: oact reports the old action; act may be oact")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    // A fresh action: SIG_DFL, empty mask, SA_RESTART (FreeBSD restarts by default).
    sigaction o = get(ps, SIGINT);
    CHECK(o.sa_handler == SIG_DFL);
    CHECK(o.sa_flags == SA_RESTART);
    CHECK(sigisempty(o.sa_mask));

    sigaction sa = action(HANDLER, SA_RESETHAND, set_of({SIGQUIT}));
    REQUIRE(kern_sigaction_set(ps, SIGINT, &sa, &sa).ok());
    CHECK(sa.sa_handler == SIG_DFL); // the old one came back in the same buffer
    CHECK(sa.sa_flags == SA_RESTART);
    o = get(ps, SIGINT);
    CHECK(o.sa_handler == HANDLER); // and the new one was stored
    CHECK(o.sa_flags == SA_RESETHAND);
    CHECK(sigseteq(o.sa_mask, set_of({SIGQUIT})));

    // Neither act nor oact: only the check of sig.
    CHECK(kern_sigaction_set(ps, SIGINT, nullptr, nullptr).ok());
    CHECK(sig_handler(ps, SIGINT) == HANDLER);
    sigacts_free(ps);
}

TEST_CASE("sigaction: each flag goes to its set and comes back in oact")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    struct Case {
        int flag;
        const ksigset_t* set;
    };
    const Case cases[] = {
        {SA_ONSTACK, &ps->ps_sigonstack},   {SA_SIGINFO, &ps->ps_siginfo},
        {SA_RESETHAND, &ps->ps_sigreset},   {SA_NODEFER, &ps->ps_signodefer},
    };
    for (const Case& c : cases) {
        INFO("flag ", c.flag);
        set(ps, SIGUSR2, action(HANDLER, c.flag | SA_RESTART));
        CHECK(sigismember(*c.set, SIGUSR2));
        CHECK_FALSE(sigismember(*c.set, SIGUSR1)); // only that signal
        CHECK(get(ps, SIGUSR2).sa_flags == (c.flag | SA_RESTART));
        set(ps, SIGUSR2, action(HANDLER, SA_RESTART));
        CHECK_FALSE(sigismember(*c.set, SIGUSR2));
    }
    // SA_RESTART has the opposite sense: without it the signal interrupts.
    set(ps, SIGUSR2, action(HANDLER, 0));
    CHECK(sigismember(ps->ps_sigintr, SIGUSR2));
    CHECK(get(ps, SIGUSR2).sa_flags == 0);
    set(ps, SIGUSR2, action(HANDLER, SA_RESTART));
    CHECK_FALSE(sigismember(ps->ps_sigintr, SIGUSR2));
    // Every flag at once.
    const int all = SA_ONSTACK | SA_RESTART | SA_RESETHAND | SA_NODEFER | SA_SIGINFO;
    set(ps, 100, action(HANDLER, all));
    CHECK(get(ps, 100).sa_flags == all);
    // SIGCHLD's flags mean nothing for other signals.
    set(ps, SIGUSR1, action(HANDLER, SA_NOCLDSTOP | SA_NOCLDWAIT));
    CHECK(ps->ps_flag == 0);
    CHECK((get(ps, SIGUSR1).sa_flags & (SA_NOCLDSTOP | SA_NOCLDWAIT)) == 0);
    sigacts_free(ps);
}

TEST_CASE("sigaction: the handler's mask never holds SIGKILL or SIGSTOP")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    ksigset_t mask{};
    sigfillset(mask);
    set(ps, SIGHUP, action(HANDLER, 0, mask));
    ksigset_t expect{};
    sigfillset(expect);
    sigdelset(expect, 9);
    sigdelset(expect, 17);
    CHECK(sigseteq(ps->ps_catchmask[sig_idx(SIGHUP)], expect));
    CHECK(sigseteq(get(ps, SIGHUP).sa_mask, expect));
    // Only SIGHUP's mask.
    CHECK(sigisempty(ps->ps_catchmask[sig_idx(SIGINT)]));
    set(ps, SIGHUP, action(HANDLER, 0, set_of({SIGKILL, SIGSTOP, 65, 128})));
    CHECK(sigseteq(ps->ps_catchmask[sig_idx(SIGHUP)], set_of({65, 128})));
    sigacts_free(ps);
}

TEST_CASE("sigaction: caught, ignored, or neither, by handler and default action")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    // A handler: caught.
    set(ps, SIGUSR1, action(HANDLER));
    CHECK(sig_caught(ps, SIGUSR1));
    CHECK_FALSE(sig_ignored(ps, SIGUSR1));
    // SIG_IGN: ignored.
    set(ps, SIGUSR1, action(SIG_IGN));
    CHECK(sig_ignored(ps, SIGUSR1));
    CHECK_FALSE(sig_caught(ps, SIGUSR1));
    CHECK(sig_handler(ps, SIGUSR1) == SIG_IGN);
    // SIG_DFL of a terminating signal: neither.
    set(ps, SIGUSR1, action(SIG_DFL));
    CHECK_FALSE(sig_ignored(ps, SIGUSR1));
    CHECK_FALSE(sig_caught(ps, SIGUSR1));
    // A default-ignored signal: caught with a handler, ignored again at SIG_DFL.
    set(ps, SIGWINCH, action(HANDLER));
    CHECK(sig_caught(ps, SIGWINCH));
    CHECK_FALSE(sig_ignored(ps, SIGWINCH));
    set(ps, SIGWINCH, action(SIG_DFL));
    CHECK(sig_ignored(ps, SIGWINCH));
    CHECK_FALSE(sig_caught(ps, SIGWINCH));
    // SIGCONT continues a stopped process even when ignored (POSIX), so it
    // is never in the set of signals dropped on sending.
    set(ps, SIGCONT, action(SIG_IGN));
    CHECK_FALSE(sig_ignored(ps, SIGCONT));
    CHECK_FALSE(sig_caught(ps, SIGCONT));
    CHECK(sig_handler(ps, SIGCONT) == SIG_IGN);
    set(ps, SIGCONT, action(HANDLER));
    CHECK(sig_caught(ps, SIGCONT));
    // A real-time signal.
    set(ps, SIGRTMIN, action(SIG_IGN));
    CHECK(sig_ignored(ps, SIGRTMIN));
    sigacts_free(ps);
}

TEST_CASE("sigaction: SIGCHLD's flags, and SIG_IGN meaning no zombies")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    set(ps, SIGCHLD, action(HANDLER, SA_NOCLDSTOP));
    CHECK(ps->ps_flag == PS_NOCLDSTOP);
    CHECK_FALSE(sig_nocldwait(ps));
    set(ps, SIGCHLD, action(HANDLER, SA_NOCLDWAIT));
    CHECK(ps->ps_flag == PS_NOCLDWAIT); // SA_NOCLDSTOP no longer given
    CHECK(sig_nocldwait(ps));
    CHECK(get(ps, SIGCHLD).sa_flags == SA_NOCLDWAIT);
    set(ps, SIGCHLD, action(HANDLER, SA_NOCLDSTOP | SA_NOCLDWAIT | SA_RESTART));
    CHECK(get(ps, SIGCHLD).sa_flags == (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_RESTART));

    // SIG_IGN: children leave no zombie even without SA_NOCLDWAIT.
    set(ps, SIGCHLD, action(SIG_IGN));
    CHECK(ps->ps_flag == PS_CLDSIGIGN);
    CHECK(sig_nocldwait(ps));
    CHECK(sig_ignored(ps, SIGCHLD));
    set(ps, SIGCHLD, action(SIG_IGN, SA_NOCLDWAIT));
    CHECK(ps->ps_flag == (PS_CLDSIGIGN | PS_NOCLDWAIT));

    // Back to the default: zombies again; SIGCHLD is still discarded.
    set(ps, SIGCHLD, action(SIG_DFL));
    CHECK(ps->ps_flag == 0);
    CHECK_FALSE(sig_nocldwait(ps));
    CHECK(sig_ignored(ps, SIGCHLD));
    sigacts_free(ps);
}

// ---- exec ----

TEST_CASE("execsigs_reset: caught signals to SIG_DFL, ignored stay ignored, no signal stack")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    set(ps, SIGUSR1, action(HANDLER, SA_ONSTACK | SA_SIGINFO));
    set(ps, SIGWINCH, action(HANDLER2, SA_ONSTACK)); // default: discard
    set(ps, SIGCONT, action(HANDLER));
    set(ps, SIGRTMIN, action(HANDLER));
    set(ps, 128, action(HANDLER));
    set(ps, SIGTERM, action(SIG_IGN));
    set(ps, SIGHUP, action(SIG_IGN, SA_ONSTACK));
    set(ps, SIGCHLD, action(SIG_IGN, SA_NOCLDWAIT));
    REQUIRE(sig_nocldwait(ps));

    execsigs_reset(ps);

    // execve(2): caught signals go to the default action.
    for (int sig : {SIGUSR1, SIGWINCH, SIGCONT, SIGRTMIN, 128}) {
        INFO("signal ", sig);
        CHECK(sig_handler(ps, sig) == SIG_DFL);
        CHECK_FALSE(sig_caught(ps, sig));
    }
    CHECK(sigisempty(ps->ps_sigcatch));
    CHECK_FALSE(sig_ignored(ps, SIGUSR1));
    CHECK(sig_ignored(ps, SIGWINCH)); // its default is to discard
    CHECK_FALSE(sig_ignored(ps, SIGCONT));
    CHECK_FALSE(sigismember(ps->ps_siginfo, SIGUSR1));
    // Ignored signals stay ignored.
    CHECK(sig_handler(ps, SIGTERM) == SIG_IGN);
    CHECK(sig_ignored(ps, SIGTERM));
    CHECK(sig_handler(ps, SIGHUP) == SIG_IGN);
    // The signal stack is gone.
    CHECK(sigisempty(ps->ps_sigonstack));
    // SIGCHLD: no more "no zombies"; set to SIG_DFL, which discards it anyway.
    CHECK_FALSE(sig_nocldwait(ps));
    CHECK(sig_handler(ps, SIGCHLD) == SIG_DFL);
    CHECK(sig_ignored(ps, SIGCHLD));
    sigacts_free(ps);
}

TEST_CASE("execsigs_reset: a fresh sigacts is unchanged")
{
    SigEnv env;
    sigacts* ps = sigacts_alloc(env.zone).value();
    sigacts* fresh = sigacts_alloc(env.zone).value();
    execsigs_reset(ps);
    CHECK(same_actions(ps, fresh));
    sigacts_free(fresh);
    sigacts_free(ps);
}
