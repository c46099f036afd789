// Sleeping and yielding: nanosleep, sleep, usleep, sched_yield.
#include <abi/syscall.h>
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "syscall.h"

using sprig::reg;

extern "C" {

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
