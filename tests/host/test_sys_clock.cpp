// gettimeofday(2), clock_gettime(2) and clock_getres(2) through the
// dispatcher.  Expected values are FreeBSD's: CLOCK_REALTIME is 0 and
// CLOCK_MONOTONIC 4, any other id is EINVAL 22, a bad pointer EFAULT 14.
// Both clocks count from boot (Sprig reads no RTC); the host's clock
// moves only when the tests make it (hardclock, or the counter under a
// timebase that a test sets).
#include "syscall_test_util.h"

#include <kernel/clock.h>
#include <kernel/kern_time.h>

using namespace proctest;

namespace {

constexpr uint64_t TS = UBUF + 1024, TZ = UBUF + 1100;

ktimespec gettime(int id)
{
    uwrite(TS, ktimespec{-1, -1});
    CHECK(ucall(SYS_clock_gettime, {static_cast<uint64_t>(id), TS}).ok());
    return uread<ktimespec>(TS);
}

int64_t nsec_of(const ktimespec& ts) { return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec; }

// Sets the timebase for one test and puts back the one before.
struct Timebase {
    uint64_t old = timebase_hz();
    explicit Timebase(uint64_t hz) { clock_set_timebase(hz); }
    ~Timebase() { clock_set_timebase(old); }
};

} // namespace

TEST_CASE("clock_gettime(2): without a timebase both clocks are the tick count since boot")
{
    SysWorld s;
    Timebase tb(0);
    for (int i = 0; i < 7; i++) hardclock(); // so the count is not a whole second
    const uint64_t t = ticks();
    for (int id : {KCLOCK_REALTIME, KCLOCK_MONOTONIC}) {
        const ktimespec ts = gettime(id);
        CHECK(ts.tv_sec == static_cast<int64_t>(t / HZ));
        CHECK(ts.tv_nsec == static_cast<int64_t>(t % HZ) * (NSEC_PER_SEC / HZ));
    }
    uwrite(TS, ktimespec{-1, -1});
    CHECK(ucall(SYS_clock_getres, {KCLOCK_MONOTONIC, TS}).ok());
    CHECK(uread<ktimespec>(TS).tv_sec == 0);
    CHECK(uread<ktimespec>(TS).tv_nsec == 10'000'000); // 1/HZ
}

TEST_CASE("clock_gettime(2): time moves on across a nanosleep")
{
    SysWorld s;
    Timebase tb(0);
    const ktimespec before = gettime(KCLOCK_MONOTONIC);
    uwrite(UBUF + 768, ktimespec{0, 50'000'000});
    CHECK(ucall(SYS_nanosleep, {UBUF + 768, 0}).ok());
    const ktimespec after = gettime(KCLOCK_MONOTONIC);
    CHECK(nsec_of(after) - nsec_of(before) >= 50'000'000);
}

TEST_CASE("clock_gettime(2): with a timebase, the counter's time, nanoseconds in range")
{
    SysWorld s;
    Timebase tb(10'000'000); // QEMU virt's
    int64_t last = -1;
    for (int i = 0; i < 5; i++) {
        const ktimespec ts = gettime(KCLOCK_REALTIME);
        CHECK(ts.tv_nsec >= 0);
        CHECK(ts.tv_nsec < NSEC_PER_SEC);
        CHECK(nsec_of(ts) > last); // the host counter steps on every read
        last = nsec_of(ts);
    }
    CHECK(ucall(SYS_clock_getres, {KCLOCK_REALTIME, TS}).ok());
    CHECK(uread<ktimespec>(TS).tv_nsec == 100); // one 10 MHz period
    Timebase odd(3); // rounds up, never down to 0
    CHECK(ucall(SYS_clock_getres, {KCLOCK_REALTIME, TS}).ok());
    CHECK(uread<ktimespec>(TS).tv_nsec == 333'333'334);
}

TEST_CASE("clock_gettime(2), clock_getres(2): EINVAL for other clocks, EFAULT for bad pointers")
{
    SysWorld s;
    for (uint64_t id : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{5}, uint64_t{13}, ~uint64_t{0}}) {
        CHECK(ucall(SYS_clock_gettime, {id, TS}).err == Errno::Inval);
        CHECK(ucall(SYS_clock_getres, {id, TS}).err == Errno::Inval);
    }
    CHECK(ucall(SYS_clock_gettime, {KCLOCK_MONOTONIC, BAD}).err == Errno::Fault);
    CHECK(ucall(SYS_clock_gettime, {KCLOCK_MONOTONIC, 0}).err == Errno::Fault);
    CHECK(ucall(SYS_clock_gettime, {KCLOCK_REALTIME, 0xffffffc000000000}).err == Errno::Fault);
    CHECK(ucall(SYS_clock_getres, {KCLOCK_MONOTONIC, BAD}).err == Errno::Fault);
    CHECK(ucall(SYS_clock_getres, {KCLOCK_MONOTONIC, 0}).ok()); // FreeBSD: res may be null
}

TEST_CASE("gettimeofday(2): the same clock in microseconds; a zero timezone; EFAULT")
{
    SysWorld s;
    Timebase tb(0);
    for (int i = 0; i < 3; i++) hardclock();
    const uint64_t t = ticks();
    uwrite(TS, ktimeval{-1, -1});
    uwrite(TZ, uint64_t{~uint64_t{0}});
    CHECK(ucall(SYS_gettimeofday, {TS, TZ}).ok());
    const ktimeval tv = uread<ktimeval>(TS);
    CHECK(tv.tv_sec == static_cast<int64_t>(t / HZ));
    CHECK(tv.tv_usec == static_cast<int64_t>(t % HZ) * (USEC_PER_SEC / HZ));
    CHECK(uread<uint64_t>(TZ) == 0); // minutes west and DST kind
    CHECK(ucall(SYS_gettimeofday, {0, 0}).ok()); // both are optional
    CHECK(ucall(SYS_gettimeofday, {BAD, 0}).err == Errno::Fault);
    CHECK(ucall(SYS_gettimeofday, {TS, BAD}).err == Errno::Fault);
}
