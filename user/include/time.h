// Extends picolibc's <time.h>, which declares nanosleep only for POSIX
// builds with _POSIX_TIMERS (-std=c++20 is not one): the rest of time.h
// is picolibc's own.
#pragma once

#include_next <time.h>

extern "C" int nanosleep(const struct timespec* rqtp, struct timespec* rmtp);
