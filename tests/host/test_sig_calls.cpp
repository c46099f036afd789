// sigaction, sigprocmask and sigpending as user programs make them:
// through the dispatcher, with arguments and results in user memory.
// Expected values are FreeBSD's (sigaction(2), sigprocmask(2),
// sigpending(2)): EINVAL 22, EFAULT 14; SIGKILL and SIGSTOP can be
// neither caught nor blocked; setting an action that ignores a signal
// drops it if pending.
#include "sig_test_util.h"

#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sig_calls.h>

using namespace sigtest;

namespace {

constexpr uint64_t EINVAL_ = 22, EFAULT_ = 14;

sigaction read_action(uint64_t at)
{
    sigaction a{};
    REQUIRE(copyin(at, &a, sizeof a) == Errno::Ok);
    return a;
}

ksigset_t read_set(uint64_t at)
{
    ksigset_t s{};
    REQUIRE(copyin(at, &s, sizeof s) == Errno::Ok);
    return s;
}

} // namespace

TEST_CASE("sigaction(2): installs and reports actions through user memory")
{
    SigWorld sw;
    const sigaction act = make_action(TEXT, SA_SIGINFO | SA_RESTART, set_of({SIGUSR2, SIGKILL}));
    REQUIRE(copyout(&act, DATA, sizeof act) == Errno::Ok);
    CHECK(sw.call(SYS_sigaction, SIGUSR1, DATA, DATA + 64) == 0);
    const sigaction old = read_action(DATA + 64);
    CHECK(old.sa_handler == SIG_DFL);
    CHECK(old.sa_flags == SA_RESTART); // FreeBSD reports SA_RESTART for untouched actions
    CHECK(sig_caught(proc0.p_sigacts, SIGUSR1));
    // Reading it back: the mask lost SIGKILL, the flags are as given.
    CHECK(sw.call(SYS_sigaction, SIGUSR1, 0, DATA + 128) == 0);
    const sigaction now = read_action(DATA + 128);
    CHECK(now.sa_handler == TEXT);
    CHECK(now.sa_flags == (SA_SIGINFO | SA_RESTART));
    CHECK(sigismember(now.sa_mask, SIGUSR2));
    CHECK(!sigismember(now.sa_mask, SIGKILL));
    // act and oact may be the same place.
    const sigaction dfl = make_action(SIG_DFL);
    REQUIRE(copyout(&dfl, DATA, sizeof dfl) == Errno::Ok);
    CHECK(sw.call(SYS_sigaction, SIGUSR1, DATA, DATA) == 0);
    CHECK(read_action(DATA).sa_handler == TEXT);
    CHECK(!sig_caught(proc0.p_sigacts, SIGUSR1));
}

TEST_CASE("sigaction(2): EINVAL for bad signals and for handlers of SIGKILL or SIGSTOP; EFAULT")
{
    SigWorld sw;
    const sigaction act = make_action(TEXT);
    REQUIRE(copyout(&act, DATA, sizeof act) == Errno::Ok);
    for (uint64_t sig : {uint64_t{0}, uint64_t{129}, ~uint64_t{0}})
        CHECK(sw.call(SYS_sigaction, sig, DATA, 0) == EINVAL_);
    CHECK(sw.call(SYS_sigaction, SIGKILL, DATA, 0) == EINVAL_);
    CHECK(sw.call(SYS_sigaction, SIGSTOP, DATA, 0) == EINVAL_);
    const sigaction ign = make_action(SIG_IGN);
    REQUIRE(copyout(&ign, DATA + 64, sizeof ign) == Errno::Ok);
    CHECK(sw.call(SYS_sigaction, SIGKILL, DATA + 64, 0) == EINVAL_);
    CHECK(!sig_ignored(proc0.p_sigacts, SIGKILL));
    // SIG_DFL for them is allowed, and reading them is too.
    const sigaction dfl = make_action(SIG_DFL);
    REQUIRE(copyout(&dfl, DATA + 128, sizeof dfl) == Errno::Ok);
    CHECK(sw.call(SYS_sigaction, SIGSTOP, DATA + 128, DATA + 192) == 0);
    // Bad pointers: unmapped, read-only for oact, kernel addresses.
    CHECK(sw.call(SYS_sigaction, SIGUSR1, 0x500000, 0) == EFAULT_);
    CHECK(sw.call(SYS_sigaction, SIGUSR1, 0, RODATA) == EFAULT_);
    CHECK(sw.call(SYS_sigaction, SIGUSR1, 0xffffffc000000000, 0) == EFAULT_);
    CHECK(sw.call(SYS_sigaction, SIGUSR1, DATA + 4 * PG - 8, 0) == EFAULT_); // runs off the end
    CHECK(!sig_caught(proc0.p_sigacts, SIGUSR1));
}

TEST_CASE("sigaction(2): ignoring a pending signal drops it; catching keeps it")
{
    SigWorld sw;
    sigaddset(thread0.td_sigmask, SIGUSR1);
    sigaddset(thread0.td_sigmask, SIGUSR2);
    sigaddset(thread0.td_sigmask, SIGCONT);
    psignal(&proc0, SIGUSR1);
    psignal(&proc0, SIGUSR2);
    REQUIRE(sigismember(proc0.p_siglist, SIGUSR1));
    const sigaction ign = make_action(SIG_IGN), catcher = make_action(TEXT);
    REQUIRE(copyout(&ign, DATA, sizeof ign) == Errno::Ok);
    REQUIRE(copyout(&catcher, DATA + 64, sizeof catcher) == Errno::Ok);
    CHECK(sw.call(SYS_sigaction, SIGUSR1, DATA, 0) == 0);
    CHECK(!sigismember(proc0.p_siglist, SIGUSR1));
    CHECK(sw.call(SYS_sigaction, SIGUSR2, DATA + 64, 0) == 0);
    CHECK(sigismember(proc0.p_siglist, SIGUSR2));
    // Once ignored, it is not even posted.
    psignal(&proc0, SIGUSR1);
    CHECK(!sigismember(proc0.p_siglist, SIGUSR1));
    sigemptyset(proc0.p_siglist);
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("sigprocmask(2): block, unblock, set; SIGKILL and SIGSTOP never blocked; EINVAL, EFAULT")
{
    SigWorld sw;
    const ksigset_t a = set_of({SIGUSR1, SIGINT, SIGKILL, SIGSTOP});
    REQUIRE(copyout(&a, DATA, sizeof a) == Errno::Ok);
    CHECK(sw.call(SYS_sigprocmask, SIG_BLOCK, DATA, DATA + 64) == 0);
    CHECK(sigisempty(read_set(DATA + 64)));
    CHECK(sigseteq(thread0.td_sigmask, set_of({SIGUSR1, SIGINT})));
    const ksigset_t b = set_of({SIGINT});
    REQUIRE(copyout(&b, DATA + 128, sizeof b) == Errno::Ok);
    CHECK(sw.call(SYS_sigprocmask, SIG_UNBLOCK, DATA + 128, DATA + 64) == 0);
    CHECK(sigseteq(read_set(DATA + 64), set_of({SIGUSR1, SIGINT})));
    CHECK(sigseteq(thread0.td_sigmask, set_of({SIGUSR1})));
    ksigset_t all;
    sigfillset(all);
    REQUIRE(copyout(&all, DATA + 192, sizeof all) == Errno::Ok);
    CHECK(sw.call(SYS_sigprocmask, SIG_SETMASK, DATA + 192, 0) == 0);
    CHECK(!sigismember(thread0.td_sigmask, SIGKILL));
    CHECK(!sigismember(thread0.td_sigmask, SIGSTOP));
    CHECK(sigismember(thread0.td_sigmask, SIGTERM));
    // A bad how changes nothing; without a set, how is not looked at.
    const ksigset_t before = thread0.td_sigmask;
    CHECK(sw.call(SYS_sigprocmask, 0, DATA, 0) == EINVAL_);
    CHECK(sw.call(SYS_sigprocmask, 4, DATA, 0) == EINVAL_);
    CHECK(sigseteq(thread0.td_sigmask, before));
    CHECK(sw.call(SYS_sigprocmask, 99, 0, DATA + 64) == 0);
    CHECK(sigseteq(read_set(DATA + 64), before));
    CHECK(sw.call(SYS_sigprocmask, SIG_SETMASK, 0x500000, 0) == EFAULT_);
    CHECK(sw.call(SYS_sigprocmask, SIG_SETMASK, 0, RODATA) == EFAULT_);
    CHECK(sigseteq(thread0.td_sigmask, before));
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("sigpending(2): blocked signals sent to the process; EFAULT")
{
    SigWorld sw;
    const ksigset_t blocked = set_of({SIGUSR1, SIGTERM});
    REQUIRE(kern_sigprocmask(&thread0, SIG_SETMASK, &blocked, nullptr).ok());
    psignal(&proc0, SIGUSR1);
    psignal(&proc0, SIGCHLD); // ignored by default: never pending
    CHECK(sw.call(SYS_sigpending, DATA) == 0);
    CHECK(sigseteq(read_set(DATA), set_of({SIGUSR1})));
    CHECK(sw.call(SYS_sigpending, RODATA) == EFAULT_);
    CHECK(sw.call(SYS_sigpending, 0) == EFAULT_);
    sigemptyset(proc0.p_siglist);
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("tsleep(PCATCH): ERESTART for a signal caught with SA_RESTART, EINTR otherwise")
{
    ProcWorld w;
    static const int chan = 0;
    struct Case {
        int sig;
        uintptr_t handler;
        int flags;
        Errno want;
    };
    const Case cases[] = {
        {SIGUSR1, TEXT, SA_RESTART, Errno::Restart},
        {SIGUSR1, TEXT, 0, Errno::Intr},
        {SIGUSR1, SIG_DFL, SA_RESTART, Errno::Intr}, // kills: not restarted
        {SIGKILL, SIG_DFL, 0, Errno::Intr},
        {SIGTSTP, SIG_DFL, 0, Errno::Restart},       // stops, then made again
    };
    for (const Case& c : cases) {
        CAPTURE(c.sig);
        CAPTURE(c.flags);
        if (c.sig != SIGKILL) {
            const sigaction act = make_action(c.handler, c.flags);
            REQUIRE(kern_sigaction_set(proc0.p_sigacts, c.sig, &act, nullptr).ok());
        }
        // Posted before the sleep: tsleep does not sleep at all.
        psignal(&proc0, c.sig);
        {
            IntrOff off;
            CHECK(tsleep(&chan, PCATCH, "test", 5) == c.want);
        }
        sigemptyset(proc0.p_siglist);
        signotify(&thread0);
    }
    // Posted while asleep: sleepq_abort ends the sleep with the same rule.
    const sigaction act = make_action(TEXT, SA_RESTART);
    REQUIRE(kern_sigaction_set(proc0.p_sigacts, SIGUSR2, &act, nullptr).ok());
    struct Poster {
        static void run(void*)
        {
            psignal(&proc0, SIGUSR2);
            exit1(curthread(), 0);
        }
    };
    proc* p = spawn(Poster::run, nullptr, RFPROC | RFFDG);
    const pid_t pid = p->p_pid;
    Errno e;
    {
        IntrOff off;
        e = tsleep(&chan, PCATCH, "test", 1000);
    }
    CHECK(e == Errno::Restart);
    sigemptyset(proc0.p_siglist);
    signotify(&thread0);
    wait_for(pid);
}
