// Declarations the suite needs that the runtime's headers do not give
// yet: it defines nanosleep and sched_yield (user/lib/time.cpp), but
// picolibc's <time.h> and <sched.h> declare them only for POSIX builds,
// which -std=c++20 is not.  Same signatures as POSIX's, so a later
// declaration by the runtime is harmless.
#pragma once

#include <time.h>

extern "C" int nanosleep(const struct timespec* rqtp, struct timespec* rmtp);
extern "C" int sched_yield(void);
