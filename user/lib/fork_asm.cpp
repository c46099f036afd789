// vfork and rfork_thread, which cannot be ordinary C++ functions.
//
// vfork: the child runs on the parent's stack until it execs or exits,
// so vfork must not keep anything there: a normal function would save ra
// in its frame, the child's later calls would overwrite it, and the
// parent would return through garbage.  A leaf keeps ra in its register
// (the kernel gives each side its own registers), and its error path
// tail-calls, leaving ra alone.
//
// rfork_thread: the child must switch to its own stack before it touches
// memory, since with RFMEM it shares the parent's; t1..t4 (which the
// kernel preserves across ecall) carry the new stack, the function, its
// argument and the child's TLS block across the call.
#include <abi/errno.h>
#include <abi/syscall.h>
#include <picolibc.h> // PICOLIBC_TLS, which picotls.h needs
extern "C" {
#include <picotls.h> // a C header without extern "C"
}
#include <stdint.h>
#include <unistd.h>

#include "stdio_fd.h"

namespace {
constexpr int EINVAL_FREEBSD = static_cast<int>(Errno::Inval);
}

extern "C" {
extern char __tls_size[];
long __sprig_syscall_error(int freebsd_errno);
pid_t __sprig_rfork_thread(int flags, void* stack, int (*fn)(void*), void* arg, void* tls);

[[gnu::naked]] pid_t vfork(void)
{
    asm volatile("li t0, %0\n"
                 "ecall\n"
                 "bnez t0, 1f\n"
                 "ret\n"
                 "1: tail __sprig_syscall_error\n" ::"i"(SYS_vfork));
}

[[gnu::naked]] pid_t __sprig_rfork_thread(int, void*, int (*)(void*), void*, void*)
{
    asm volatile("mv t1, a1\n"
                 "mv t2, a2\n"
                 "mv t3, a3\n"
                 "mv t4, a4\n"
                 "li t0, %0\n"
                 "ecall\n"
                 "bnez t0, 2f\n"
                 "beqz a0, 1f\n"
                 "ret\n" // the parent, with the child's pid
                 "1: mv sp, t1\n"
                 "mv tp, t4\n"
                 "li ra, 0\n"
                 "mv a0, t3\n"
                 "jalr t2\n"
                 "call _exit\n"
                 "2: tail __sprig_syscall_error\n" ::"i"(SYS_rfork));
}

// FreeBSD's rfork_thread(3).  The child's thread-local block (its own
// errno) is carved from the top of its stack.
pid_t rfork_thread(int flags, void* stack, int (*fn)(void*), void* arg)
{
    // Without RFPROC rfork returns 0 to the caller itself, which would
    // then run fn on the new stack and exit.
    if (!(flags & RFPROC)) return static_cast<pid_t>(__sprig_syscall_error(EINVAL_FREEBSD));
    const uintptr_t tls_size = reinterpret_cast<uintptr_t>(__tls_size);
    uintptr_t top = reinterpret_cast<uintptr_t>(stack) & ~uintptr_t{15};
    top = (top - tls_size) & ~uintptr_t{15};
    void* tls = reinterpret_cast<void*>(top);
    _init_tls(tls);
    sprig::stdio_flush_all();
    return __sprig_rfork_thread(flags, tls, fn, arg, tls);
}

} // extern "C"
