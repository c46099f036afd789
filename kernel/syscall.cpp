#include <kernel/syscall.h>

#include <abi/syscall.h>
#include <abi/wait.h>
#include <arch/frame.h>
#include <kernel/exec/execve.h>
#include <kernel/kern_sysctl.h>
#include <kernel/kern_time.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_fork.h>
#include <kernel/proc/kern_prot.h>
#include <kernel/proc/kern_resource.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/ucred.h>
#include <kernel/sched/sched.h>
#include <kernel/vm_mmap.h>
#include <lib/kassert.h>

namespace {

using Args = const uint64_t*;

Errno sys_exit(thread* td, Args a) { exit1(td, W_EXITCODE(static_cast<int>(a[0] & 0xff), 0)); }

// A call that cannot fail and returns one number.
Errno ret(thread* td, int64_t v)
{
    td->td_retval[0] = static_cast<uint64_t>(v);
    return Errno::Ok;
}

Errno sys_getpid(thread* td, Args) { return ret(td, td->td_proc->p_pid); }
Errno sys_getppid(thread* td, Args) { return ret(td, kern_getppid(td)); }
Errno sys_getuid(thread* td, Args) { return ret(td, td->td_ucred->cr_ruid); }
Errno sys_geteuid(thread* td, Args) { return ret(td, td->td_ucred->cr_uid); }
Errno sys_getgid(thread* td, Args) { return ret(td, td->td_ucred->cr_rgid); }
Errno sys_getegid(thread* td, Args) { return ret(td, td->td_ucred->cr_gid()); }
Errno sys_getpgrp(thread* td, Args) { return ret(td, kern_getpgrp(td)); }

Errno sys_sched_yield(thread*, Args)
{
    sched_yield();
    return Errno::Ok;
}

// A call returning a pid or an error.
Errno ret(thread* td, const Result<pid_t>& r) { return r.ok() ? ret(td, r.value()) : r.error(); }

Errno sys_setsid(thread* td, Args) { return ret(td, kern_setsid(td)); }
Errno sys_getsid(thread* td, Args a) { return ret(td, kern_getsid(td, static_cast<pid_t>(a[0]))); }
Errno sys_setuid(thread* td, Args a) { return kern_setuid(td, static_cast<uid_t>(a[0])); }

Errno sys_setpgid(thread* td, Args a)
{
    return kern_setpgid(td, static_cast<pid_t>(a[0]), static_cast<pid_t>(a[1]));
}

Errno sys_fork(thread* td, Args) { return ::sys_fork(td); }
Errno sys_vfork(thread* td, Args) { return ::sys_vfork(td); }
Errno sys_rfork(thread* td, Args a) { return ::sys_rfork(td, static_cast<int>(a[0])); }

Errno sys_wait4(thread* td, Args a)
{
    return user_wait4(td, static_cast<pid_t>(a[0]), a[1], static_cast<int>(a[2]), a[3]);
}

Errno sys_getrlimit(thread* td, Args a) { return user_getrlimit(td, static_cast<int>(a[0]), a[1]); }
Errno sys_setrlimit(thread* td, Args a) { return user_setrlimit(td, static_cast<int>(a[0]), a[1]); }
Errno sys_nanosleep(thread* td, Args a) { return user_nanosleep(td, a[0], a[1]); }

Errno sys___sysctl(thread* td, Args a)
{
    return user_sysctl(td, a[0], static_cast<unsigned>(a[1]), a[2], a[3], a[4], a[5]);
}

// The argument unpacking of each call (FreeBSD's sys_*); the work is
// in the kern_* functions.
Errno sys_break(thread* td, Args a) { return kern_break(td, a[0]); }

Errno sys_munmap(thread* td, Args a) { return kern_munmap(td, a[0], a[1]); }

Errno sys_mprotect(thread* td, Args a) { return kern_mprotect(td, a[0], a[1], static_cast<int>(a[2])); }

Errno sys_mmap(thread* td, Args a)
{
    return kern_mmap(td, a[0], a[1], static_cast<int>(a[2]), static_cast<int>(a[3]),
                     static_cast<int>(a[4]), static_cast<int64_t>(a[5]));
}

Errno sys_execve(thread* td, Args a) { return user_execve(td, a[0], a[1], a[2]); }

struct Sysent {
    int code;
    Errno (*fn)(thread*, Args);
};

constexpr Sysent sysent[] = {
    {SYS_exit, sys_exit},
    {SYS_fork, sys_fork},
    {SYS_wait4, sys_wait4},
    {SYS_break, sys_break},
    {SYS_getpid, sys_getpid},
    {SYS_setuid, sys_setuid},
    {SYS_getuid, sys_getuid},
    {SYS_geteuid, sys_geteuid},
    {SYS_getppid, sys_getppid},
    {SYS_getegid, sys_getegid},
    {SYS_getgid, sys_getgid},
    {SYS_execve, sys_execve},
    {SYS_vfork, sys_vfork},
    {SYS_munmap, sys_munmap},
    {SYS_mprotect, sys_mprotect},
    {SYS_getpgrp, sys_getpgrp},
    {SYS_setpgid, sys_setpgid},
    {SYS_setsid, sys_setsid},
    {SYS_getrlimit, sys_getrlimit},
    {SYS_setrlimit, sys_setrlimit},
    {SYS___sysctl, sys___sysctl},
    {SYS_nanosleep, sys_nanosleep},
    {SYS_rfork, sys_rfork},
    {SYS_getsid, sys_getsid},
    {SYS_sched_yield, sys_sched_yield},
    {SYS_mmap, sys_mmap},
};

} // namespace

void syscall(thread* td)
{
    KASSERT(td->td_frame, "syscall from thread %s without a user frame", td->td_name);
    arch::TrapFrame& tf = *td->td_frame;
    tf.sepc += 4;
    uint64_t args[8];
    for (unsigned i = 0; i < 8; i++) args[i] = tf.a(i);
    td->td_retval[0] = 0;
    td->td_retval[1] = tf.a(1);
    Errno e = Errno::NoSys;
    for (const Sysent& s : sysent)
        if (static_cast<uint64_t>(s.code) == tf.t0()) e = s.fn(td, args);
    if (e == Errno::JustReturn) return; // the call set the registers (exec)
    if (e == Errno::Restart) {          // made again after the signal handler
        tf.sepc -= 4;
        return;
    }
    if (e == Errno::Ok) {
        tf.a(0) = td->td_retval[0];
        tf.a(1) = td->td_retval[1];
        tf.t0() = 0;
    } else {
        tf.a(0) = static_cast<uint64_t>(e);
        tf.t0() = 1;
    }
}
