// Time: the clocks (clock_gettime, clock_getres, gettimeofday, which
// picolibc's time() calls), and sleeping and yielding: nanosleep, sleep,
// usleep, sched_yield.
#include <abi/syscall.h>
#include <abi/time.h>
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "syscall.h"

using sprig::reg;

// picolibc's timespec and timeval are FreeBSD's (LP64), which the kernel
// writes.
static_assert(sizeof(struct timespec) == sizeof(ktimespec) &&
                  offsetof(struct timespec, tv_nsec) == offsetof(ktimespec, tv_nsec),
              "struct timespec must match abi/time.h");
static_assert(sizeof(struct timeval) == sizeof(ktimeval) &&
                  offsetof(struct timeval, tv_usec) == offsetof(ktimeval, tv_usec),
              "struct timeval must match abi/time.h");
static_assert(CLOCK_REALTIME == KCLOCK_REALTIME && CLOCK_MONOTONIC == KCLOCK_MONOTONIC,
              "<time.h>'s clock ids must be FreeBSD's");

extern "C" {

int clock_gettime(clockid_t clock_id, struct timespec* tp)
{
    return static_cast<int>(sprig::syscall(SYS_clock_gettime, clock_id, reg(tp)));
}

int clock_getres(clockid_t clock_id, struct timespec* res)
{
    return static_cast<int>(sprig::syscall(SYS_clock_getres, clock_id, reg(res)));
}

// tz, when given, gets FreeBSD's struct timezone: two zero ints (UTC).
int gettimeofday(struct timeval* __restrict tv, void* __restrict tz)
{
    return static_cast<int>(sprig::syscall(SYS_gettimeofday, reg(tv), reg(tz)));
}

int nanosleep(const struct timespec* req, struct timespec* rem)
{
    return static_cast<int>(sprig::syscall(SYS_nanosleep, reg(req), reg(rem)));
}

// The seconds left unslept when a signal cut the sleep short.
unsigned sleep(unsigned seconds)
{
    struct timespec req = {static_cast<time_t>(seconds), 0}, rem = {0, 0};
    if (nanosleep(&req, &rem) == 0) return 0;
    return errno == EINTR ? static_cast<unsigned>(rem.tv_sec + (rem.tv_nsec > 0)) : seconds;
}

int usleep(useconds_t usec)
{
    struct timespec req = {static_cast<time_t>(usec / 1000000), static_cast<long>(usec % 1000000) * 1000};
    return nanosleep(&req, nullptr);
}

int sched_yield(void) { return static_cast<int>(sprig::syscall(SYS_sched_yield)); }

} // extern "C"
