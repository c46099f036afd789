// procctl(2) (FreeBSD's kern_procctl.c), PROC_SPROTECT only: a process
// marked P_PROTECTED is never chosen by the out-of-memory killer (init
// protects the shell it starts, so that the user can still stop whatever
// ran the memory out; FreeBSD's protect(1) does the same by hand).
#pragma once

#include <stdint.h>
#include <abi/errno.h>
#include <lib/result.h>

struct thread;

// PROC_SPROTECT on the process `id` (idtype PROCCTL_IDTYPE_PID): op is
// PPROT_SET or PPROT_CLEAR, with no flags.  Errors: Inval (another idtype
// or command, an unknown operation, PPROT_DESCEND or PPROT_INHERIT, which
// Sprig does not implement), Perm (the caller lacks PRIV_VM_MADV_PROTECT:
// not root; or the target is a kernel process), Srch (no such live
// process).
Result<void> kern_procctl(thread* td, int idtype, int64_t id, int com, int op);
// procctl(2): the int at udata copied in (EFAULT), then kern_procctl.
Errno user_procctl(thread* td, int idtype, int64_t id, int com, uint64_t udata);
