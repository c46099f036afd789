#include <kernel/kern_time.h>

#include <kernel/clock.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sleep.h>
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
