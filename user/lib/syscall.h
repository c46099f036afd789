// The system call layer every runtime stub goes through: FreeBSD/riscv64's
// convention (number in t0, arguments in a0..a5, ecall; t0 = 0 and results
// in a0/a1, or t0 = 1 and FreeBSD's errno in a0; nothing else changes).
#pragma once

#include <stdint.h>

// Sets errno from a FreeBSD errno (translated to picolibc's value) and
// returns -1: what every failing stub returns.  Assembly tail-calls it.
extern "C" long __sprig_syscall_error(int freebsd_errno);

namespace sprig {

struct SysResult {
    long v0;  // a0: the result
    long v1;  // a1: the second result (pipe's other descriptor)
    int err;  // FreeBSD's errno, 0 on success
};

inline SysResult raw_syscall(int number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0,
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
    return {r0, r1, t0 ? static_cast<int>(r0) : 0};
}

// The C return value of a call: a0, or -1 with errno set.
inline long syscall_value(SysResult r) { return r.err ? __sprig_syscall_error(r.err) : r.v0; }

// The common case: make the call, return a0 or -1 with errno.
inline long syscall(int number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0,
                    long a5 = 0)
{
    return syscall_value(raw_syscall(number, a0, a1, a2, a3, a4, a5));
}

// A user pointer or size as a register value.
template <typename T> inline long reg(T* p) { return reinterpret_cast<long>(p); }

} // namespace sprig
