// System calls made directly with ecall, FreeBSD/riscv64's convention
// (number in t0, arguments in a0-a5; t0 = 0 and results in a0/a1, or
// t0 = 1 and FreeBSD's errno in a0), for the cases that test the kernel's
// side of the ABI itself: bad pointers that a C library wrapper might
// dereference first, unknown numbers, registers preserved.
#pragma once

#include <abi/errno.h>
#include <stdint.h>
#include <user/lib/syscall.h>

namespace suite {

struct RawResult {
    long value;   // a0
    long value2;  // a1
    bool error;   // t0 was 1: value is FreeBSD's errno
    // Whether the call failed with e (FreeBSD's value, not the C library's).
    bool failed_with(Errno e) const { return error && value == static_cast<long>(e); }
};

// The runtime's own ecall (user/lib/syscall.h), without its errno
// translation: the cases compare FreeBSD's values.
inline RawResult raw_syscall(long number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0,
                             long a4 = 0, long a5 = 0)
{
    const sprig::SysResult r = sprig::raw_syscall(static_cast<int>(number), a0, a1, a2, a3, a4, a5);
    return RawResult{r.err ? static_cast<long>(r.err) : r.v0, r.v1, r.err != 0};
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
