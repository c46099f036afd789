// Invalid arguments give FreeBSD's errno for each call (as the runtime
// translates it into the C library's names: compared here as EINVAL,
// EBADF ...), and the call changes nothing.
#include "check.h"
#include "helpers.h"
#include "raw_syscall.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace suite;

extern char** environ;

namespace {

constexpr const char* SELF = "/bin/errnotest";
// Files the suite's make fragment puts in the initrd for exec to refuse.
constexpr const char* NOT_ELF = "/etc/suite/not-elf";
constexpr const char* TRUNCATED_ELF = "/etc/suite/truncated-elf";
// A real program with mode 0644: exec must refuse it before its format.
constexpr const char* NOT_EXECUTABLE = "/etc/suite/not-executable";
constexpr int UNPRIVILEGED_UID = 1000;

void become_unprivileged()
{
    CHECK_OK(setuid(UNPRIVILEGED_UID));
    CHECK_EQ(getuid(), UNPRIVILEGED_UID);
    CHECK_EQ(geteuid(), UNPRIVILEGED_UID);
}

void bad_descriptors_ebadf()
{
    char c;
    const int bad[] = {-1, 63, 1000, INT_MAX};
    for (int fd : bad) {
        CHECK_ERR(read(fd, &c, 1), EBADF);
        CHECK_ERR(write(fd, &c, 1), EBADF);
        CHECK_ERR(close(fd), EBADF);
        CHECK_ERR(dup(fd), EBADF);
        CHECK_ERR(dup2(fd, 20), EBADF);
        CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
        CHECK_ERR(ioctl(fd, TIOCGPGRP, &c), EBADF);
    }
    CHECK_ERR(dup2(1, -1), EBADF);
    CHECK_ERR(dup2(1, INT_MAX), EBADF);
    CHECK(!fd_is_open(20));
    CHECK_EQ(dup2(1, 1), 1); // to itself: nothing to do
}

void wrong_access_mode_ebadf()
{
    const int fd = open(SELF, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    Pipe p;
    char c;
    CHECK_ERR(write(p.r, "x", 1), EBADF);
    CHECK_ERR(read(p.w, &c, 1), EBADF);
    CHECK_OK(close(fd));
}

void lseek_errors()
{
    const int fd = open(SELF, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(lseek(fd, 0, 42), EINVAL);
    CHECK_ERR(lseek(fd, -10, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, -1000000, SEEK_CUR), EINVAL);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0); // unchanged by the failures
    Pipe p;
    CHECK_ERR(lseek(p.r, 0, SEEK_CUR), ESPIPE);
    CHECK_OK(close(fd));
}

void open_errors()
{
    CHECK_ERR(open("/bin/no-such-program", O_RDONLY), ENOENT);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    CHECK_ERR(open(SELF, O_WRONLY), EROFS);
    CHECK_ERR(open(SELF, O_RDWR), EROFS);
    static char longpath[2000];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    CHECK_ERR(open(longpath, O_RDONLY), ENAMETOOLONG);
}

void pipe2_bad_flags()
{
    int fds[2] = {-1, -1};
    CHECK_ERR(pipe2(fds, O_APPEND), EINVAL);
    CHECK_ERR(pipe2(fds, 0x40000000), EINVAL);
    CHECK_EQ(fds[0], -1);
    CHECK_OK(pipe2(fds, O_CLOEXEC | O_NONBLOCK));
    CHECK_OK(close(fds[0]));
    CHECK_OK(close(fds[1]));
}

void execve_errors()
{
    char* const args[] = {const_cast<char*>("x"), nullptr};
    CHECK_ERR(execve("/bin/no-such-program", args, environ), ENOENT);
    CHECK_ERR(execve(NOT_ELF, args, environ), ENOEXEC);
    CHECK_ERR(execve(TRUNCATED_ELF, args, environ), ENOEXEC);
    CHECK_EQ(getpid() > 0, true); // and the caller carries on
}

void execve_not_executable_eacces()
{
    char* const args[] = {const_cast<char*>("x"), nullptr};
    CHECK_ERR(execve(NOT_EXECUTABLE, args, environ), EACCES); // root: no execute bit at all
    CHECK_ERR(execve("/etc/suite", args, environ), EACCES);   // a directory
    check_child_ok(spawn([args] {
        become_unprivileged();
        CHECK_ERR(execve(NOT_EXECUTABLE, args, environ), EACCES);
        return 0;
    }));
}

void wait4_int_min_echild()
{
    const pid_t pid = spawn([] { return 0; });
    int status;
    // -INT_MIN is no process group; the child is not taken.
    CHECK_ERR(waitpid(INT_MIN, &status, 0), ECHILD);
    CHECK_ERR(waitpid(INT_MIN, &status, WNOHANG), ECHILD);
    CHECK_EQ(exit_code_of(pid), 0);
}

void munmap_mprotect_huge_length_einval()
{
    char* p = static_cast<char*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0));
    CHECK(p != MAP_FAILED);
    p[0] = 1;
    // From inside the page, lengths that round to exactly that page if
    // the range check wraps at 2^64.
    const size_t lens[] = {SIZE_MAX, SIZE_MAX - 4094, SIZE_MAX - 4095,
                           SIZE_MAX - reinterpret_cast<uintptr_t>(p) + 1};
    char* const starts[] = {p, p + 100, p + 4095};
    for (size_t len : lens) {
        for (char* at : starts) {
            CHECK_ERR(munmap(at, len), EINVAL);
            CHECK_ERR(mprotect(at, len, PROT_READ), EINVAL);
        }
    }
    p[0] = 2; // still mapped, still writable
    CHECK_OK(munmap(p, 4096));
}

void wait4_errors()
{
    int status;
    CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
    const pid_t pid = spawn([] { return 0; });
    CHECK_ERR(waitpid(pid, &status, 0x1000), EINVAL);
    CHECK_ERR(wait4(pid, &status, -1, nullptr), EINVAL);
    CHECK_EQ(exit_code_of(pid), 0); // still there to be reaped
    CHECK_ERR(waitpid(pid, &status, 0), ECHILD);
}

void kill_errors()
{
    CHECK_ERR(kill(getpid(), -1), EINVAL);
    CHECK_ERR(kill(getpid(), 129), EINVAL);
    CHECK_ERR(kill(99999, 0), ESRCH);
    CHECK_ERR(kill(-99999, SIGTERM), ESRCH); // no such group
    CHECK_OK(kill(getpid(), 0));              // signal 0 checks only
}

void kill_other_users_eperm()
{
    const pid_t root_child = spawn([] {
        for (;;) sleep_ms(1000); // until killed
        return 0;
    });
    check_child_ok(spawn([&] {
        become_unprivileged();
        CHECK_ERR(kill(1, 0), EPERM);             // init (signal 0: were it let through, nothing happens)
        CHECK_ERR(kill(root_child, SIGKILL), EPERM);
        CHECK_ERR(kill(root_child, 0), EPERM);
        CHECK_OK(kill(getpid(), 0));              // its own
        return 0;
    }));
    CHECK_OK(kill(root_child, 0)); // still alive
    CHECK_OK(kill(root_child, SIGKILL));
    CHECK_EQ(WTERMSIG(wait_for(root_child)), SIGKILL);
}

void sigaction_errors()
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    CHECK_ERR(sigaction(SIGKILL, &sa, nullptr), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, nullptr), EINVAL);
    CHECK_ERR(sigaction(0, &sa, nullptr), EINVAL);
    CHECK_ERR(sigaction(-1, &sa, nullptr), EINVAL);
    CHECK_ERR(sigaction(129, &sa, nullptr), EINVAL);
    struct sigaction old;
    CHECK_OK(sigaction(SIGKILL, nullptr, &old)); // asking is allowed
    CHECK(old.sa_handler == SIG_DFL);
}

void sigprocmask_errors()
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_ERR(sigprocmask(42, &set, nullptr), EINVAL);
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &old));
    CHECK(!sigismember(&old, SIGUSR1)); // the bad call blocked nothing
    sigfillset(&set);
    CHECK_OK(sigprocmask(SIG_SETMASK, &set, nullptr));
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &old));
    CHECK(!sigismember(&old, SIGKILL)); // never blocked
    CHECK(!sigismember(&old, SIGSTOP));
}

void rlimit_errors()
{
    rlimit rl;
    CHECK_ERR(getrlimit(RLIM_NLIMITS, &rl), EINVAL);
    CHECK_ERR(getrlimit(-1, &rl), EINVAL);
    CHECK_OK(getrlimit(RLIMIT_NPROC, &rl));
    rlimit bad = {rl.rlim_max, rl.rlim_max - 1};
    CHECK_ERR(setrlimit(RLIMIT_NPROC, &bad), EINVAL); // soft above hard
    CHECK_ERR(setrlimit(RLIM_NLIMITS, &rl), EINVAL);
    rlimit now;
    CHECK_OK(getrlimit(RLIMIT_NPROC, &now));
    CHECK_EQ(now.rlim_cur, rl.rlim_cur);
    check_child_ok(spawn([] {
        rlimit lower = {5, 10};
        CHECK_OK(setrlimit(RLIMIT_NPROC, &lower));
        become_unprivileged();
        rlimit raise = {5, 11};
        CHECK_ERR(setrlimit(RLIMIT_NPROC, &raise), EPERM); // a hard limit goes down only
        return 0;
    }));
}

void setuid_errors()
{
    check_child_ok(spawn([] {
        become_unprivileged();
        CHECK_ERR(setuid(0), EPERM);
        CHECK_ERR(setuid(UNPRIVILEGED_UID + 1), EPERM);
        CHECK_OK(setuid(UNPRIVILEGED_UID)); // its own uid is allowed
        CHECK_EQ(getuid(), UNPRIVILEGED_UID);
        return 0;
    }));
}

void process_group_errors()
{
    CHECK_ERR(setpgid(0, -1), EINVAL);
    CHECK_ERR(setpgid(99999, 0), ESRCH);
    CHECK_EQ(getpgrp(), getpid()); // the runner made this case a group leader
    CHECK_ERR(setsid(), EPERM);    // so it cannot make a session
    CHECK_ERR(getsid(99999), ESRCH);
    CHECK_ERR(setpgid(1, 1), ESRCH); // not a child of the caller
}

void nanosleep_errors()
{
    timespec bad = {0, 1000000000};
    CHECK_ERR(nanosleep(&bad, nullptr), EINVAL);
    bad = {0, -1};
    CHECK_ERR(nanosleep(&bad, nullptr), EINVAL);
    timespec zero = {0, 0};
    CHECK_OK(nanosleep(&zero, nullptr));
}

void sysctl_errors()
{
    int v = 0;
    size_t len = sizeof v;
    CHECK_ERR(sysctlbyname("kern.no-such-node", &v, &len, nullptr, 0), ENOENT);
    const int maxproc = static_cast<int>(sysctl_num("kern.maxproc"));
    int newv = 5;
    CHECK_ERR(sysctlbyname("kern.maxproc", nullptr, nullptr, &newv, sizeof newv), EPERM);
    char small[2];
    len = sizeof small;
    CHECK_ERR(sysctlbyname("kern.maxproc", small, &len, nullptr, 0), ENOMEM);
    len = 0;
    CHECK_OK(sysctlbyname("kern.maxproc", nullptr, &len, nullptr, 0)); // the size, asked for
    CHECK_EQ(len, sizeof(int));
    CHECK_EQ(sysctl_num("kern.maxproc"), maxproc);
    check_child_ok(spawn([] {
        become_unprivileged();
        int one = 1;
        CHECK_ERR(sysctlbyname("kern.randompid", nullptr, nullptr, &one, sizeof one), EPERM);
        return 0;
    }));
    CHECK_EQ(sysctl_num("kern.randompid"), 0);
}

void mmap_errors()
{
    CHECK(mmap(nullptr, 0, PROT_READ, MAP_ANON | MAP_PRIVATE, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mmap(reinterpret_cast<void*>(0x20000001), 4096, PROT_READ,
               MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    char* p = static_cast<char*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0));
    CHECK(p != MAP_FAILED);
    CHECK_ERR(munmap(p, 0), EINVAL);
    // Beyond user space (FreeBSD rounds an unaligned address instead).
    CHECK_ERR(munmap(reinterpret_cast<void*>(ABOVE_USER), 4096), EINVAL);
    CHECK_ERR(munmap(reinterpret_cast<void*>(KERNEL_IMAGE), 4096), EINVAL);
    p[0] = 1; // still mapped, still writable
    CHECK_OK(munmap(p, 4096));
}

void ioctl_errors()
{
    Pipe p;
    pid_t pgrp;
    CHECK_ERR(ioctl(p.r, TIOCGPGRP, &pgrp), ENOTTY);
    const int fd = open(SELF, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(ioctl(fd, TIOCGPGRP, &pgrp), ENOTTY);
    CHECK_OK(close(fd));
}

void unknown_syscall_enosys()
{
    signal(SIGSYS, SIG_IGN); // FreeBSD also posts SIGSYS; the errno is what is tested
    CHECK_RAW_ERR(raw_syscall(9999), NoSys);
    CHECK_RAW_ERR(raw_syscall(0x7fffffff), NoSys);
    CHECK_RAW_ERR(raw_syscall(-1), NoSys);
}

const Case cases[] = {
    {"bad descriptors: EBADF for read, write, close, dup, dup2, lseek, ioctl", bad_descriptors_ebadf},
    {"reading a write end, writing a read end or read-only file: EBADF", wrong_access_mode_ebadf},
    {"lseek: EINVAL for a bad whence or a negative offset, ESPIPE on a pipe", lseek_errors},
    {"open: ENOENT, EROFS for writing, ENAMETOOLONG", open_errors},
    {"pipe2: EINVAL for flags other than O_CLOEXEC and O_NONBLOCK", pipe2_bad_flags},
    {"execve: ENOENT, ENOEXEC for a text file and a truncated ELF", execve_errors},
    {"execve: EACCES for a file without execute permission, root included, and a directory", execve_not_executable_eacces},
    {"wait4: ECHILD, EINVAL for bad options", wait4_errors},
    {"wait4(INT_MIN): ECHILD, the child is not reaped", wait4_int_min_echild},
    {"munmap and mprotect: EINVAL for a length within a page of 2^64", munmap_mprotect_huge_length_einval},
    {"kill: EINVAL for a bad signal, ESRCH for no such process or group", kill_errors},
    {"kill: EPERM for another user's processes", kill_other_users_eperm},
    {"sigaction: EINVAL for SIGKILL, SIGSTOP and out-of-range signals", sigaction_errors},
    {"sigprocmask: EINVAL for a bad how; SIGKILL and SIGSTOP never blocked", sigprocmask_errors},
    {"getrlimit/setrlimit: EINVAL, EPERM raising a hard limit", rlimit_errors},
    {"setuid: EPERM for another uid once unprivileged", setuid_errors},
    {"setpgid, setsid, getsid: EINVAL, ESRCH, EPERM", process_group_errors},
    {"nanosleep: EINVAL for tv_nsec out of range", nanosleep_errors},
    {"sysctl: ENOENT, EPERM, ENOMEM for a short buffer", sysctl_errors},
    {"mmap and munmap: EINVAL for no length, a misaligned MAP_FIXED, kernel addresses", mmap_errors},
    {"ioctl on a pipe or a file: ENOTTY", ioctl_errors},
    {"an unknown system call number: ENOSYS", unknown_syscall_enosys},
};

} // namespace

int main(int argc, char** argv) { return run("errnotest", cases, argc, argv); }
