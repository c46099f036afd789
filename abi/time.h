// Time structures, FreeBSD's LP64 layouts (sys/_timespec.h, sys/_timeval.h),
// shared by the kernel and user space: nanosleep(2)'s and clock_gettime(2)'s
// timespec, the timevals of gettimeofday(2) and struct rusage, and
// FreeBSD's clock ids.
//
// The names carry a k, as ksigset_t does in abi/signal.h: the host C
// library defines struct timespec and struct timeval in headers every host
// test reaches (<stdlib.h>, <string>), so the ABI's own cannot use the
// same tags.  The user runtime's <time.h> and <sys/time.h> are the place
// for the POSIX spellings (aliases of these).
#pragma once

#include <stddef.h>
#include <stdint.h>

using ktime_t = int64_t; // FreeBSD/riscv64's time_t

struct ktimespec {
    ktime_t tv_sec;
    int64_t tv_nsec; // 0 .. 999'999'999
};
static_assert(offsetof(ktimespec, tv_nsec) == 8 && sizeof(ktimespec) == 16,
              "FreeBSD's struct timespec layout (LP64)");

struct ktimeval {
    ktime_t tv_sec;
    int64_t tv_usec; // 0 .. 999'999
};
static_assert(offsetof(ktimeval, tv_usec) == 8 && sizeof(ktimeval) == 16,
              "FreeBSD's struct timeval layout (LP64)");

inline constexpr int64_t NSEC_PER_SEC = 1'000'000'000;
inline constexpr int64_t USEC_PER_SEC = 1'000'000;

// FreeBSD's clock ids (sys/_clock_id.h), with a k too: the host's <time.h>
// defines CLOCK_REALTIME and CLOCK_MONOTONIC as macros.
inline constexpr int KCLOCK_REALTIME = 0;
inline constexpr int KCLOCK_MONOTONIC = 4;
