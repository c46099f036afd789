// fork1's limit block (the seed's maxproc / RLIMIT_NPROC checks): the
// order of checks, root's reserve, the per-uid count, the undo, the
// rate-limited console line, the pause hook, and kern.maxproc= at boot.
#include "cred_test_util.h"

#include <kernel/clock.h>
#include <kernel/cmdline.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/ratecheck.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace credtest;

namespace {

const char* const MSG = "maxproc limit exceeded by uid ";

// A parent process as far as the limits care: its credential and limits.
struct Parent {
    ucred* cred;
    plimit* lim;
    Parent(CredEnv& env, uid_t uid, rlim_t nproc = RLIM_INFINITY)
        : cred(cred_create(env.creds, env.uids, uid, uid).value()),
          lim(lim_alloc(env.limits).value())
    {
        REQUIRE(lim_set(&lim, RLIMIT_NPROC, {nproc, RLIM_INFINITY}).ok());
    }
    ~Parent()
    {
        crfree(cred);
        lim_free(lim);
    }
    long proccnt() const { return cred->cr_ruidinfo->ui_proccnt; }
};

// Charges until refused; returns how many charges succeeded.
int charge_until_refused(ForkLimits& fl, const Parent& p, int bound = 100000)
{
    int n = 0;
    while (n < bound && fl.charge(p.cred, p.lim).ok()) n++;
    return n;
}

} // namespace

TEST_CASE("fork limits: configure sets maxprocperuid to 9/10 and counts proc0")
{
    ForkLimits fl(1044);
    CHECK(fl.maxproc() == 1044);
    CHECK(fl.maxprocperuid() == 939); // 1044 * 9 / 10, rounded down
    CHECK(fl.nprocs() == 1);
}

TEST_CASE("fork limits: a non-root user stops at maxproc - 10, root goes on to maxproc")
{
    CredEnv env;
    PauseCounter pause;
    ConsoleCapture con;
    const int maxproc = 30;
    ForkLimits fl(maxproc);
    Parent user(env, 1001);
    Parent root(env, 0);

    // nprocs starts at 1: the user may charge while nprocs < 20.
    CHECK(charge_until_refused(fl, user) == (maxproc - ForkLimits::ROOT_RESERVE) - 1);
    CHECK(fl.nprocs() == maxproc - ForkLimits::ROOT_RESERVE);
    CHECK(user.proccnt() == fl.nprocs() - 1);
    // The refusal changed nothing and said so.
    CHECK(fl.charge(user.cred, user.lim).error() == Errno::Again);
    CHECK(fl.nprocs() == 20);
    CHECK(user.proccnt() == 19);

    // Root takes the last ten, and not one more.
    CHECK(charge_until_refused(fl, root) == ForkLimits::ROOT_RESERVE);
    CHECK(fl.nprocs() == maxproc);
    CHECK(root.proccnt() == 10);
    CHECK(fl.charge(root.cred, root.lim).error() == Errno::Again);
    CHECK(root.proccnt() == 10); // refused before chgproccnt

    // One exit: still inside root's reserve, so the user stays refused.
    fl.uncharge(root.cred);
    CHECK(fl.charge(user.cred, user.lim).error() == Errno::Again);
    CHECK(fl.charge(root.cred, root.lim).ok());

    for (int i = 0; i < 19; i++) fl.uncharge(user.cred);
    for (int i = 0; i < 10; i++) fl.uncharge(root.cred);
    CHECK(fl.nprocs() == 1);
    CHECK(user.proccnt() == 0);
    CHECK(root.proccnt() == 0);
}

TEST_CASE("fork limits: the maxproc check uses the effective uid for privilege")
{
    CredEnv env;
    PauseCounter pause;
    ConsoleCapture con;
    ForkLimits fl(15);
    Parent setuid_root(env, 1001);
    ucred* cr = crdup(setuid_root.cred).value();
    change_euid(cr, env.uids.uifind(0).value());
    uifree(cr->cr_uidinfo); // the credential holds its own reference
    crfree(setuid_root.cred);
    setuid_root.cred = cr;
    CHECK(charge_until_refused(fl, setuid_root) == 14); // to maxproc, like root
    // ... but the count went to the real uid.
    CHECK(env.uids.lookup(1001)->ui_proccnt == 14);
    CHECK(env.uids.lookup(0)->ui_proccnt == 0);
    for (int i = 0; i < 14; i++) fl.uncharge(setuid_root.cred);
}

TEST_CASE("fork limits: RLIMIT_NPROC bounds a non-root user's real uid")
{
    CredEnv env;
    PauseCounter pause;
    ConsoleCapture con;
    ForkLimits fl(1000);
    Parent a(env, 1001, 3);
    CHECK(charge_until_refused(fl, a) == 3);
    CHECK(a.proccnt() == 3);
    CHECK(fl.nprocs() == 4);
    // Refused: neither count moved.
    CHECK(fl.charge(a.cred, a.lim).error() == Errno::Again);
    CHECK(a.proccnt() == 3);
    CHECK(fl.nprocs() == 4);

    // Another process of the same uid with a larger limit shares the count.
    Parent a2(env, 1001, 5);
    CHECK(a2.cred->cr_ruidinfo == a.cred->cr_ruidinfo);
    CHECK(charge_until_refused(fl, a2) == 2);
    // Another uid has a count of its own.
    Parent b(env, 1002, 3);
    CHECK(charge_until_refused(fl, b) == 3);

    // Lowering the limit below the count refuses further forks at once.
    REQUIRE(lim_set(&a2.lim, RLIMIT_NPROC, {1, RLIM_INFINITY}).ok());
    CHECK(fl.charge(a2.cred, a2.lim).error() == Errno::Again);

    for (int i = 0; i < 5; i++) fl.uncharge(a.cred);
    for (int i = 0; i < 3; i++) fl.uncharge(b.cred);
    CHECK(fl.nprocs() == 1);
}

TEST_CASE("fork limits: root is exempt from RLIMIT_NPROC but still counted")
{
    CredEnv env;
    PauseCounter pause;
    ForkLimits fl(1000);
    Parent root(env, 0, 2);
    CHECK(charge_until_refused(fl, root, 50) == 50);
    CHECK(root.proccnt() == 50);
    CHECK(pause.calls == 0);
    for (int i = 0; i < 50; i++) fl.uncharge(root.cred);
    CHECK(root.proccnt() == 0);
}

TEST_CASE("fork limits: an RLIMIT_NPROC of 0 bounds nothing (chgproccnt's max 0)")
{
    CredEnv env;
    PauseCounter pause; // the default pause would wait for ticks that never come
    ConsoleCapture con;
    ForkLimits fl(100);
    Parent a(env, 1001, 0);
    // Only maxproc's rule stops it.
    CHECK(charge_until_refused(fl, a) == 100 - ForkLimits::ROOT_RESERVE - 1);
    CHECK(a.proccnt() == 89);
    for (int i = 0; i < 89; i++) fl.uncharge(a.cred);
}

TEST_CASE("fork limits: a fork that fails after charging undoes every count")
{
    CredEnv env;
    PauseCounter pause;
    ForkLimits fl(50);
    Parent p(env, 1001, 10);
    const size_t objs = env.objects();
    const uint32_t cred_refs = p.cred->cr_ref;
    const uint32_t lim_refs = p.lim->pl_refcnt;
    const uint32_t ui_refs = p.cred->cr_ruidinfo->ui_ref;

    // fork1's shape: take the child's references, charge, then fail
    // later (say, no memory for the pid's bookkeeping) and unwind.
    ucred* child_cred = crhold(p.cred);
    plimit* child_lim = lim_fork(p.lim);
    REQUIRE(fl.charge(child_cred, p.lim).ok());
    CHECK(fl.nprocs() == 2);
    CHECK(p.proccnt() == 1);
    fl.uncharge(child_cred);
    lim_free(child_lim);
    crfree(child_cred);

    CHECK(fl.nprocs() == 1);
    CHECK(p.proccnt() == 0);
    CHECK(p.cred->cr_ref == cred_refs);
    CHECK(p.lim->pl_refcnt == lim_refs);
    CHECK(p.cred->cr_ruidinfo->ui_ref == ui_refs);
    CHECK(env.objects() == objs);
}

TEST_CASE("fork limits: a refusal counts and never pauses (fork1 pauses, after freeing)")
{
    CredEnv env;
    PauseCounter pause;
    ConsoleCapture con;
    ForkLimits fl(12); // the user gets one slot: 12 - 10 - 1
    Parent p(env, 1001);
    CHECK(fl.charge(p.cred, p.lim).ok());
    CHECK(pause.calls == 0);
    for (int i = 1; i <= 5; i++) CHECK(fl.charge(p.cred, p.lim).error() == Errno::Again);
    // RLIMIT_NPROC refusals too.
    Parent q(env, 1002, 1);
    ForkLimits roomy(1000);
    CHECK(roomy.charge(q.cred, q.lim).ok());
    CHECK(roomy.charge(q.cred, q.lim).error() == Errno::Again);
    CHECK(pause.calls == 0);
    CHECK(fl.refusals() == 5);
    CHECK(roomy.refusals() == 1);
    fl.uncharge(p.cred);
    roomy.uncharge(q.cred);
}

TEST_CASE("fork limits: the console line names the real uid at most once a second of ticks")
{
    CredEnv env;
    PauseCounter pause;
    ConsoleCapture con;
    ForkLimits fl(11); // nprocs 1 >= 11 - 10: every non-root fork is refused
    Parent p(env, 1001);

    CHECK(fl.charge(p.cred, p.lim).error() == Errno::Again);
    CHECK(con.out == "maxproc limit exceeded by uid 1001, please see tuning(7) and login.conf(5).\n");
    // A burst within the same tick, then through the rest of the second.
    for (int i = 0; i < 20; i++) CHECK(fl.charge(p.cred, p.lim).error() == Errno::Again);
    for (unsigned t = 1; t < HZ; t++) {
        hardclock();
        CHECK(fl.charge(p.cred, p.lim).error() == Errno::Again);
    }
    CHECK(con.count(MSG) == 1);
    // A full second after the first line: one more.
    hardclock();
    CHECK(fl.charge(p.cred, p.lim).error() == Errno::Again);
    CHECK(con.count(MSG) == 2);
    CHECK(fl.charge(p.cred, p.lim).error() == Errno::Again);
    CHECK(con.count(MSG) == 2);
    CHECK(fl.refusals() == 1 + 20 + int(HZ - 1) + 2);

    // The uid named is the real one, whatever the effective uid.
    for (unsigned t = 0; t < 2 * HZ; t++) hardclock();
    ucred* cr = crdup(p.cred).value();
    uidinfo* u7 = env.uids.uifind(7).value();
    change_ruid(cr, u7);
    uifree(u7);
    CHECK(fl.charge(cr, p.lim).error() == Errno::Again);
    CHECK(con.count("maxproc limit exceeded by uid 7,") == 1);
    crfree(cr);
    // Successful forks print nothing.
    ForkLimits roomy(100);
    const size_t len = con.out.size();
    REQUIRE(roomy.charge(p.cred, p.lim).ok());
    CHECK(con.out.size() == len);
    roomy.uncharge(p.cred);
}

TEST_CASE("ratecheck: maxpps events per window of HZ ticks; negative is unlimited, 0 is none")
{
    PpsRate three;
    const uint64_t t0 = 5000;
    int passed = 0;
    for (int i = 0; i < 10; i++) passed += three.check(t0 + uint64_t(i), 3);
    CHECK(passed == 3);
    CHECK_FALSE(three.check(t0 + HZ - 1, 3));
    CHECK(three.check(t0 + HZ, 3)); // a new window
    CHECK(three.check(t0 + HZ + 1, 3));

    PpsRate any, none;
    for (int i = 0; i < 10; i++) {
        CHECK(any.check(t0, -1));
        CHECK_FALSE(none.check(t0, 0));
    }
    // A long silence opens a new window whenever the next event comes.
    PpsRate one;
    CHECK(one.check(100, 1));
    CHECK(one.check(100 + 10 * HZ + 7, 1));
    CHECK_FALSE(one.check(100 + 11 * HZ + 6, 1));
    CHECK(one.check(100 + 11 * HZ + 7, 1));
}

TEST_CASE("fork limits: init_proc0_limits gives RLIMIT_NPROC = maxprocperuid")
{
    CredEnv env;
    ForkLimits fl(200);
    plimit* l = lim_alloc(env.limits).value();
    fl.init_proc0_limits(l);
    CHECK(lim_cur(l, RLIMIT_NPROC) == 180);
    CHECK(lim_max(l, RLIMIT_NPROC) == 180);
    CHECK(lim_cur(l, RLIMIT_NOFILE) == RLIM_INFINITY);
    lim_free(l);
}

TEST_CASE("fork limits: kern.maxproc=N from the command line")
{
    ConsoleCapture con; // the ignored values are reported here
    const uint64_t big = uint64_t{1} << 20; // 4 GiB of pages: no cap in the way
    auto with = [&](const char* line, uint64_t physpages) {
        CmdLine cl;
        REQUIRE(cl.parse(line).ok());
        return boot_maxproc(cl, physpages);
    };
    // FreeBSD's default: 20 + 16 * maxusers, maxusers = pages / 512 in 32..384.
    const int dflt_big = 20 + 16 * 384;
    CHECK(with("", big) == dflt_big);
    CHECK(with("", 32768) == 20 + 16 * 64);   // 128 MiB
    CHECK(with("", 8192) == 20 + 16 * 32);    // the lower clamp (16)
    CHECK(with("", 2048) == 2048 / 12);       // capped by RAM
    CHECK(with("kern.maxproc=40", big) == 40);
    CHECK(with("console=ttyS0 kern.maxproc=0x20 quiet", big) == 32);
    CHECK(with("kern.maxproc=40 kern.maxproc=25", big) == 25); // the last one wins
    CHECK(with("kern.maxproc=100000", 32768) == 32768 / 12);    // the cap applies to it too
    CHECK(con.out.empty());
    CHECK(with("kern.maxproc=0", big) == dflt_big);
    CHECK(with("kern.maxproc=12x", big) == dflt_big);
    CHECK(with("kern.maxproc=", big) == dflt_big);
    CHECK(with("kern.maxproc", big) == dflt_big);
    CHECK(with("kern.maxproc=4294967296", big) == dflt_big);
    CHECK(con.count("kern.maxproc") == 5);

    // The boot entry point configures the kernel's object.
    CmdLine cl;
    REQUIRE(cl.parse("kern.maxproc=40").ok());
    fork_limits_init(cl, big);
    CHECK(fork_limits().maxproc() == 40);
    CHECK(fork_limits().maxprocperuid() == 36);
    CHECK(fork_limits().nprocs() == 1);
}

TEST_CASE("fork limits: a small kern.maxproc drives the whole rule set")
{
    CredEnv env;
    PauseCounter pause;
    ConsoleCapture con;
    CmdLine cl;
    REQUIRE(cl.parse("kern.maxproc=14").ok());
    ForkLimits fl(boot_maxproc(cl, uint64_t{1} << 20));
    Parent user(env, 1001);
    Parent root(env, 0);
    CHECK(charge_until_refused(fl, user) == 3); // nprocs 1..3 < 4
    CHECK(charge_until_refused(fl, root) == 10);
    CHECK(fl.nprocs() == 14);
    CHECK(fl.refusals() == 2);
    for (int i = 0; i < 3; i++) fl.uncharge(user.cred);
    for (int i = 0; i < 10; i++) fl.uncharge(root.cred);
}

TEST_CASE("fork limits: the default pause lasts until HZ/2 clock ticks have passed")
{
    // The pause runs on a second host thread; this one is the clock.
    set_fork_fail_pause(nullptr); // the default
    std::atomic<bool> done{false};
    std::thread waiter([&] {
        fork_fail_pause();
        done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20)); // let it read ticks()
    for (unsigned t = 0; t + 1 < HZ / 2; t++) {
        hardclock();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        CHECK_FALSE(done.load());
    }
    // Tick until it returns (a thread that read ticks() late needs more).
    int extra = 0;
    while (!done.load() && extra < 100) {
        hardclock();
        extra++;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    waiter.join();
    CHECK(done.load());
    CHECK(extra >= 1);
}
