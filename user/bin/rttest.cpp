// rttest: the user runtime's own guest test (docs/userland.md).  Each
// case prints one line, "rttest: <case> ok" or "... FAIL: why", and the
// last line is "N passed, N failed"; the exit status is the failures.
// Run it as the first program: make run APPEND="init=/bin/rttest".
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <abi/errno.h>
#include <sprig/counters.h>
#include <user/lib/syscall.h>

namespace {

int passed = 0, failed = 0;

void result(const char* name, const char* why)
{
    if (why) {
        printf("rttest: %-44s FAIL: %s\n", name, why);
        failed++;
    } else {
        printf("rttest: %-44s ok\n", name);
        passed++;
    }
}

// The exit status of a child, or -1; a killing signal as 1000 + sig.
int status_of(pid_t pid)
{
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

// Runs fn in a child whose stdout is a pipe; returns what it printed.
template <typename Fn> int captured(Fn fn, char* out, size_t size)
{
    int fds[2];
    if (pipe(fds) < 0) return -1;
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        fn();
        exit(0);
    }
    close(fds[1]);
    size_t n = 0;
    for (ssize_t r; n + 1 < size && (r = read(fds[0], out + n, size - 1 - n)) > 0;) n += static_cast<size_t>(r);
    out[n] = '\0';
    close(fds[0]);
    return status_of(pid);
}

int constructed = 0;
struct Constructed {
    Constructed() { constructed = 1234; }
} constructed_object;

const char* start_up(int argc, char** argv, char** envp)
{
    if (constructed != 1234) return "a static constructor did not run";
    if (argc < 1 || !argv[0] || argv[argc] != nullptr) return "argv is not argc long and null-terminated";
    if (envp != environ) return "envp and environ differ";
    return nullptr;
}

const char* errno_translated()
{
    const sprig::SysResult r = sprig::raw_syscall(999);
    if (r.err != static_cast<int>(Errno::NoSys)) return "an unknown call did not fail with FreeBSD's ENOSYS";
    errno = 0;
    if (__sprig_syscall_error(r.err) != -1 || errno != ENOSYS) return "ENOSYS not translated to picolibc's";
    if (execve("/bin/does-not-exist", nullptr, nullptr) != -1 || errno != ENOENT)
        return "execve of a missing file: not ENOENT";
    return nullptr;
}

const char* heap()
{
    void* before = sbrk(0);
    char* big = static_cast<char*>(malloc(1 << 20));
    if (!big) return "malloc(1 MiB) failed";
    memset(big, 0xa5, 1 << 20);
    if (sbrk(0) <= before) return "the break did not grow";
    for (int i = 0; i < 1000; i++) free(malloc(static_cast<size_t>(i) * 37 + 1));
    free(big);
    char* top = static_cast<char*>(sbrk(0));
    if (sbrk(4096) != top || static_cast<char*>(sbrk(0)) != top + 4096) return "sbrk(4096) misplaced";
    top[4095] = 1;
    if (sbrk(-4096) != top + 4096 || sbrk(0) != top) return "sbrk(-4096) did not shrink";
    return nullptr;
}

const char* stdio_lines()
{
    char out[64];
    const int st = captured([] { printf("one %d\n", 1); printf("no newline"); }, out, sizeof(out));
    if (st != 0) return "the child failed";
    if (strcmp(out, "one 1\nno newline") != 0) return "output lost or changed (the flush at exit?)";
    return nullptr;
}

// Lines are one write each, stderr's too, up to 512 bytes: a child that
// dies by SIGKILL after half a line on stderr and 500 bytes without a
// newline on stdout has written neither (an unbuffered stderr or a
// smaller buffer would have).
const char* stdio_whole_lines()
{
    char out[1200];
    const int st = captured(
        [] {
            dup2(STDOUT_FILENO, STDERR_FILENO);
            fputs("first line\n", stderr);
            fputs("half", stderr);
            for (int i = 0; i < 500; i++) putchar('x');
            kill(getpid(), SIGKILL);
        },
        out, sizeof(out));
    if (st != 1000 + SIGKILL) return "the child was not killed";
    if (strcmp(out, "first line\n") != 0) return "a half line was written before its newline";
    return nullptr;
}

const char* fork_flushes()
{
    char out[64];
    captured(
        [] {
            printf("once");
            const pid_t pid = fork();
            if (pid == 0) exit(0);
            status_of(pid);
        },
        out, sizeof(out));
    return strcmp(out, "once") == 0 ? nullptr : "buffered output printed twice or lost across fork";
}

const char* atexit_runs()
{
    char out[16];
    captured([] { atexit([] { printf("A"); }); }, out, sizeof(out));
    return strcmp(out, "A") == 0 ? nullptr : "the atexit handler did not run at exit";
}

volatile sig_atomic_t caught = 0;
void on_signal(int sig) { caught = sig; }

const char* signal_handlers()
{
    if (signal(SIGUSR1, on_signal) == SIG_ERR) return "signal() failed";
    struct sigaction sa;
    if (sigaction(SIGUSR1, nullptr, &sa) < 0 || sa.sa_handler != on_signal) return "sigaction disagrees";
    if (!(sa.sa_flags & SA_RESTART)) return "signal() did not set SA_RESTART";
    caught = 0;
    raise(SIGUSR1);
    if (caught != SIGUSR1) return "raise(SIGUSR1) did not run the handler";
    signal(SIGUSR1, SIG_DFL);
    return nullptr;
}

const char* masks()
{
    signal(SIGUSR2, on_signal);
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    caught = 0;
    if (sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return "sigprocmask failed";
    raise(SIGUSR2);
    if (caught) return "a blocked signal was delivered";
    if (sigpending(&pending) < 0 || sigismember(&pending, SIGUSR2) != 1) return "not pending";
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    signal(SIGUSR2, SIG_DFL);
    if (caught != SIGUSR2) return "not delivered once unblocked";
    if (sigaddset(&set, 0) != -1 || errno != EINVAL) return "sigaddset(0) did not give EINVAL";
    return nullptr;
}

const char* abort_kills()
{
    const pid_t pid = fork();
    if (pid == 0) {
        signal(SIGABRT, [](int) {}); // a handler that returns cannot stop abort
        abort();
    }
    return status_of(pid) == 1000 + SIGABRT ? nullptr : "abort() did not end the child by SIGABRT";
}

volatile int vfork_value = 0;

// A frame with locals around the call: vfork must leave them intact.
const char* vfork_leaf()
{
    volatile int guard1 = 0x1234, guard2 = 0x5678;
    const pid_t pid = vfork();
    if (pid == 0) {
        vfork_value = 77;
        _exit(3);
    }
    if (pid < 0) return "vfork failed";
    if (vfork_value != 77) return "the child's write is not visible";
    if (guard1 != 0x1234 || guard2 != 0x5678) return "the parent's frame was damaged";
    return status_of(pid) == 3 ? nullptr : "the child's exit status was lost";
}

int thread_errno = 0;
alignas(16) char stack_space[16384];

int thread_fn(void* arg)
{
    errno = 0;
    close(-1); // EBADF, in the child's own errno
    thread_errno = errno;
    return *static_cast<int*>(arg) + 1;
}

const char* rfork_thread_runs()
{
    int arg = 40;
    errno = 1234;
    const pid_t pid = rfork_thread(RFPROC | RFMEM, stack_space + sizeof(stack_space), thread_fn, &arg);
    if (pid < 0) return "rfork_thread failed";
    if (errno != 1234) return "the child's errno is the parent's (no TLS block of its own)";
    if (status_of(pid) != 41) return "fn's result is not the exit status";
    if (thread_errno != EBADF) return "close(-1) in the child did not give EBADF";
    if (rfork_thread(RFMEM, stack_space + sizeof(stack_space), thread_fn, &arg) != -1 || errno != EINVAL)
        return "without RFPROC: not EINVAL";
    return nullptr;
}

const char* exec_path_search()
{
    const pid_t pid = fork();
    if (pid == 0) {
        char* const argv[] = {const_cast<char*>("true"), nullptr};
        execvp("true", argv);
        _exit(100);
    }
    if (status_of(pid) != 0) return "execvp(\"true\") did not find /bin/true";
    char* const argv[] = {const_cast<char*>("no-such-program"), nullptr};
    if (execvp("no-such-program", argv) != -1 || errno != ENOENT) return "a missing program: not ENOENT";
    return nullptr;
}

const char* pipes()
{
    int fds[2];
    if (pipe(fds) < 0) return "pipe failed";
    if (fds[0] == fds[1] || fds[0] < 0 || fds[1] < 0) return "pipe's two descriptors are wrong";
    if (write(fds[1], "ab", 2) != 2) return "write failed";
    char buf[2];
    if (read(fds[0], buf, 2) != 2 || buf[0] != 'a' || buf[1] != 'b') return "read failed";
    close(fds[0]);
    close(fds[1]);
    return nullptr;
}

const char* sysctl_by_name()
{
    int maxproc = 0;
    size_t len = sizeof(maxproc);
    if (sysctlbyname("kern.maxproc", &maxproc, &len, nullptr, 0) < 0) return strerror(errno);
    if (maxproc <= 0 || len != sizeof(maxproc)) return "kern.maxproc is not a positive int";
    len = sizeof(maxproc);
    if (sysctlbyname("kern.no-such-node", &maxproc, &len, nullptr, 0) != -1 || errno != ENOENT)
        return "an unknown name: not ENOENT";
    return nullptr;
}

const char* time_and_limits()
{
    const uint64_t t0 = rdtime(), c0 = rdcycle(), i0 = rdinstret();
    const struct timespec ts = {0, 20 * 1000 * 1000};
    if (nanosleep(&ts, nullptr) < 0) return "nanosleep failed";
    if (rdtime() <= t0 || rdcycle() <= c0 || rdinstret() <= i0) return "a counter did not advance";
    struct rlimit rl;
    if (getrlimit(RLIMIT_NPROC, &rl) < 0 || rl.rlim_cur <= 0) return "getrlimit(RLIMIT_NPROC) failed";
    return nullptr;
}

// The clocks: CLOCK_MONOTONIC and gettimeofday move on by at least a
// nanosleep's length across it; time() links (picolibc's, over
// gettimeofday) and agrees with gettimeofday; other clock ids are EINVAL.
const char* clocks()
{
    struct timespec m0, m1, res;
    struct timeval tv0, tv1;
    if (clock_gettime(CLOCK_MONOTONIC, &m0) < 0 || gettimeofday(&tv0, nullptr) < 0) return "the clocks failed";
    const struct timespec nap = {0, 50 * 1000 * 1000};
    if (nanosleep(&nap, nullptr) < 0) return "nanosleep failed";
    if (clock_gettime(CLOCK_MONOTONIC, &m1) < 0 || gettimeofday(&tv1, nullptr) < 0) return "the clocks failed";
    const long long dm = (m1.tv_sec - m0.tv_sec) * 1000000000LL + (m1.tv_nsec - m0.tv_nsec);
    const long long dtv = (tv1.tv_sec - tv0.tv_sec) * 1000000LL + (tv1.tv_usec - tv0.tv_usec);
    if (dm < 50 * 1000 * 1000) return "CLOCK_MONOTONIC moved less than the 50 ms slept";
    if (dtv < 50 * 1000) return "gettimeofday moved less than the 50 ms slept";
    const time_t t = time(nullptr);
    if (t < tv1.tv_sec || t > tv1.tv_sec + 1) return "time() disagrees with gettimeofday";
    if (clock_getres(CLOCK_REALTIME, &res) < 0 || res.tv_sec != 0 || res.tv_nsec <= 0) return "clock_getres";
    errno = 0;
    if (clock_gettime(2, &m1) != -1 || errno != EINVAL) return "clock 2 (CPU time): not EINVAL";
    return nullptr;
}

// A handler on a signal stack: a local of the handler lies inside the
// stack given to sigaltstack, which reports SS_ONSTACK there and refuses
// a change (EPERM); sigreturn comes back to the normal stack.
alignas(16) char alt_stack[4 * 4096];
volatile uintptr_t handler_local = 0;
volatile int handler_flags = -1, handler_change = 0;

void on_alt_stack(int)
{
    volatile char here = 0;
    handler_local = reinterpret_cast<uintptr_t>(&here);
    stack_t now, other = {};
    handler_flags = sigaltstack(nullptr, &now) == 0 ? now.ss_flags : -1;
    other.ss_flags = SS_DISABLE;
    handler_change = sigaltstack(&other, nullptr) == -1 ? errno : 0;
}

const char* alternate_stack()
{
    stack_t ss = {}, old = {};
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    if (sigaltstack(&ss, &old) < 0) return "sigaltstack failed";
    if (old.ss_flags != SS_DISABLE) return "a stack was set up before";
    struct sigaction sa = {};
    sa.sa_handler = on_alt_stack;
    sa.sa_flags = SA_ONSTACK;
    if (sigaction(SIGUSR2, &sa, nullptr) < 0) return "sigaction failed";
    volatile char mine = 0;
    raise(SIGUSR2);
    signal(SIGUSR2, SIG_DFL);
    const uintptr_t lo = reinterpret_cast<uintptr_t>(alt_stack);
    if (handler_local < lo || handler_local >= lo + sizeof alt_stack) return "the handler ran off the signal stack";
    if (handler_flags != SS_ONSTACK) return "sigaltstack in the handler: not SS_ONSTACK";
    if (handler_change != EPERM) return "changing the stack in use: not EPERM";
    volatile char after = 0;
    if (reinterpret_cast<uintptr_t>(&after) - lo < sizeof alt_stack ||
        reinterpret_cast<uintptr_t>(&mine) - lo < sizeof alt_stack)
        return "sigreturn did not come back to the normal stack";
    if (sigaltstack(nullptr, &old) < 0 || old.ss_flags != 0) return "after the handler: not 0 (set up, unused)";
    ss.ss_size = MINSIGSTKSZ - 1;
    errno = 0;
    if (sigaltstack(&ss, nullptr) != -1 || errno != ENOMEM) return "a small stack: not ENOMEM";
    ss.ss_flags = SS_DISABLE;
    if (sigaltstack(&ss, nullptr) < 0) return "SS_DISABLE failed";
    return nullptr;
}

// picolibc's printf formats doubles with the FP registers, which user
// programs may use.
const char* floating_point()
{
    char buf[32];
    volatile double x = 3.25;
    snprintf(buf, sizeof(buf), "%.3f %g", x * 2, x / 4);
    return strcmp(buf, "6.500 0.8125") == 0 ? nullptr : "printf of doubles came out wrong";
}

const char* anonymous_memory()
{
    const size_t len = 3 * 4096;
    char* p = static_cast<char*>(mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0));
    if (p == MAP_FAILED) return "mmap failed";
    if (p[0] != 0 || p[len - 1] != 0) return "anonymous memory is not zero";
    p[0] = 1;
    if (mprotect(p, len, PROT_READ) < 0) return "mprotect failed";
    if (munmap(p, len) < 0) return "munmap failed";
    return nullptr;
}

// The cases reaped every child they made: none is left, zombie or not.
const char* no_children_left()
{
    int status;
    if (waitpid(WAIT_ANY, &status, WNOHANG) != -1 || errno != ECHILD) return "a child was left behind";
    return nullptr;
}

} // namespace

int main(int argc, char** argv, char** envp)
{
    result("start-up: constructors, argv, environ", start_up(argc, argv, envp));
    result("errno: FreeBSD's values translated", errno_translated());
    result("heap: malloc and sbrk over break", heap());
    result("stdio: lines, and a flush at exit", stdio_lines());
    result("stdio: fork does not print a half line twice", fork_flushes());
    result("stdio: one write per line, stderr too", stdio_whole_lines());
    result("atexit handlers run", atexit_runs());
    result("signal, sigaction, raise", signal_handlers());
    result("sigprocmask and sigpending", masks());
    result("abort ends the process by SIGABRT", abort_kills());
    result("vfork: a leaf, the parent's frame intact", vfork_leaf());
    result("rfork_thread: own stack and errno", rfork_thread_runs());
    result("execvp searches PATH (/bin)", exec_path_search());
    result("pipe returns both descriptors", pipes());
    result("sysctlbyname", sysctl_by_name());
    result("nanosleep, counters, getrlimit", time_and_limits());
    result("clock_gettime, gettimeofday, time", clocks());
    result("sigaltstack: the handler on its own stack", alternate_stack());
    result("mmap, mprotect, munmap", anonymous_memory());
    result("printf of doubles (user FP)", floating_point());
    result("no child left behind", no_children_left());
    printf("%d passed, %d failed\n", passed, failed);
    return failed;
}
