#include <kernel/syscall/syscall.h>

#include <abi/syscall.h>
#include <abi/wait.h>
#include <arch/syscall_machdep.h>
#include <kernel/exec/execve.h>
#include <kernel/fs/kern_descrip.h>
#include <kernel/fs/kern_event.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/sys_generic.h>
#include <kernel/fs/vfs_syscalls.h>
#include <kernel/sysctl/kern_sysctl.h>
#include <kernel/kern_time.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_fork.h>
#include <kernel/proc/kern_kill.h>
#include <kernel/proc/kern_procctl.h>
#include <kernel/proc/kern_prot.h>
#include <kernel/proc/kern_resource.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/sig_calls.h>
#include <kernel/proc/ucred.h>
#include <kernel/sched/sched.h>
#include <kernel/syscall/subr_syscall.h>
#include <kernel/syscall/sys_getters.h>
#include <kernel/vm/vm_mmap.h>
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
Errno sys_getrusage(thread* td, Args a) { return user_getrusage(td, static_cast<int>(a[0]), a[1]); }
Errno sys_setrlimit(thread* td, Args a) { return user_setrlimit(td, static_cast<int>(a[0]), a[1]); }
Errno sys_nanosleep(thread* td, Args a) { return user_nanosleep(td, a[0], a[1]); }
Errno sys_gettimeofday(thread*, Args a) { return user_gettimeofday(a[0], a[1]); }
Errno sys_clock_gettime(thread*, Args a) { return user_clock_gettime(static_cast<int>(a[0]), a[1]); }
Errno sys_clock_getres(thread*, Args a) { return user_clock_getres(static_cast<int>(a[0]), a[1]); }

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

Errno sys_kill(thread* td, Args a)
{
    const Result<void> r = kern_kill(td, static_cast<pid_t>(a[0]), static_cast<int>(a[1]));
    return r.ok() ? Errno::Ok : r.error();
}

Errno sys_sigprocmask(thread* td, Args a) { return user_sigprocmask(td, static_cast<int>(a[0]), a[1], a[2]); }

Errno sys_sigpending(thread* td, Args a) { return user_sigpending(td, a[0]); }

Errno sys_sigaction(thread* td, Args a) { return user_sigaction(td, static_cast<int>(a[0]), a[1], a[2]); }

Errno sys_sigaltstack(thread* td, Args a) { return user_sigaltstack(td, a[0], a[1]); }

Errno sys_sigreturn(thread* td, Args a) { return user_sigreturn(td, a[0]); }
// Descriptors are C ints: the low 32 bits, sign-extended (a negative one is EBADF).
int64_t fd_arg(uint64_t v) { return int32_t(v); }

Errno sys_read(thread* td, Args a) { return kern_read(td, fd_arg(a[0]), a[1], a[2]); }

Errno sys_write(thread* td, Args a) { return kern_write(td, fd_arg(a[0]), a[1], a[2]); }

Errno sys_open(thread* td, Args a) { return user_open(td, a[0], int(a[1]), int(a[2])); }

Errno sys_close(thread* td, Args a) { return kern_close(td, fd_arg(a[0])); }

Errno sys_dup(thread* td, Args a) { return kern_dup(td, fd_arg(a[0])); }

// FreeBSD 8's pipe(): both descriptors returned in a0 and a1.
Errno sys_pipe(thread* td, Args)
{
    int fildes[2];
    if (const Errno e = kern_pipe(td, fildes, 0); e != Errno::Ok) return e;
    td->td_retval[0] = uint64_t(fildes[0]);
    td->td_retval[1] = uint64_t(fildes[1]);
    return Errno::Ok;
}

Errno sys_ioctl(thread* td, Args a) { return kern_ioctl(td, fd_arg(a[0]), a[1], a[2]); }

Errno sys_dup2(thread* td, Args a) { return kern_dup2(td, fd_arg(a[0]), fd_arg(a[1])); }

Errno sys_lseek(thread* td, Args a) { return kern_lseek(td, fd_arg(a[0]), int64_t(a[1]), int(a[2])); }

Errno sys_pipe2(thread* td, Args a) { return kern_pipe2(td, a[0], int(a[1])); }

Errno sys_unlink(thread* td, Args a) { return user_unlink(td, a[0]); }
Errno sys_rename(thread* td, Args a) { return user_rename(td, a[0], a[1]); }
Errno sys_mkdir(thread* td, Args a) { return user_mkdir(td, a[0], int(a[1])); }
Errno sys_rmdir(thread* td, Args a) { return user_rmdir(td, a[0]); }
Errno sys_fstat(thread* td, Args a) { return user_fstat(td, fd_arg(a[0]), a[1]); }
Errno sys_fstatat(thread* td, Args a) { return user_fstatat(td, fd_arg(a[0]), a[1], a[2], int(a[3])); }
Errno sys_getdirentries(thread* td, Args a) { return user_getdirentries(td, fd_arg(a[0]), a[1], a[2], a[3]); }
Errno sys_kqueue(thread* td, Args) { return kern_kqueue(td); }
Errno sys_kevent(thread* td, Args a)
{
    // The counts are C ints: a negative one is EINVAL, not a huge one.
    return kern_kevent(td, int(fd_arg(a[0])), a[1], int64_t(int32_t(a[2])), a[3],
                       int64_t(int32_t(a[4])), a[5]);
}
Errno sys_ktrace(thread* td, Args a)
{
    return user_ktrace(td, a[0], int(a[1]), int(a[2]), static_cast<pid_t>(a[3]));
}
Errno sys_procctl(thread* td, Args a)
{
    return user_procctl(td, int(a[0]), static_cast<int64_t>(a[1]), int(a[2]), a[3]);
}

struct Sysent {
    int code;
    Errno (*fn)(thread*, Args);
    uint32_t flags = 0;
};

constexpr Sysent sysent_list[] = {
    {SYS_exit, sys_exit},
    {SYS_fork, sys_fork, SYF_FULLFRAME},
    {SYS_read, sys_read},
    {SYS_write, sys_write},
    {SYS_open, sys_open},
    {SYS_close, sys_close},
    {SYS_wait4, sys_wait4},
    {SYS_break, sys_break},
    {SYS_getpid, sys_getpid},
    {SYS_setuid, sys_setuid},
    {SYS_getuid, sys_getuid},
    {SYS_geteuid, sys_geteuid},
    {SYS_kill, sys_kill},
    {SYS_getppid, sys_getppid},
    {SYS_dup, sys_dup},
    {SYS_pipe, sys_pipe},
    {SYS_getegid, sys_getegid},
    {SYS_ktrace, sys_ktrace},
    {SYS_getgid, sys_getgid},
    {SYS_sigaltstack, sys_sigaltstack},
    {SYS_ioctl, sys_ioctl},
    {SYS_execve, sys_execve, SYF_FULLFRAME},
    {SYS_vfork, sys_vfork, SYF_FULLFRAME},
    {SYS_munmap, sys_munmap},
    {SYS_mprotect, sys_mprotect},
    {SYS_getpgrp, sys_getpgrp},
    {SYS_setpgid, sys_setpgid},
    {SYS_dup2, sys_dup2},
    {SYS_setsid, sys_setsid},
    {SYS_gettimeofday, sys_gettimeofday},
    {SYS_getrusage, sys_getrusage},
    {SYS_getrlimit, sys_getrlimit},
    {SYS_setrlimit, sys_setrlimit},
    {SYS___sysctl, sys___sysctl},
    {SYS_clock_gettime, sys_clock_gettime},
    {SYS_clock_getres, sys_clock_getres},
    {SYS_nanosleep, sys_nanosleep},
    {SYS_rfork, sys_rfork, SYF_FULLFRAME},
    {SYS_getsid, sys_getsid},
    {SYS_sched_yield, sys_sched_yield},
    {SYS_sigprocmask, sys_sigprocmask},
    {SYS_sigpending, sys_sigpending},
    {SYS_sigaction, sys_sigaction},
    {SYS_sigreturn, sys_sigreturn, SYF_FULLFRAME},
    {SYS_mmap, sys_mmap},
    {SYS_lseek, sys_lseek},
    {SYS_pipe2, sys_pipe2},
    {SYS_procctl, sys_procctl},
    {SYS_unlink, sys_unlink},
    {SYS_rename, sys_rename},
    {SYS_mkdir, sys_mkdir},
    {SYS_rmdir, sys_rmdir},
    {SYS_fstat, sys_fstat},
    {SYS_fstatat, sys_fstatat},
    {SYS_getdirentries, sys_getdirentries},
    {SYS_kqueue, sys_kqueue},
    {SYS_kevent, sys_kevent},
};

Errno sys_nosys(thread*, Args) { return Errno::NoSys; }

// The handlers indexed by number, as FreeBSD's sysent is: one load per
// call instead of a search.  Built at compile time from the list above;
// a number given twice does not compile.
constexpr int max_code()
{
    int m = 0;
    for (const Sysent& s : sysent_list) m = s.code > m ? s.code : m;
    return m;
}
static_assert(max_code() + 1 == SYS_MAXSYSCALL, "abi/syscall.h's SYS_MAXSYSCALL: the highest number + 1");

struct SysentTable {
    sysent e[SYS_MAXSYSCALL];
};

void duplicate_system_call_number() {} // not constexpr: reaching it stops the build

constexpr SysentTable make_sysent_table()
{
    SysentTable t{};
    for (sysent& e : t.e) e.sy_call = sys_nosys;
    for (const Sysent& s : sysent_list) {
        if (t.e[s.code].sy_call != sys_nosys) duplicate_system_call_number();
        t.e[s.code] = {s.fn, s.flags};
    }
    return t;
}

constexpr SysentTable table = make_sysent_table();

} // namespace

const sysent* const sysent_table = table.e;
const unsigned sysent_size = SYS_MAXSYSCALL;
const sysent sysent_nosys = {sys_nosys};

Errno syscall(thread* td) { return syscallenter(td); }
