// The time calls (FreeBSD's kern_time.c): nanosleep(2), a sleep measured
// in clock ticks (HZ = 100) which a signal may end; and the clocks of
// clock_gettime(2), clock_getres(2) and gettimeofday(2).
#pragma once

#include <stdint.h>
#include <abi/errno.h>
#include <abi/time.h>

struct thread;

// Sleeps for *rqt, rounded up to whole ticks plus one (the tick under way
// has partly gone: FreeBSD's tvtohz does the same), so never less than
// asked.  Inval when tv_nsec is outside 0..999'999'999; a negative or
// zero time returns at once (FreeBSD's rule).  Intr when a signal ended
// the sleep (never Restart: nanosleep is not restarted, as in FreeBSD),
// with *rmt (if given) set to the time that was left.
Errno kern_nanosleep(thread* td, const ktimespec& rqt, ktimespec* rmt);

// The system call: the request at urqt; the time left to urmtp (0: not
// wanted) when a signal ended the sleep.  Fault for either address.
Errno user_nanosleep(thread* td, uint64_t urqt, uint64_t urmtp);

// Time since boot: the timebase counter (arch::read_time) when its
// frequency is known, else the tick count.  Never goes back.
ktimespec nanouptime();
// clock_gettime(2): KCLOCK_MONOTONIC is nanouptime(); so is
// KCLOCK_REALTIME, as Sprig reads no RTC (its epoch is the boot).  Inval
// for another id (abi/time.h).
Errno kern_clock_gettime(int clock_id, ktimespec* ats);
// clock_getres(2): the step of that clock (a timebase period, rounded up
// to a nanosecond, or a tick).  Inval for another id.
Errno kern_clock_getres(int clock_id, ktimespec* ts);

// The system calls: the result to the user address (0: not wanted, for
// clock_getres), Fault for a bad one.  gettimeofday writes a zero struct
// timezone at utz when one is given, as FreeBSD does.
Errno user_clock_gettime(int clock_id, uint64_t uts);
Errno user_clock_getres(int clock_id, uint64_t uts);
Errno user_gettimeofday(uint64_t utv, uint64_t utz);
