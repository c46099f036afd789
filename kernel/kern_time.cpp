#include <kernel/kern_time.h>

#include <kernel/machdep.h>
#include <kernel/clock.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>

namespace {

constexpr int64_t NSEC_PER_TICK = NSEC_PER_SEC / HZ;
// Longer sleeps are capped here (about 2900 years at HZ = 100): the tick
// count must not overflow.
constexpr int64_t MAX_SLEEP_SEC = INT64_MAX / HZ / 2;

// Nobody wakes this channel: sleepers leave by timeout or signal.
const char nanowait = 0;

uint64_t timespec_to_ticks(const ktimespec& ts)
{
    const int64_t sec = ts.tv_sec < MAX_SLEEP_SEC ? ts.tv_sec : MAX_SLEEP_SEC;
    const int64_t partial = (ts.tv_nsec + NSEC_PER_TICK - 1) / NSEC_PER_TICK;
    return static_cast<uint64_t>(sec * HZ + partial) + 1;
}

ktimespec ticks_to_timespec(uint64_t t)
{
    return {static_cast<ktime_t>(t / HZ), static_cast<int64_t>(t % HZ) * NSEC_PER_TICK};
}

// What is left of the sleep ending at tick `until`; never more than was
// asked for (the extra tick of the rounding is not the caller's).
ktimespec time_left(const ktimespec& rqt, uint64_t until)
{
    const uint64_t now = ticks();
    const ktimespec left = ticks_to_timespec(until > now ? until - now : 0);
    const bool more = left.tv_sec > rqt.tv_sec || (left.tv_sec == rqt.tv_sec && left.tv_nsec > rqt.tv_nsec);
    return more ? rqt : left;
}

bool known_clock(int id) { return id == KCLOCK_REALTIME || id == KCLOCK_MONOTONIC; }

} // namespace

Errno kern_nanosleep(thread* td, const ktimespec& rqt, ktimespec* rmt)
{
    (void)td;
    if (rqt.tv_nsec < 0 || rqt.tv_nsec >= NSEC_PER_SEC) return Errno::Inval;
    if (rqt.tv_sec < 0 || (rqt.tv_sec == 0 && rqt.tv_nsec == 0)) return Errno::Ok;
    const uint64_t until = ticks() + timespec_to_ticks(rqt);
    IntrOff off;
    for (;;) {
        const uint64_t now = ticks();
        if (now >= until) return Errno::Ok;
        const Errno e = tsleep(&nanowait, PWAIT | PCATCH, "nanslp", until - now);
        if (e == Errno::Intr || e == Errno::Restart) {
            if (rmt) *rmt = time_left(rqt, until);
            return Errno::Intr;
        }
    }
}

Errno user_nanosleep(thread* td, uint64_t urqt, uint64_t urmtp)
{
    ktimespec rqt{};
    if (const Errno e = copyin(urqt, &rqt, sizeof rqt); e != Errno::Ok) return e;
    ktimespec rmt{};
    const Errno e = kern_nanosleep(td, rqt, &rmt);
    if (e == Errno::Intr && urmtp) {
        if (const Errno e2 = copyout(&rmt, urmtp, sizeof rmt); e2 != Errno::Ok) return e2;
    }
    return e;
}

ktimespec nanouptime()
{
    const uint64_t hz = timebase_hz();
    if (hz == 0) return ticks_to_timespec(ticks());
    const uint64_t t = arch::read_time();
    // t % hz < hz, so the product stays far below 2^64 for any real clock.
    return {static_cast<ktime_t>(t / hz), static_cast<int64_t>((t % hz) * NSEC_PER_SEC / hz)};
}

Errno kern_clock_gettime(int clock_id, ktimespec* ats)
{
    if (!known_clock(clock_id)) return Errno::Inval;
    *ats = nanouptime();
    KASSERT(ats->tv_nsec >= 0 && ats->tv_nsec < NSEC_PER_SEC, "nanouptime nsec %ld", long(ats->tv_nsec));
    return Errno::Ok;
}

Errno kern_clock_getres(int clock_id, ktimespec* ts)
{
    if (!known_clock(clock_id)) return Errno::Inval;
    const uint64_t hz = timebase_hz();
    const uint64_t step = hz ? (uint64_t(NSEC_PER_SEC) + hz - 1) / hz : uint64_t(NSEC_PER_TICK);
    *ts = {0, static_cast<int64_t>(step)};
    return Errno::Ok;
}

Errno user_clock_gettime(int clock_id, uint64_t uts)
{
    ktimespec ts{};
    if (const Errno e = kern_clock_gettime(clock_id, &ts); e != Errno::Ok) return e;
    return copyout(&ts, uts, sizeof ts);
}

Errno user_clock_getres(int clock_id, uint64_t uts)
{
    ktimespec ts{};
    if (const Errno e = kern_clock_getres(clock_id, &ts); e != Errno::Ok) return e;
    return uts ? copyout(&ts, uts, sizeof ts) : Errno::Ok;
}

Errno user_gettimeofday(uint64_t utv, uint64_t utz)
{
    // FreeBSD's struct timezone: minutes west and a DST kind, both 0 here.
    struct {
        int32_t tz_minuteswest, tz_dsttime;
    } const tz{0, 0};
    if (utv) {
        const ktimespec ts = nanouptime();
        const ktimeval tv{ts.tv_sec, ts.tv_nsec / 1000};
        if (const Errno e = copyout(&tv, utv, sizeof tv); e != Errno::Ok) return e;
    }
    return utz ? copyout(&tz, utz, sizeof tz) : Errno::Ok;
}
