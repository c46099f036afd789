// nanosleep(2) (FreeBSD's kern_time.c): a sleep measured in clock ticks
// (HZ = 100), which a signal may end.
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
