// __sysctl(2) (FreeBSD's kern_sysctl.c): the kernel's sysctl registry
// (kernel/sysctl/sysctl.h) and the kern.proc process records, reached by
// FreeBSD's numeric names, plus the questions about the tree itself:
// {0, 3} name to number (so `sysctl kern.lastpid` works by name), {0, 2}
// number to name, {0, 1} the next node (for listing).
//
// The old/new convention is sysctl(3)'s: the value is copied out to oldp
// (if given), *oldlenp says how long the value is; with oldp null only
// the length is returned; newp/newlen, if given, is the new value.
// Sprig's one departure: when oldp is too short, as much as fits is
// copied, the call fails with ENOMEM and *oldlenp holds the length
// needed (FreeBSD 8 returns the length copied).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>

struct thread;

// One request (FreeBSD's struct sysctl_req): where the old value goes and
// the new one comes from, and how far each has got.
struct SysctlReq {
    thread* td = nullptr;
    uint64_t oldptr = 0; // user buffer for the value, 0: its length only
    size_t oldlen = 0;   // the buffer's size
    size_t oldidx = 0;   // bytes the value has so far (copied or not)
    uint64_t newptr = 0; // user address of the new value, 0: none
    size_t newlen = 0;
    size_t newidx = 0;   // bytes of it read so far

    // SYSCTL_OUT: appends n bytes to the value, copying what fits in the
    // buffer.  Fault when the copy faults.
    Errno out(const void* p, size_t n);
    // SYSCTL_IN: reads the next n bytes of the new value.  Inval when
    // fewer are left, Fault when the copy faults.
    Errno in(void* p, size_t n);
};

// The request for the numeric name name[0..namelen).  NoEnt for an
// unknown name, Perm for a write without CTLFLAG_WR or, for a
// CTLFLAG_ROOTWR node, without PRIV_SYSCTL_WRITE; Inval, Fault; the
// registry's write handler's errors.  ENOMEM for a short buffer is the
// caller's to decide (user_sysctl).
Errno kern_sysctl(const int* name, unsigned namelen, SysctlReq& req);

// The system call: the name (namelen ints, 2..CTL_MAXNAME, else Inval)
// at uname; the old value to uold, its length through uoldlenp (in and
// out; 0: none); the new value at unew, newlen bytes.
Errno user_sysctl(thread* td, uint64_t uname, unsigned namelen, uint64_t uold, uint64_t uoldlenp,
                  uint64_t unew, size_t newlen);
