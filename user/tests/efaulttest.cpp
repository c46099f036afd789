// Bad pointers to every system call that takes one give EFAULT, never a
// crash, a kernel read or write of its own memory, or a half-done call:
// NULL, the kernel's image and direct map, the first address above user
// space, a buffer running off the end of a mapping, and (for calls that
// write) read-only text.  The calls are made with raw ecalls so that no C
// library wrapper touches the pointer first; the errno is FreeBSD's.
#include "check.h"
#include "helpers.h"
#include "raw_syscall.h"

#include <abi/syscall.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace suite;

namespace {

constexpr const char* SELF = "/bin/efaulttest";
constexpr long PAGE = 4096;
constexpr int SIG_BLOCK_ = 1; // FreeBSD's SIG_BLOCK

// The last 2 bytes of a mapping whose next page is unmapped: anything
// longer than that there starts valid and runs into the hole.
long straddling()
{
    char* p = static_cast<char*>(
        mmap(nullptr, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0));
    if (p == MAP_FAILED) fail("mmap: %s", errno_name(errno));
    CHECK_OK(munmap(p + PAGE, PAGE));
    memset(p, 'a', PAGE); // no NUL anywhere: a path here runs into the hole
    return reinterpret_cast<long>(p + PAGE - 2);
}

// Pointers the kernel must refuse to read from.
struct BadPtrs {
    long ptrs[5];
    int n = 0;
};

BadPtrs unreadable()
{
    return BadPtrs{{0, KERNEL_IMAGE, KERNEL_DIRECT_MAP, ABOVE_USER, straddling()}, 5};
}

// Pointers the kernel must refuse to write to: the unreadable ones, and
// this program's own text, which is mapped read-only.
BadPtrs unwritable()
{
    return BadPtrs{{0, KERNEL_IMAGE, ABOVE_USER, straddling(),
                    reinterpret_cast<long>(&straddling)},
                   5};
}

#define FOR_EACH(set, p) for (const BadPtrs set_ = (set); const long p : set_.ptrs)

void read_into_bad_buffers()
{
    const int fd = open(SELF, O_RDONLY);
    CHECK(fd >= 0);
    Pipe pipe_;
    FOR_EACH(unwritable(), p) {
        CHECK_RAW_ERR(raw_syscall(SYS_read, fd, p, 16), Fault);
        CHECK_EQ(write(pipe_.w, "0123456789abcdef", 16), 16);
        CHECK_RAW_ERR(raw_syscall(SYS_read, pipe_.r, p, 16), Fault);
    }
    CHECK_OK(close(fd));
}

void write_from_bad_buffers()
{
    int fds[2];
    CHECK_OK(pipe2(fds, O_NONBLOCK));
    FOR_EACH(unreadable(), p) {
        CHECK_RAW_ERR(raw_syscall(SYS_write, 1, p, 16), Fault);
        if (p == 0 || p == KERNEL_IMAGE) {
            CHECK_RAW_ERR(raw_syscall(SYS_write, fds[1], p, 16), Fault);
            char c;
            CHECK_ERR(read(fds[0], &c, 1), EAGAIN); // nothing of it reached the pipe
        }
    }
    close(fds[0]);
    close(fds[1]);
}

void open_bad_paths()
{
    FOR_EACH(unreadable(), p) CHECK_RAW_ERR(raw_syscall(SYS_open, p, O_RDONLY), Fault);
}

void wait4_bad_status_and_rusage()
{
    FOR_EACH(unwritable(), p) {
        if (p == 0) continue; // a NULL status is "not wanted"
        const pid_t pid = spawn([] { return 0; });
        CHECK_RAW_ERR(raw_syscall(SYS_wait4, pid, p, 0, 0), Fault);
        // FreeBSD 8 copies the status out after reaping: the child is gone.
        CHECK_ERR(waitpid(pid, nullptr, WNOHANG), ECHILD);
    }
    const pid_t pid = spawn([] { return 0; });
    int status;
    CHECK_RAW_ERR(raw_syscall(SYS_wait4, pid, reinterpret_cast<long>(&status), 0, KERNEL_IMAGE),
                  Fault);
}

void execve_bad_pointers()
{
    const char* good_argv[] = {"efaulttest", nullptr};
    const long argv = reinterpret_cast<long>(good_argv);
    const long path = reinterpret_cast<long>(SELF);
    FOR_EACH(unreadable(), p) {
        CHECK_RAW_ERR(raw_syscall(SYS_execve, p, argv, 0), Fault);
        if (p != 0) { // a NULL argv or envp is allowed (an empty list)
            CHECK_RAW_ERR(raw_syscall(SYS_execve, path, p, 0), Fault);
            CHECK_RAW_ERR(raw_syscall(SYS_execve, path, argv, p), Fault);
        }
        const long bad_element[] = {reinterpret_cast<long>("efaulttest"), p, 0};
        if (p != 0) // a NULL element ends the list
            CHECK_RAW_ERR(raw_syscall(SYS_execve, path, reinterpret_cast<long>(bad_element), 0),
                          Fault);
    }
    CHECK_EQ(getpid() > 0, true); // still here, still this program
}

void pipe2_bad_array()
{
    const int next = dup(0);
    CHECK(next >= 0);
    CHECK_OK(close(next));
    FOR_EACH(unwritable(), p) CHECK_RAW_ERR(raw_syscall(SYS_pipe2, p, 0), Fault);
    const int after = dup(0);
    CHECK_EQ(after, next); // no descriptor left behind by the failed calls
    CHECK_OK(close(after));
}

void sigaction_bad_pointers()
{
    FOR_EACH(unreadable(), p) {
        if (p == 0) continue; // NULL act is "just ask"
        CHECK_RAW_ERR(raw_syscall(SYS_sigaction, SIGUSR1, p, 0), Fault);
        struct sigaction old;
        CHECK_OK(sigaction(SIGUSR1, nullptr, &old));
        CHECK(old.sa_handler == SIG_DFL); // nothing was installed
    }
    FOR_EACH(unwritable(), p) {
        if (p == 0) continue;
        CHECK_RAW_ERR(raw_syscall(SYS_sigaction, SIGUSR1, 0, p), Fault);
    }
}

void sigprocmask_and_sigpending_bad_pointers()
{
    FOR_EACH(unreadable(), p) {
        if (p == 0) continue;
        CHECK_RAW_ERR(raw_syscall(SYS_sigprocmask, SIG_BLOCK_, p, 0), Fault);
    }
    sigset_t mask;
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &mask));
    CHECK(!sigismember(&mask, SIGUSR1) && !sigismember(&mask, SIGTERM)); // nothing blocked
    FOR_EACH(unwritable(), p) {
        if (p == 0) continue;
        CHECK_RAW_ERR(raw_syscall(SYS_sigprocmask, SIG_BLOCK_, 0, p), Fault);
        CHECK_RAW_ERR(raw_syscall(SYS_sigpending, p), Fault);
    }
    CHECK_RAW_ERR(raw_syscall(SYS_sigpending, 0), Fault);
}

void sigreturn_bad_context()
{
    FOR_EACH(unreadable(), p) CHECK_RAW_ERR(raw_syscall(SYS_sigreturn, p), Fault);
}

void rlimit_bad_pointers()
{
    FOR_EACH(unwritable(), p) CHECK_RAW_ERR(raw_syscall(SYS_getrlimit, RLIMIT_NPROC, p), Fault);
    FOR_EACH(unreadable(), p) CHECK_RAW_ERR(raw_syscall(SYS_setrlimit, RLIMIT_NPROC, p), Fault);
}

void sysctl_bad_pointers()
{
    int mib[2] = {1, 6}; // kern.maxproc
    int value = 0;
    size_t len = sizeof value;
    const long m = reinterpret_cast<long>(mib), v = reinterpret_cast<long>(&value),
               l = reinterpret_cast<long>(&len);
    FOR_EACH(unreadable(), p) CHECK_RAW_ERR(raw_syscall(SYS___sysctl, p, 2, v, l, 0, 0), Fault);
    FOR_EACH(unwritable(), p) {
        if (p == 0) continue; // a NULL oldp asks for the size
        len = sizeof value;
        CHECK_RAW_ERR(raw_syscall(SYS___sysctl, m, 2, p, l, 0, 0), Fault);
        CHECK_RAW_ERR(raw_syscall(SYS___sysctl, m, 2, v, p, 0, 0), Fault);
    }
    int randompid[2] = {1, 0};
    size_t rlen = sizeof randompid;
    const int lookup[2] = {0, 3}; // name-to-OID: the kernel reads the name as "new"
    CHECK_OK(sysctl(lookup, 2, randompid, &rlen, "kern.randompid", strlen("kern.randompid")));
    FOR_EACH(unreadable(), p) {
        if (p == 0) continue;
        CHECK_RAW_ERR(raw_syscall(SYS___sysctl, reinterpret_cast<long>(randompid),
                                  static_cast<long>(rlen / sizeof(int)), 0, 0, p, sizeof(int)),
                      Fault);
        CHECK_RAW_ERR(raw_syscall(SYS___sysctl, reinterpret_cast<long>(lookup), 2, v, l, p, 8),
                      Fault);
    }
    CHECK_EQ(sysctl_num("kern.randompid"), 0); // unchanged
}

void nanosleep_bad_pointers()
{
    FOR_EACH(unreadable(), p) CHECK_RAW_ERR(raw_syscall(SYS_nanosleep, p, 0), Fault);
}

volatile int g_usr1;
void on_usr1(int) { g_usr1 = 1; }

// rmtp is written only when a signal cuts the sleep short; then a bad one
// is EFAULT (FreeBSD's sys_nanosleep copies it out after an EINTR).
void nanosleep_interrupted_bad_rmtp()
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1; // no SA_RESTART: the sleep ends with EINTR
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
    const pid_t me = getpid();
    const pid_t waker = spawn([&] {
        sleep_ms(100);
        return kill(me, SIGUSR1) == 0 ? 0 : 1;
    });
    const timespec ten_seconds = {10, 0};
    CHECK_RAW_ERR(raw_syscall(SYS_nanosleep, reinterpret_cast<long>(&ten_seconds), KERNEL_IMAGE),
                  Fault);
    CHECK_EQ(g_usr1, 1);
    check_child_ok(waker);
}

void ioctl_bad_pointers()
{
    check_child_ok(spawn([] {
        // The terminal calls get as far as the pointer only on our
        // controlling terminal.  Run from the shell, the console is that
        // already (init's session); booted as init there is none, so a new
        // session takes the console.
        pid_t fg = 0;
        const bool have_ctty = ioctl(0, TIOCGPGRP, &fg) == 0;
        if (!have_ctty) {
            CHECK_OK(setsid());
            CHECK_OK(ioctl(0, TIOCSCTTY, 0));
            fg = getpgrp();
        }
        FOR_EACH(unreadable(), p) CHECK_RAW_ERR(raw_syscall(SYS_ioctl, 0, TIOCSPGRP, p), Fault);
        FOR_EACH(unwritable(), p) CHECK_RAW_ERR(raw_syscall(SYS_ioctl, 0, TIOCGPGRP, p), Fault);
        pid_t pgrp = 0;
        CHECK_OK(ioctl(0, TIOCGPGRP, &pgrp));
        CHECK_EQ(pgrp, fg); // the failed calls changed nothing
        return 0;
    }));
}

// A child that does what must kill it, and the signal it must die of.
template <class F>
void dies_of(int sig, F f)
{
    const int status = wait_for(spawn([&] {
        f();
        return 0;
    }));
    if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
        fail("wait status %#x, wanted death by signal %d", status, sig);
}

void user_mode_cannot_touch_the_kernel()
{
    dies_of(SIGSEGV, [] { (void)*reinterpret_cast<volatile long*>(KERNEL_IMAGE); });
    dies_of(SIGSEGV, [] { *reinterpret_cast<volatile long*>(KERNEL_DIRECT_MAP) = 1; });
    dies_of(SIGSEGV, [] { reinterpret_cast<void (*)()>(KERNEL_IMAGE)(); });
    dies_of(SIGSEGV, [] { (void)*reinterpret_cast<volatile long*>(ABOVE_USER); });
    dies_of(SIGILL, [] {
        unsigned long v;
        asm volatile("csrr %0, sstatus" : "=r"(v)); // a supervisor register
    });
    dies_of(SIGILL, [] { asm volatile("sret"); });
    // And the kernel carries on: this process still forks and exits.
    check_child_ok(spawn([] { return 0; }));
}

void registers_preserved()
{
    // Every register but t0, a0 and a1 comes back as it was (FreeBSD/riscv).
    uint64_t out[14];
    asm volatile("li t1, 0x1111\n li t2, 0x2222\n li t3, 0x3333\n li t4, 0x4444\n"
                 "li t5, 0x5555\n li t6, 0x6666\n li a2, 0x7777\n li a3, 0x8888\n"
                 "li a4, 0x9999\n li a5, 0xaaaa\n li a6, 0xbbbb\n li a7, 0xcccc\n"
                 "li t0, %1\n ecall\n"
                 "sd t1, 0(%0)\n sd t2, 8(%0)\n sd t3, 16(%0)\n sd t4, 24(%0)\n"
                 "sd t5, 32(%0)\n sd t6, 40(%0)\n sd a2, 48(%0)\n sd a3, 56(%0)\n"
                 "sd a4, 64(%0)\n sd a5, 72(%0)\n sd a6, 80(%0)\n sd a7, 88(%0)\n"
                 "sd t0, 96(%0)\n sd a0, 104(%0)\n"
                 :
                 : "r"(out), "i"(SYS_getpid)
                 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2", "a3", "a4", "a5",
                   "a6", "a7", "memory");
    const uint64_t want[] = {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666,
                             0x7777, 0x8888, 0x9999, 0xaaaa, 0xbbbb, 0xcccc};
    for (int i = 0; i < 12; i++)
        if (out[i] != want[i]) fail("register %d came back %#lx, was %#lx", i, out[i], want[i]);
    CHECK_EQ(out[12], 0);                                // t0: no error
    CHECK_EQ(out[13], static_cast<uint64_t>(getpid())); // a0: the result
}

const Case cases[] = {
    {"read into bad buffers (file and pipe): EFAULT", read_into_bad_buffers},
    {"write from bad buffers: EFAULT, nothing written", write_from_bad_buffers},
    {"open with bad paths: EFAULT", open_bad_paths},
    {"wait4 with a bad status or rusage: EFAULT (the child is reaped)", wait4_bad_status_and_rusage},
    {"execve with a bad path, argv, argv element or envp: EFAULT", execve_bad_pointers},
    {"pipe2 with a bad array: EFAULT, no descriptors left", pipe2_bad_array},
    {"sigaction with a bad act or oact: EFAULT", sigaction_bad_pointers},
    {"sigprocmask and sigpending with bad sets: EFAULT", sigprocmask_and_sigpending_bad_pointers},
    {"sigreturn with a bad context: EFAULT", sigreturn_bad_context},
    {"getrlimit and setrlimit with bad pointers: EFAULT", rlimit_bad_pointers},
    {"__sysctl with a bad name, oldp, oldlenp or newp: EFAULT", sysctl_bad_pointers},
    {"nanosleep with a bad time: EFAULT", nanosleep_bad_pointers},
    {"nanosleep cut short by a signal with a bad rmtp: EFAULT", nanosleep_interrupted_bad_rmtp, 20},
    {"ioctl TIOCSPGRP and TIOCGPGRP with bad pointers: EFAULT", ioctl_bad_pointers},
    {"a system call preserves every register but t0, a0, a1", registers_preserved},
    {"user mode reading, writing or running kernel memory, or a privileged instruction, dies",
     user_mode_cannot_touch_the_kernel},
};

} // namespace

int main(int argc, char** argv) { return run("efaulttest", cases, argc, argv); }
