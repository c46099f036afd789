// Extends picolibc's <sched.h>, which declares sched_yield only for
// POSIX builds (-std=c++20 is not one): the rest is picolibc's own.
#pragma once

#include_next <sched.h>

extern "C" int sched_yield(void);
