// getrlimit, setrlimit, nanosleep and sched_yield through the dispatcher:
// the values and errors FreeBSD gives (EINVAL, EPERM, EFAULT, EINTR with
// the time left), a child's limits its own, sleeps measured in ticks.
#include "syscall_test_util.h"

#include <abi/resource.h>
#include <abi/time.h>
#include <kernel/clock.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/resource.h>

using namespace proctest;

namespace {

constexpr rlim_t MB = 1024 * 1024;

Errno setrl(thread* td, int which, rlim_t cur, rlim_t max)
{
    uwrite(UBUF + 512, rlimit{cur, max});
    return ucall(td, SYS_setrlimit, {static_cast<uint64_t>(which), UBUF + 512}).err;
}

rlimit getrl(thread* td, int which)
{
    uwrite(UBUF + 512, rlimit{-5, -5});
    CHECK(ucall(td, SYS_getrlimit, {static_cast<uint64_t>(which), UBUF + 512}).ok());
    return uread<rlimit>(UBUF + 512);
}

bool same(const rlimit& a, rlim_t cur, rlim_t max) { return a.rlim_cur == cur && a.rlim_max == max; }

} // namespace

TEST_CASE("getrlimit(2): the caller's limits; EINVAL for an unknown resource, EFAULT for a bad pointer")
{
    SysWorld s;
    const rlim_t peruid = fork_limits().maxprocperuid();
    CHECK(same(getrl(&thread0, RLIMIT_NPROC), peruid, peruid));
    CHECK(same(getrl(&thread0, RLIMIT_DATA), RLIM_INFINITY, RLIM_INFINITY));
    for (int64_t bad : {int64_t{RLIM_NLIMITS}, int64_t{-1}, int64_t{1000}}) {
        CAPTURE(bad);
        CHECK(ucall(SYS_getrlimit, {static_cast<uint64_t>(bad), UBUF}).err == Errno::Inval);
        CHECK(ucall(SYS_setrlimit, {static_cast<uint64_t>(bad), UBUF}).err == Errno::Inval);
    }
    CHECK(ucall(SYS_getrlimit, {RLIMIT_DATA, BAD}).err == Errno::Fault);
    CHECK(ucall(SYS_setrlimit, {RLIMIT_DATA, BAD}).err == Errno::Fault);
    CHECK(ucall(SYS_getrlimit, {RLIMIT_DATA, 0}).err == Errno::Fault);
}

TEST_CASE("setrlimit(2) without privilege: lower freely, raise the soft limit to the hard one, never the hard one; a child's limits are its own")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    CHECK(run_in_child([](thread* td) {
              CHECK(ucall(td, SYS_setuid, {1000}).ok());
              CHECK(setrl(td, RLIMIT_DATA, 1 * MB, 2 * MB) == Errno::Ok);
              CHECK(same(getrl(td, RLIMIT_DATA), 1 * MB, 2 * MB));
              CHECK(setrl(td, RLIMIT_DATA, 3 * MB, 2 * MB) == Errno::Inval); // soft above hard
              CHECK(setrl(td, RLIMIT_DATA, 1 * MB, 4 * MB) == Errno::Perm);  // hard raised
              CHECK(setrl(td, RLIMIT_DATA, 3 * MB, 3 * MB) == Errno::Perm);
              CHECK(same(getrl(td, RLIMIT_DATA), 1 * MB, 2 * MB)); // unchanged by the refusals
              CHECK(setrl(td, RLIMIT_DATA, 2 * MB, 2 * MB) == Errno::Ok);
              CHECK(setrl(td, RLIMIT_DATA, 1 * MB, 1 * MB) == Errno::Ok);
              CHECK(setrl(td, RLIMIT_DATA, 1 * MB, 2 * MB) == Errno::Perm); // lowered for good
              CHECK(same(getrl(td, RLIMIT_DATA), 1 * MB, 1 * MB));
          }) == 0);
    CHECK(same(getrl(&thread0, RLIMIT_DATA), RLIM_INFINITY, RLIM_INFINITY)); // the parent's
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("setrlimit(2) as root: raises hard limits; negative means infinity; RLIMIT_NPROC stays within 1..maxprocperuid")
{
    SysWorld s;
    CHECK(run_in_child([](thread* td) {
              CHECK(setrl(td, RLIMIT_STACK, 1 * MB, 1 * MB) == Errno::Ok);
              CHECK(setrl(td, RLIMIT_STACK, 8 * MB, 16 * MB) == Errno::Ok);
              CHECK(same(getrl(td, RLIMIT_STACK), 8 * MB, 16 * MB));
              CHECK(setrl(td, RLIMIT_STACK, -1, -7) == Errno::Ok);
              CHECK(same(getrl(td, RLIMIT_STACK), RLIM_INFINITY, RLIM_INFINITY));
              CHECK(setrl(td, RLIMIT_STACK, 2 * MB, 1 * MB) == Errno::Inval);
              const rlim_t peruid = fork_limits().maxprocperuid();
              CHECK(setrl(td, RLIMIT_NPROC, RLIM_INFINITY, RLIM_INFINITY) == Errno::Ok);
              CHECK(same(getrl(td, RLIMIT_NPROC), peruid, peruid));
              CHECK(setrl(td, RLIMIT_NPROC, 0, 0) == Errno::Ok);
              CHECK(same(getrl(td, RLIMIT_NPROC), 1, 1));
          }) == 0);
}

namespace {

Errno nanosleep(thread* td, int64_t sec, int64_t nsec, uint64_t urmt = 0)
{
    uwrite(UBUF + 768, ktimespec{sec, nsec});
    return ucall(td, SYS_nanosleep, {UBUF + 768, urmt}).err;
}

Errno g_sleep_error;
ktimespec g_left;

} // namespace

TEST_CASE("nanosleep(2): EINVAL for tv_nsec out of range; zero or negative returns at once; EFAULT")
{
    SysWorld s;
    const uint64_t t0 = ticks();
    CHECK(nanosleep(&thread0, 0, -1) == Errno::Inval);
    CHECK(nanosleep(&thread0, 1, NSEC_PER_SEC) == Errno::Inval);
    CHECK(nanosleep(&thread0, 0, 0) == Errno::Ok);
    CHECK(nanosleep(&thread0, -3, 0) == Errno::Ok);
    CHECK(ticks() == t0);
    CHECK(ucall(SYS_nanosleep, {BAD, 0}).err == Errno::Fault);
    CHECK(ucall(SYS_nanosleep, {0, 0}).err == Errno::Fault);
}

TEST_CASE("nanosleep(2): sleeps whole ticks, rounded up, plus the tick under way")
{
    SysWorld s;
    uint64_t t0 = ticks();
    CHECK(nanosleep(&thread0, 0, 30'000'000) == Errno::Ok); // 3 ticks
    CHECK(ticks() - t0 == 4);
    t0 = ticks();
    CHECK(nanosleep(&thread0, 0, 1) == Errno::Ok); // a nanosecond is a tick
    CHECK(ticks() - t0 == 2);
    t0 = ticks();
    CHECK(nanosleep(&thread0, 1, 500'000'001) == Errno::Ok); // 150 ticks and a bit
    CHECK(ticks() - t0 == 152);
}

TEST_CASE("nanosleep(2): EINTR when a signal ends the sleep, with the time left copied out")
{
    SysWorld s;
    g_sleep_error = Errno::Ok;
    proc* c = spawn([](void*) {
        thread* td = curthread();
        uwrite(UBUF + 800, ktimespec{-1, -1});
        g_sleep_error = nanosleep(td, 10, 0, UBUF + 800);
        g_left = uread<ktimespec>(UBUF + 800);
        exit1(td, 0);
    });
    run_others();
    REQUIRE(c->p_thread->td_state == ThreadState::Inhibited);
    // Let some time pass: thread0 sleeps half a second, the child sleeps on.
    CHECK(nanosleep(&thread0, 0, 500'000'000) == Errno::Ok);
    psignal(c, SIGTERM);
    CHECK(wait_for(c->p_pid) == 0);
    CHECK(g_sleep_error == Errno::Intr);
    // About 9.5 s left: at most the 10 s asked for, at least 10 s less the
    // 51 ticks thread0 slept and a tick of slack.
    CHECK(g_left.tv_nsec >= 0);
    CHECK(g_left.tv_nsec < NSEC_PER_SEC);
    const int64_t left_ns = g_left.tv_sec * NSEC_PER_SEC + g_left.tv_nsec;
    CHECK(left_ns <= 10 * NSEC_PER_SEC);
    CHECK(left_ns >= 10 * NSEC_PER_SEC - 52 * (NSEC_PER_SEC / HZ));
    CHECK(left_ns <= 10 * NSEC_PER_SEC - 49 * (NSEC_PER_SEC / HZ));
}

TEST_CASE("sched_yield(2) returns 0 and lets a runnable thread run")
{
    SysWorld s;
    bool ran = false;
    proc* c = spawn(
        [](void* flag) {
            *static_cast<bool*>(flag) = true;
            exit1(curthread(), 0);
        },
        &ran);
    const UResult r = ucall(SYS_sched_yield);
    CHECK(r.ok());
    CHECK(r.a0 == 0);
    CHECK(ran);
    CHECK(wait_for(c->p_pid) == 0);
}
