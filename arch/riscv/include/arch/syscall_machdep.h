// The machine half of a system call (FreeBSD's cpu_fetch_syscall_args and
// cpu_set_syscall_retval): where FreeBSD/riscv64 keeps the number, the
// arguments and the answer.  The number is in t0 and the arguments in
// a0..a7 at the ecall; on return t0 = 0 with the results in a0/a1, or
// t0 = 1 (the carry-style error flag) with the errno in a0, every other
// register as it was.  kernel/syscall/syscall.cpp names no register: it goes
// through these two.
#pragma once

#include <arch/frame.h>
#include <kernel/proc/proc.h>
#include <kernel/syscall/sysent.h>
#include <lib/kassert.h>

inline constexpr unsigned SYSCALL_MAXARGS = 8;

// args points at the frame's a0..a7 (FreeBSD copies them out; here they
// are read in place, which is safe because every handler unpacks its
// arguments into values before it does anything that could rewrite the
// frame, as execve and sigreturn do).
struct syscall_args {
    uint64_t code;
    const sysent* callp;
    const uint64_t* args; // SYSCALL_MAXARGS of them
};

// ecall is never compressed: the call returns 4 bytes on, and ERESTART
// backs up as far to make it again.
inline constexpr uint64_t ECALL_SIZE = 4;

// Reads the call td's user frame asks for.  sepc moves past the ecall
// first, so that a frame fork copies returns after it too; td_retval
// starts as {0, a1} (a call that sets only the first result leaves a1
// as it was).
inline void cpu_fetch_syscall_args(thread* td, syscall_args& sa)
{
    KASSERT(td->td_frame, "system call from thread %s without a user frame", td->td_name);
    arch::TrapFrame& tf = *td->td_frame;
    tf.sepc += ECALL_SIZE;
    sa.code = tf.t0();
    sa.callp = sysent_lookup(sa.code);
    sa.args = &tf.a(0);
    td->td_retval[0] = 0;
    td->td_retval[1] = tf.a(1);
}

// Writes the outcome of the call back into td's user frame.
inline void cpu_set_syscall_retval(thread* td, Errno error)
{
    arch::TrapFrame& tf = *td->td_frame;
    switch (error) {
    case Errno::Ok:
        tf.a(0) = td->td_retval[0];
        tf.a(1) = td->td_retval[1];
        tf.t0() = 0;
        return;
    case Errno::Restart: // made again once the signal handler returns
        tf.sepc -= ECALL_SIZE;
        return;
    case Errno::JustReturn: // the call set the registers itself (exec, sigreturn)
        return;
    default:
        tf.a(0) = static_cast<uint64_t>(error);
        tf.t0() = 1;
    }
}
