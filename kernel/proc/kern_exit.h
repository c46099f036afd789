// Process exit and wait (FreeBSD 8's kern_exit.c): exit1 turns a process
// into a zombie that keeps only what its parent's wait needs; wait4 finds
// and reaps zombies.
#pragma once

#include <stdint.h>
#include <abi/errno.h>
#include <abi/resource.h>
#include <lib/result.h>
#include <kernel/proc/proc.h>

// Ends the calling process with status xstat (W_EXITCODE(code, signal)):
// an RFTHREAD leader first kills its peers and waits for them; then
// descriptors, address space, text reference and limits go, children go
// to init, a vfork parent is woken, the process becomes a zombie and its
// parent gets its exit signal (SIGCHLD, or SIGUSR1 under RFLINUXTHPN) and
// a wakeup.  Init and proc0 never exit (panic).
[[noreturn]] void exit1(thread* td, int xstat);

// wait4 without the user copies: waits for a child of td's process
// matching pid (> 0: that pid; -1: any; 0: td's process group; < -1: the
// group -pid) that has exited, reaps it (unless WNOWAIT) and returns its
// pid with *status set.  Only children whose exit signal is SIGCHLD match,
// unless options has WLINUXCLONE, which matches only the others.  With
// WNOHANG returns 0 when none has exited yet.  *ru (if given) gets the
// reaped child's resource usage (its run time; see docs/syscalls.md).
// Errors: Child (no matching child), Inval (unknown option bits), Intr or
// Restart (a signal ended the sleep).  WUNTRACED also reports a child's
// stop (W_STOPCODE), WCONTINUED its continue (SIGCONT), each once and
// without reaping it.
Result<pid_t> kern_wait(thread* td, pid_t pid, int* status, int options, rusage* ru = nullptr);

// wait4(2): kern_wait, then the status and the usage copied out to the
// user addresses ustatus and urusage (0: not wanted), FreeBSD's order: a
// child is reaped before the copies, so EFAULT from them still leaves it
// reaped.  Nothing is copied when WNOHANG found no exited child.
Errno user_wait4(thread* td, pid_t pid, uint64_t ustatus, int options, uint64_t urusage);

// What a zombie does not need, released (exit1's middle): descriptors,
// leader record, address space, text reference, limits, the session's
// leadership.
void proc_exit_release(proc* p);
// Makes parent the parent of child (moving it between sibling lists).
void proc_reparent(proc* child, proc* parent);
// Frees what is left of a zombie (its parent's wait, or init's).
void proc_reap(proc* p);
