// The operations forkbench times, as raw ecalls (FreeBSD/riscv64's
// convention, user/lib/syscall.h: number in t0, arguments in a0..a5;
// t0 = 0 and the result in a0, or t0 = 1 and FreeBSD's errno in a0; the
// kernel preserves every other register).  No C library wrapper runs in a
// measured loop, and a child made by fork, vfork or rfork exits in the
// same asm statement that made it: it never touches the stack, never
// returns through C++ code, so a vfork or RFMEM child cannot disturb the
// parent's frame and a fork child makes no copy-on-write fault.
#pragma once

#include <abi/syscall.h>
#include <abi/unistd.h>
#include <stdint.h>
#include <user/lib/syscall.h>

namespace bench {

// A call's a0, or -errno.
inline long raw_value(sprig::SysResult r) { return r.err ? -r.err : r.v0; }

// fork (SYS_fork), vfork (SYS_vfork) or rfork(flags) (SYS_rfork); the
// child calls exit(0) at once, on `stack` when it is not 0 (an RFMEM
// child gets its own, though it never uses it).  Returns the child's pid
// or -errno.
inline long raw_fork_exit(int number, long flags = 0, void* stack = nullptr)
{
    register long t0 asm("t0") = number;
    register long a0 asm("a0") = flags;
    register long a1 asm("a1");
    register void* t1 asm("t1") = stack;
    asm volatile("ecall\n"
                 "bnez t0, 1f\n"
                 "bnez a0, 1f\n"
                 "beqz t1, 2f\n"
                 "mv sp, t1\n"
                 "2: li a0, 0\n"
                 "li t0, %[exit]\n"
                 "ecall\n"
                 "1:\n"
                 : "+r"(t0), "+r"(a0), "=r"(a1)
                 : "r"(t1), [exit] "i"(SYS_exit)
                 : "memory");
    return t0 ? -a0 : a0;
}

// fork; the child stores a byte at `count` addresses `stride` apart from
// `base` (a loop in registers: no stack, no C++ code), then exits(0).
// Returns the child's pid or -errno.
inline long raw_fork_touch_exit(char* base, long count, long stride)
{
    register long t0 asm("t0") = SYS_fork;
    register long a0 asm("a0") = 0;
    register long a1 asm("a1");
    register char* t1 asm("t1") = base;
    register long t2 asm("t2") = count;
    register long t3 asm("t3") = stride;
    asm volatile("ecall\n"
                 "bnez t0, 1f\n"
                 "bnez a0, 1f\n"
                 "2: beqz t2, 3f\n"
                 "sb t2, 0(t1)\n"
                 "add t1, t1, t3\n"
                 "addi t2, t2, -1\n"
                 "j 2b\n"
                 "3: li a0, 0\n"
                 "li t0, %[exit]\n"
                 "ecall\n"
                 "1:\n"
                 : "+r"(t0), "+r"(a0), "=r"(a1)
                 : "r"(t1), "r"(t2), "r"(t3), [exit] "i"(SYS_exit)
                 : "memory");
    return t0 ? -a0 : a0;
}

// vfork; the child execve(path, argv, envp)s, or exits with 127 if that
// fails.  Returns the child's pid or -errno.
inline long raw_vfork_exec(const char* path, char* const* argv, char* const* envp)
{
    register long t0 asm("t0") = SYS_vfork;
    register long a0 asm("a0");
    register long a1 asm("a1");
    register const char* t1 asm("t1") = path;
    register char* const* t2 asm("t2") = argv;
    register char* const* t3 asm("t3") = envp;
    asm volatile("ecall\n"
                 "bnez t0, 1f\n"
                 "bnez a0, 1f\n"
                 "li t0, %[execve]\n"
                 "mv a0, t1\n"
                 "mv a1, t2\n"
                 "mv a2, t3\n"
                 "ecall\n"
                 "li a0, 127\n"
                 "li t0, %[exit]\n"
                 "ecall\n"
                 "1:\n"
                 : "+r"(t0), "=r"(a0), "=r"(a1)
                 : "r"(t1), "r"(t2), "r"(t3), [execve] "i"(SYS_execve), [exit] "i"(SYS_exit)
                 : "a2", "memory");
    return t0 ? -a0 : a0;
}

// rfork(RFPROC | RFMEM): a child in the parent's memory (and descriptor
// table) that blocks in read(fd, buf, 1) and exits with 0 once it
// returns (end-of-file when the pipe's last writer closes).  It keeps
// everything in registers.  Returns its pid or -errno.
inline long raw_rfork_blocked_reader(int fd, char* buf)
{
    register long t0 asm("t0") = SYS_rfork;
    register long a0 asm("a0") = RFPROC | RFMEM;
    register long a1 asm("a1");
    register long t1 asm("t1") = fd;
    register char* t2 asm("t2") = buf;
    asm volatile("ecall\n"
                 "bnez t0, 1f\n"
                 "bnez a0, 1f\n"
                 "li t0, %[read]\n"
                 "mv a0, t1\n"
                 "mv a1, t2\n"
                 "li a2, 1\n"
                 "ecall\n"
                 "li a0, 0\n"
                 "li t0, %[exit]\n"
                 "ecall\n"
                 "1:\n"
                 : "+r"(t0), "+r"(a0), "=r"(a1)
                 : "r"(t1), "r"(t2), [read] "i"(SYS_read), [exit] "i"(SYS_exit)
                 : "a2", "memory");
    return t0 ? -a0 : a0;
}

// wait4(pid, &status, 0, nullptr): the raw status word, or -1 if the
// call failed or reaped another pid.
inline long raw_wait_status(long pid)
{
    int status = 0;
    const sprig::SysResult r = sprig::raw_syscall(SYS_wait4, pid, sprig::reg(&status), 0, 0);
    if (r.err || (pid > 0 && r.v0 != pid)) return -1;
    return status;
}

// Non-zero unless pid is a child that exited with status 0: what each
// measured iteration ORs into its error word.
inline long raw_reap(long pid)
{
    if (pid <= 0) return 1;
    return raw_wait_status(pid);
}

inline long raw_read(int fd, void* buf, long n)
{
    return raw_value(sprig::raw_syscall(SYS_read, fd, sprig::reg(buf), n));
}

inline long raw_write(int fd, const void* buf, long n)
{
    return raw_value(sprig::raw_syscall(SYS_write, fd, sprig::reg(buf), n));
}

} // namespace bench
