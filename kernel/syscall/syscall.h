// The system call dispatcher (FreeBSD's syscallenter/syscallret): the
// machine fetches the number and arguments from the user frame
// (cpu_fetch_syscall_args, <arch/syscall_machdep.h>: FreeBSD/riscv64's
// t0 and a0..a7), the table (kernel/syscall/sysent.h) names the handler, and the
// machine writes the answer back (cpu_set_syscall_retval).  An unknown
// number is ENOSYS.
#pragma once

#include <abi/errno.h>

struct thread;

// Runs the call td's user frame asks for (the trap handler calls this on
// an ecall from user mode) and returns what the call returned
// (JustReturn: it rewrote the frame itself).
Errno syscall(thread* td);
