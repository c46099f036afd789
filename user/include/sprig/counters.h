// The RISC-V user counters Sprig lets programs read (scounteren): cycles,
// the timebase and retired instructions, for programs that time
// themselves.  Not a picolibc header: Sprig's own.
#pragma once

#include <stdint.h>

inline uint64_t rdcycle()
{
    uint64_t v;
    asm volatile("rdcycle %0" : "=r"(v));
    return v;
}

inline uint64_t rdtime()
{
    uint64_t v;
    asm volatile("rdtime %0" : "=r"(v));
    return v;
}

inline uint64_t rdinstret()
{
    uint64_t v;
    asm volatile("rdinstret %0" : "=r"(v));
    return v;
}
