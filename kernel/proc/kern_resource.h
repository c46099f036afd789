// The resource-limit system calls (FreeBSD's kern_resource.c):
// getrlimit(2) and setrlimit(2) over the process's plimit
// (kernel/proc/resource.h), which setrlimit copies first when it is
// shared with other processes; and getrusage(2) over the counts of
// kernel/proc/rusage.h.
#pragma once

#include <stdint.h>
#include <abi/errno.h>
#include <abi/resource.h>
#include <kernel/proc/rusage.h>

struct thread;

// The limits of resource `which`.  Inval for an unknown resource.
Errno kern_getrlimit(thread* td, int which, rlimit* out);

// Sets the limits of resource `which`.  Negative values mean
// RLIM_INFINITY (FreeBSD's "historical bug", kept).  Inval for an
// unknown resource or a soft limit above the hard one; Perm for raising
// either above the current hard limit without PRIV_PROC_SETRLIMIT; NoMem.
// RLIMIT_NPROC is clamped to [1, kern.maxprocperuid] as FreeBSD does.
// Nothing changes on an error.
Errno kern_setrlimit(thread* td, int which, rlimit lim);

// A struct rusage from counts: ticks become user and system time; the
// fault and switch counts are copied; the rest is zero.
void rux_to_rusage(const rusage_ext& x, rusage* ru);
// What td's process used (RUSAGE_SELF: its exited threads and td, up to
// now) or its reaped children did (RUSAGE_CHILDREN, their own children
// included).  Inval for another who.
Errno kern_getrusage(thread* td, int who, rusage* ru);
Errno user_getrusage(thread* td, int who, uint64_t uru);

// The system calls: the same with the struct rlimit at user address
// ulim (Fault when it cannot be read or written).
Errno user_getrlimit(thread* td, int which, uint64_t ulim);
Errno user_setrlimit(thread* td, int which, uint64_t ulim);
