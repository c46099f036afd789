// Resource usage counted per thread and per process (FreeBSD's struct
// rusage_ext with the struct rusage counters Sprig keeps).  Nothing is
// added to the system-call path: the clock interrupt charges its tick
// to user or system time by the mode it interrupted (FreeBSD's
// statclock), the scheduler counts switches as it makes them, and the
// fault handler counts faults.  A thread's counts go to its process when
// it exits; a reaped child's, with its own children's, to its parent's
// p_crux (FreeBSD's ruadd at reap).
#pragma once

#include <stdint.h>

struct rusage_ext {
    uint64_t rux_uticks = 0; // clock ticks that interrupted user mode
    uint64_t rux_sticks = 0; // clock ticks that interrupted the kernel
    uint64_t ru_minflt = 0;  // page faults (every one is "minor": no I/O)
    uint64_t ru_nvcsw = 0;   // switches away because the thread waited
    uint64_t ru_nivcsw = 0;  // switches away while it could have run on

    void add(const rusage_ext& o)
    {
        rux_uticks += o.rux_uticks;
        rux_sticks += o.rux_sticks;
        ru_minflt += o.ru_minflt;
        ru_nvcsw += o.ru_nvcsw;
        ru_nivcsw += o.ru_nivcsw;
    }
};
