// The body of the system call dispatcher (FreeBSD's subr_syscall.c, which
// its trap handlers include for the same reason): inline, so that the
// trap handler's ecall path is one C frame, not two.  kernel/syscall/syscall.cpp's
// syscall() is the same steps out of line, for callers that are not the
// trap handler (the host tests).
#pragma once

#include <abi/errno.h>
#include <arch/syscall_machdep.h>
#include <kernel/ktrace/ktrace.h>

// Fetches the number and arguments from td's user frame, runs the
// handler the table names, and writes the outcome back; returns what the
// handler returned (JustReturn: it rewrote the frame itself).
inline Errno syscallenter(thread* td)
{
    syscall_args sa;
    cpu_fetch_syscall_args(td, sa);
    if (KTRPOINT(td, KTR_SYSCALL)) ktrsyscall(td, sa.code, sa.args);
    const Errno e = sa.callp->sy_call(td, sa.args);
    cpu_set_syscall_retval(td, e);
    if (KTRPOINT(td, KTR_SYSRET)) ktrsysret(td, sa.code, e, td->td_retval[0]);
    return e;
}
