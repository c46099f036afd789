// Resource limits, FreeBSD's numbering and layout (sys/resource.h of the
// FreeBSD 8 era), shared by the kernel and user space.  User programs get
// these through the runtime's <sys/resource.h>; a host test must not
// include the host's <sys/resource.h> next to this one.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/time.h>

inline constexpr int RLIMIT_CPU = 0;      // CPU time, seconds
inline constexpr int RLIMIT_FSIZE = 1;    // largest file
inline constexpr int RLIMIT_DATA = 2;     // data segment size
inline constexpr int RLIMIT_STACK = 3;    // stack size
inline constexpr int RLIMIT_CORE = 4;     // core file size
inline constexpr int RLIMIT_RSS = 5;      // resident set size
inline constexpr int RLIMIT_MEMLOCK = 6;  // locked-in-memory address space
inline constexpr int RLIMIT_NPROC = 7;    // processes per real uid
inline constexpr int RLIMIT_NOFILE = 8;   // open files
inline constexpr int RLIMIT_SBSIZE = 9;   // socket buffer space
inline constexpr int RLIMIT_VMEM = 10;    // address space, mappings included
inline constexpr int RLIMIT_AS = RLIMIT_VMEM;
inline constexpr int RLIMIT_NPTS = 11;    // pseudo-terminals
inline constexpr int RLIMIT_SWAP = 12;    // swap reserved
inline constexpr int RLIM_NLIMITS = 13;

// Signed, as FreeBSD's: "infinity" is the largest positive value.
using rlim_t = int64_t;
inline constexpr rlim_t RLIM_INFINITY = INT64_MAX;

struct rlimit {
    rlim_t rlim_cur; // soft limit, what is enforced
    rlim_t rlim_max; // hard limit, ceiling of rlim_cur
};
static_assert(sizeof(rlimit) == 16 && alignof(rlimit) == 8, "FreeBSD's struct rlimit layout");

// getrusage(2)'s who, and what wait4(2) reports of a reaped child.
inline constexpr int RUSAGE_SELF = 0;
inline constexpr int RUSAGE_CHILDREN = -1;

// FreeBSD's struct rusage (LP64): two times, then fourteen longs.  Sprig
// fills ru_utime and ru_stime (see docs/syscalls.md) and leaves the
// counters zero.
struct rusage {
    ktimeval ru_utime; // user time used
    ktimeval ru_stime; // system time used
    int64_t ru_maxrss;
    int64_t ru_ixrss;
    int64_t ru_idrss;
    int64_t ru_isrss;
    int64_t ru_minflt;
    int64_t ru_majflt;
    int64_t ru_nswap;
    int64_t ru_inblock;
    int64_t ru_oublock;
    int64_t ru_msgsnd;
    int64_t ru_msgrcv;
    int64_t ru_nsignals;
    int64_t ru_nvcsw;  // voluntary context switches
    int64_t ru_nivcsw; // involuntary context switches
};
static_assert(offsetof(rusage, ru_stime) == 16 && offsetof(rusage, ru_maxrss) == 32 &&
                  sizeof(rusage) == 144,
              "FreeBSD's struct rusage layout (LP64)");
