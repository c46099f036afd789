// Extends picolibc's <time.h>, which declares nanosleep and the clock
// calls only for POSIX builds with _POSIX_TIMERS (-std=c++20 is not one)
// and numbers its clocks its own way (CLOCK_REALTIME is 1 there).  The
// ids here are FreeBSD's, the kernel's: abi/time.h's KCLOCK_*, which
// user/lib/time.cpp checks them against (abi/time.h cannot come in here:
// abi/resource.h brings it into the global namespace).  The rest of
// time.h, time() included (over gettimeofday), is picolibc's own.
#pragma once

#include_next <time.h>
#include <sys/types.h>

#undef CLOCK_REALTIME
#undef CLOCK_MONOTONIC
#define CLOCK_REALTIME ((clockid_t)0)
#define CLOCK_MONOTONIC ((clockid_t)4)

extern "C" {
int nanosleep(const struct timespec* rqtp, struct timespec* rmtp);
int clock_gettime(clockid_t clock_id, struct timespec* tp);
int clock_getres(clockid_t clock_id, struct timespec* res);
}
