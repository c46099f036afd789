// Shadows picolibc's <sys/resource.h>: resource numbers and struct rlimit
// are FreeBSD's (abi/resource.h); struct rusage is FreeBSD's layout, for
// wait4.
#pragma once

#include <abi/resource.h>
#include <sys/time.h>

inline constexpr int RUSAGE_SELF = 0;
inline constexpr int RUSAGE_CHILDREN = -1;

struct rusage {
    struct timeval ru_utime; // user time used
    struct timeval ru_stime; // system time used
    long ru_maxrss;
    long ru_ixrss;
    long ru_idrss;
    long ru_isrss;
    long ru_minflt;
    long ru_majflt;
    long ru_nswap;
    long ru_inblock;
    long ru_oublock;
    long ru_msgsnd;
    long ru_msgrcv;
    long ru_nsignals;
    long ru_nvcsw;
    long ru_nivcsw;
};
static_assert(sizeof(struct rusage) == 144, "FreeBSD's struct rusage (LP64)");

extern "C" {
int getrlimit(int resource, struct rlimit* rlp);
int setrlimit(int resource, const struct rlimit* rlp);
}
