// Process calls: fork and rfork, wait, ids, process groups and sessions,
// setuid, _exit.  vfork and rfork_thread are in fork_asm.cpp.
#include <abi/syscall.h>
#include <sys/procctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stdio_fd.h"
#include "syscall.h"

using sprig::reg;
using sprig::syscall;

extern "C" {

// Output still buffered would otherwise be printed by both processes.
pid_t fork(void)
{
    sprig::stdio_flush_all();
    return static_cast<pid_t>(syscall(SYS_fork));
}

pid_t rfork(int flags)
{
    sprig::stdio_flush_all();
    return static_cast<pid_t>(syscall(SYS_rfork, flags));
}

int procctl(idtype_t idtype, int64_t id, int cmd, void* data)
{
    return static_cast<int>(syscall(SYS_procctl, idtype, id, cmd, reg(data)));
}

pid_t wait4(pid_t pid, int* status, int options, struct rusage* rusage)
{
    return static_cast<pid_t>(syscall(SYS_wait4, pid, reg(status), options, reg(rusage)));
}

pid_t waitpid(pid_t pid, int* status, int options) { return wait4(pid, status, options, nullptr); }

pid_t wait(int* status) { return wait4(WAIT_ANY, status, 0, nullptr); }

void _exit(int status)
{
    sprig::raw_syscall(SYS_exit, status);
    for (;;) {
    }
}

pid_t getpid(void) { return static_cast<pid_t>(syscall(SYS_getpid)); }
pid_t getppid(void) { return static_cast<pid_t>(syscall(SYS_getppid)); }
uid_t getuid(void) { return static_cast<uid_t>(syscall(SYS_getuid)); }
uid_t geteuid(void) { return static_cast<uid_t>(syscall(SYS_geteuid)); }
gid_t getgid(void) { return static_cast<gid_t>(syscall(SYS_getgid)); }
gid_t getegid(void) { return static_cast<gid_t>(syscall(SYS_getegid)); }
int setuid(uid_t uid) { return static_cast<int>(syscall(SYS_setuid, uid)); }

pid_t getpgrp(void) { return static_cast<pid_t>(syscall(SYS_getpgrp)); }
int setpgid(pid_t pid, pid_t pgid) { return static_cast<int>(syscall(SYS_setpgid, pid, pgid)); }
pid_t setsid(void) { return static_cast<pid_t>(syscall(SYS_setsid)); }
pid_t getsid(pid_t pid) { return static_cast<pid_t>(syscall(SYS_getsid, pid)); }

} // extern "C"
