// System calls made directly with ecall, FreeBSD/riscv64's convention
// (number in t0, arguments in a0-a5; t0 = 0 and results in a0/a1, or
// t0 = 1 and FreeBSD's errno in a0), for the cases that test the kernel's
// side of the ABI itself: bad pointers that a C library wrapper might
// dereference first, unknown numbers, registers preserved.
#pragma once

#include <abi/errno.h>
#include <stdint.h>

namespace suite {

struct RawResult {
    long value;   // a0
    long value2;  // a1
    bool error;   // t0 was 1: value is FreeBSD's errno
    // Whether the call failed with e (FreeBSD's value, not the C library's).
    bool failed_with(Errno e) const { return error && value == static_cast<long>(e); }
};

inline RawResult raw_syscall(long number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0,
                             long a4 = 0, long a5 = 0)
{
    register long t0 asm("t0") = number;
    register long r0 asm("a0") = a0;
    register long r1 asm("a1") = a1;
    register long r2 asm("a2") = a2;
    register long r3 asm("a3") = a3;
    register long r4 asm("a4") = a4;
    register long r5 asm("a5") = a5;
    asm volatile("ecall"
                 : "+r"(t0), "+r"(r0), "+r"(r1)
                 : "r"(r2), "r"(r3), "r"(r4), "r"(r5)
                 : "memory");
    return RawResult{r0, r1, t0 != 0};
}

// Pointers a user program may not hand the kernel.
inline constexpr long KERNEL_IMAGE = static_cast<long>(0xffffffff80200000ul);
inline constexpr long KERNEL_DIRECT_MAP = static_cast<long>(0xffffffc000000000ul);
inline constexpr long ABOVE_USER = 0x4000000000l; // the first address past Sv39's user half

} // namespace suite

// A raw call that must fail with FreeBSD's errno e (an Errno enumerator).
#define CHECK_RAW_ERR(call, e)                                                               \
    do {                                                                                     \
        const ::suite::RawResult check_r_ = (call);                                          \
        if (!check_r_.failed_with(Errno::e))                                                 \
            ::suite::fail("%s:%d: %s: %s %ld; wanted error %d (" #e ")", __FILE__, __LINE__, \
                          #call, check_r_.error ? "error" : "returned", check_r_.value,      \
                          static_cast<int>(Errno::e));                                       \
    } while (0)
