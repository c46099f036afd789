// kqueue(2) and kevent(2), FreeBSD's values (sys/event.h, FreeBSD 12 and
// later: struct kevent with ext[4]), shared by the kernel and user space.
// The filters Sprig has are EVFILT_READ, EVFILT_WRITE, EVFILT_PROC and
// EVFILT_SIGNAL; the others' numbers are FreeBSD's but registering them
// gives EINVAL.
#pragma once

#include <stdint.h>

struct kevent {
    uintptr_t ident;       // what is watched: a descriptor, a pid, a signal
    int16_t filter;        // EVFILT_*
    uint16_t flags;        // EV_*
    uint32_t fflags;       // filter flags (NOTE_*)
    int64_t data;          // filter data
    void* udata;           // the caller's, returned untouched
    uint64_t ext[4];       // FreeBSD 12's extensions; Sprig returns them zero
};
static_assert(sizeof(kevent) == 64 && __builtin_offsetof(kevent, data) == 16 &&
                  __builtin_offsetof(kevent, ext) == 32,
              "FreeBSD 12's struct kevent layout (LP64)");

inline constexpr int16_t EVFILT_READ = -1;
inline constexpr int16_t EVFILT_WRITE = -2;
inline constexpr int16_t EVFILT_AIO = -3;
inline constexpr int16_t EVFILT_VNODE = -4;
inline constexpr int16_t EVFILT_PROC = -5;
inline constexpr int16_t EVFILT_SIGNAL = -6;
inline constexpr int16_t EVFILT_TIMER = -7;
inline constexpr int16_t EVFILT_SYSCOUNT = 13; // FreeBSD's count of filters

// Actions.
inline constexpr uint16_t EV_ADD = 0x0001;     // add the event (or change it)
inline constexpr uint16_t EV_DELETE = 0x0002;  // remove it
inline constexpr uint16_t EV_ENABLE = 0x0004;  // report it again
inline constexpr uint16_t EV_DISABLE = 0x0008; // keep it, report nothing
// Flags.
inline constexpr uint16_t EV_ONESHOT = 0x0010; // removed once reported
inline constexpr uint16_t EV_CLEAR = 0x0020;   // state reset once reported
inline constexpr uint16_t EV_RECEIPT = 0x0040; // report the change itself (EV_ERROR, data 0)
inline constexpr uint16_t EV_DISPATCH = 0x0080;
inline constexpr uint16_t EV_SYSFLAGS = 0xf000; // the kernel's own: ignored from user space
inline constexpr uint16_t EV_DROP = 0x1000;     // kernel: drop without reporting
inline constexpr uint16_t EV_FLAG1 = 0x2000;    // kernel: EVFILT_PROC's child knote (NOTE_TRACK)
// Returned.
inline constexpr uint16_t EV_EOF = 0x8000;   // the other end is gone / the process exited
inline constexpr uint16_t EV_ERROR = 0x4000; // a change failed: data is the errno

// EVFILT_PROC's fflags.
inline constexpr uint32_t NOTE_EXIT = 0x80000000;      // exited: data is the wait status
inline constexpr uint32_t NOTE_FORK = 0x40000000;      // forked
inline constexpr uint32_t NOTE_EXEC = 0x20000000;      // exec'd
inline constexpr uint32_t NOTE_PCTRLMASK = 0xf0000000; // the events above
inline constexpr uint32_t NOTE_PDATAMASK = 0x000fffff; // a pid
inline constexpr uint32_t NOTE_TRACK = 0x00000001;     // follow forks: each child gets a knote
inline constexpr uint32_t NOTE_TRACKERR = 0x00000002;  // a child's knote could not be made
inline constexpr uint32_t NOTE_CHILD = 0x00000004;     // a child's first report: data is the parent
// The kernel's hint for EVFILT_SIGNAL (or'ed with the signal number).
inline constexpr uint32_t NOTE_SIGNAL = 0x08000000;
