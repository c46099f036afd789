// The identity system calls (FreeBSD 8's kern_prot.c): who a process is
// (its parent, user and group ids, process group and session) and the
// calls that change it: setuid, setpgid, setsid.  The plain getters are
// one line each and live with the dispatcher (kernel/syscall/syscall.cpp); the
// calls with rules live here.
#pragma once

#include <abi/errno.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/ucred.h>
#include <lib/result.h>

// The parent's pid (0 for proc0, which has none).  Inline and lock-free:
// getppid is the null system call the benchmarks time.  A parent can be
// freed only once it is reaped, and before that its exit (or a kernel
// process's) moved its children to init (proc_reparent, the only writer
// of p_pptr after fork); so a p_pptr that still names pp after pp's pid
// was read says pp was alive when it was read.  An interrupt in between
// that let pp exit makes the loop read init's pid instead.
inline pid_t kern_getppid(const thread* td)
{
    proc* const volatile& parent = td->td_proc->p_pptr; // read anew each time
    const proc* pp = parent;
    for (;;) {
        if (!pp) return 0;
        const pid_t pid = *static_cast<const volatile pid_t*>(&pp->p_pid);
        __atomic_signal_fence(__ATOMIC_SEQ_CST); // the compiler keeps the order; one hart
        const proc* now = parent;
        if (now == pp) return pid;
        pp = now;
    }
}
// The id of the caller's process group.
pid_t kern_getpgrp(const thread* td);

// setuid(2), FreeBSD 8's rules (_POSIX_SAVED_IDS, no appendix B.4.2.2):
// Perm unless uid is the real or the saved uid or the caller holds
// PRIV_CRED_SETUID.  With the privilege the real and saved uids become uid
// too (the process count moving to the new real uid); the effective uid
// always does.  Any id that changes sets P_SUGID.  The credential is
// replaced by a changed copy (others may share the old one).  NoMem.
Errno kern_setuid(thread* td, uid_t uid);

// setpgid(2): moves process pid (0: the caller) into group pgid (0: its
// own pid), making the group when pgid is the target's pid.  Inval for a
// negative pgid; Srch when pid is not the caller or a live descendant;
// Perm when the target is in another session or leads a session, or the
// group is in another session, or there is no such group and pgid is not
// the target's pid; Acces when the target is a child that has exec'd.
// NoMem.
Errno kern_setpgid(thread* td, pid_t pid, pid_t pgid);

// setsid(2): a new session and group led by the caller; returns its id.
// Perm when the caller leads a group (or a group has its pid).  NoMem.
Result<pid_t> kern_setsid(thread* td);

// getsid(2): the session id of process pid (0: the caller).  Srch when
// there is no such live process.
Result<pid_t> kern_getsid(thread* td, pid_t pid);
