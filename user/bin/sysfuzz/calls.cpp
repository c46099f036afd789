// The calls: each implemented system call number (abi/syscall.h) with
// arguments drawn from hostile sets, and random numbers.  fork, vfork and
// rfork make children that make a few calls of their own and exit (or
// die of what they did); a forged sigreturn runs in a child, since a
// frame the kernel accepts sends it anywhere.
#include "fuzz.h"

#include <abi/event.h>
#include <abi/ktrace.h>
#include <abi/syscall.h>
#include <abi/unistd.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <user/lib/syscall.h>

namespace fuzz {
namespace {

constexpr long PAGE = 4096;
constexpr long KERNEL_IMAGE = static_cast<long>(0xffffffff80200000ul);
constexpr long KERNEL_DIRECT_MAP = static_cast<long>(0xffffffc000000000ul);
constexpr long ABOVE_USER = 0x4000000000l;
constexpr unsigned PLAY_PAGES = 16; // the last one unmapped: buffers that straddle into nothing
constexpr unsigned MAX_DEPTH = 2;
constexpr unsigned MAX_CHILDREN = 12;
constexpr unsigned BURST = 48; // children of one burst, alive at once

const int numbers[] = {
    SYS_exit, SYS_fork, SYS_read, SYS_write, SYS_open, SYS_close, SYS_wait4, SYS_break,
    SYS_getpid, SYS_setuid, SYS_getuid, SYS_geteuid, SYS_kill, SYS_getppid, SYS_dup, SYS_pipe,
    SYS_getegid, SYS_getgid, SYS_sigaltstack, SYS_ioctl, SYS_execve, SYS_vfork, SYS_munmap,
    SYS_mprotect, SYS_getpgrp, SYS_setpgid, SYS_dup2, SYS_setsid, SYS_gettimeofday,
    SYS_getrlimit, SYS_setrlimit, SYS___sysctl, SYS_clock_gettime, SYS_clock_getres,
    SYS_nanosleep, SYS_rfork, SYS_getsid, SYS_sched_yield, SYS_sigprocmask, SYS_sigpending,
    SYS_sigaction, SYS_sigreturn, SYS_mmap, SYS_lseek, SYS_pipe2, SYS_unlink, SYS_ktrace,
    SYS_getrusage, SYS_rename, SYS_mkdir, SYS_rmdir, SYS_kqueue, SYS_procctl, SYS_fstat,
    SYS_fstatat, SYS_getdirentries, SYS_kevent,
};

const int rfork_bits[] = {RFNAMEG, RFENVG, RFNOTEG, RFCNAMEG, RFCENVG, RFFDG, RFPROC, RFMEM,
                          RFNOWAIT, RFCFDG, RFTHREAD, RFSIGSHARE, RFLINUXTHPN, RFSTOPPED,
                          RFHIGHPID, RFPPWAIT};

struct State {
    Rng rng;
    Policy policy;
    unsigned depth = 0;
    char* play = nullptr; // PLAY_PAGES - 1 pages mapped, then a hole
    unsigned children = 0;
    ucontext_t real_uc{};
    bool have_uc = false;
    volatile uint32_t* made = nullptr;
};

State* g_state = nullptr;

void capture(int, siginfo_t*, void* uc)
{
    memcpy(&g_state->real_uc, uc, sizeof(ucontext_t));
    g_state->have_uc = true;
}

long hostile_pointer(State& s)
{
    char* p = s.play;
    switch (s.rng.below(12)) {
    case 0: return 0;
    case 1: return KERNEL_IMAGE + static_cast<long>(s.rng.below(1 << 20));
    case 2: return KERNEL_DIRECT_MAP + static_cast<long>(s.rng.below(1ul << 28));
    case 3: return ABOVE_USER - static_cast<long>(s.rng.below(16));
    case 4: return reinterpret_cast<long>(p + (PLAY_PAGES - 1) * PAGE - 1 - s.rng.below(64)); // straddles
    case 5: return reinterpret_cast<long>(p + s.rng.below((PLAY_PAGES - 1) * PAGE)) | 1; // misaligned
    case 6: return reinterpret_cast<long>(&numbers[0]); // read-only data
    case 7: return static_cast<long>(s.rng.next());
    case 8: return 0x1000 + static_cast<long>(s.rng.below(1 << 20)) * PAGE; // likely unmapped
    default: return reinterpret_cast<long>(p + s.rng.below(PLAY_PAGES / 2) * PAGE); // valid
    }
}

long hostile_int(State& s)
{
    switch (s.rng.below(10)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return static_cast<long>(s.rng.below(64));
    case 3: return INT32_MIN;
    case 4: return INT32_MAX;
    case 5: return INT64_MIN;
    case 6: return -static_cast<long>(PAGE);
    case 7: return static_cast<long>(1ul << s.rng.below(64));
    case 8: return static_cast<long>(s.rng.next());
    default: return static_cast<long>(s.rng.below(4) * PAGE + s.rng.below(3));
    }
}

long hostile_length(State& s)
{
    switch (s.rng.below(6)) {
    case 0: return -1;
    case 1: return static_cast<long>(~0ul - s.rng.below(PAGE)); // within a page of 2^64
    case 2: return 1l << 40;
    case 3: return static_cast<long>(s.rng.below(3 * PAGE));
    default: return static_cast<long>(s.rng.below(256));
    }
}

long any_arg(State& s)
{
    switch (s.rng.below(3)) {
    case 0: return hostile_pointer(s);
    case 1: return hostile_length(s);
    default: return hostile_int(s);
    }
}

// Tracing (sysfuzz batch ... trace): each call is printed on this
// descriptor (a copy of stderr placed out of the fuzzer's reach) before
// it is made, and the invariant checker runs after it.
constexpr int TRACE_FD = 200;
bool g_trace = false;

void trace_call(int number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    char line[200];
    const int n = snprintf(line, sizeof line, "sysfuzz: pid %d: syscall %d (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
                           getpid(), number, a0, a1, a2, a3, a4, a5);
    (void)sprig::raw_syscall(SYS_write, TRACE_FD, reinterpret_cast<long>(line), n);
}

void trace_check(int number)
{
    const int one = 1;
    int found = 0;
    size_t len = sizeof found;
    if (sysctlbyname("debug.invariants.check", nullptr, nullptr, &one, sizeof one) < 0 ||
        sysctlbyname("debug.invariants.violations", &found, &len, nullptr, 0) < 0 || found == 0)
        return;
    char line[100];
    const int n = snprintf(line, sizeof line, "sysfuzz: pid %d: %d invariants broken after syscall %d\n",
                           getpid(), found, number);
    (void)sprig::raw_syscall(SYS_write, TRACE_FD, reinterpret_cast<long>(line), n);
    _exit(99);
}

void raw(int number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0)
{
    if (g_trace) trace_call(number, a0, a1, a2, a3, a4, a5);
    (void)sprig::raw_syscall(number, a0, a1, a2, a3, a4, a5);
    if (g_trace) trace_check(number);
}

// A pid a signal may go to: never init, never every process while root.
long kill_target(State& s)
{
    const long me = getpid();
    switch (s.rng.below(s.policy.root ? 4 : 6)) {
    case 0: return me;
    case 1: return 0; // my group
    case 2: {
        const long pg = getpgrp();
        return pg > 1 ? -pg : me;
    }
    case 3: return me + static_cast<long>(s.rng.below(8)) + 1; // maybe a child
    case 4: return -1;
    default: return hostile_int(s);
    }
}

void reap_some(State& s, bool block)
{
    int st;
    while (s.children > 0) {
        const pid_t got = waitpid(-1, &st, block ? 0 : WNOHANG);
        if (got <= 0) {
            if (got < 0 && !block) s.children = 0; // ECHILD: others reaped them
            if (got < 0 || !block) return;
        }
        if (got > 0) s.children--;
        block = false;
    }
}

void fuzz_calls(State& s, unsigned n);

[[noreturn]] void child_body(State& s)
{
    s.depth++;
    s.children = 0;
    fuzz_calls(s, static_cast<unsigned>(s.rng.below(s.depth == 1 ? 40 : 12)));
    _exit(static_cast<int>(s.rng.below(3)));
}

// Many children at once, each forking (a small fork bomb, bounded by
// BURST and RLIMIT_NPROC for a non-root worker) and making calls, some
// killed by their parent while they run: the kernel's exit, wait and
// descriptor paths under concurrency.
void do_burst(State& s)
{
    if (s.depth > 0) return;
    pid_t pids[BURST];
    unsigned n = 0;
    for (; n < BURST; n++) {
        s.rng.next(); // each child its own draws
        const pid_t pid = fork();
        if (pid == 0) {
            s.depth = 1;
            s.children = 0;
            if (s.rng.chance(50)) (void)fork(); // and a grandchild, sometimes
            fuzz_calls(s, static_cast<unsigned>(s.rng.below(8)));
            _exit(0);
        }
        if (pid < 0) break;
        pids[n] = pid;
    }
    for (unsigned i = 0; i < n; i++)
        if (s.rng.chance(30)) (void)kill(pids[i], SIGKILL);
    int st;
    for (unsigned i = 0; i < n; i++) (void)waitpid(pids[i], &st, 0);
}

int thread_body(void* arg)
{
    State& s = *static_cast<State*>(arg);
    s.depth = MAX_DEPTH; // shares my memory: a few calls, no more children
    fuzz_calls(s, static_cast<unsigned>(s.rng.below(4)));
    return 0;
}

void note_child(State& s, pid_t pid)
{
    if (pid <= 0) return;
    s.children++;
    if (s.children >= MAX_CHILDREN) reap_some(s, true);
}

void do_fork(State& s)
{
    if (s.depth >= MAX_DEPTH) return;
    const pid_t pid = fork();
    if (pid == 0) child_body(s);
    note_child(s, pid);
}

void do_vfork(State& s)
{
    if (s.depth >= MAX_DEPTH) return;
    const pid_t pid = vfork();
    if (pid == 0) {
        // On my memory and stack: a bare call or two, then out.
        if (s.rng.chance(30)) raw(SYS_execve, reinterpret_cast<long>("/bin/true"), 0, 0);
        raw(SYS_getpid);
        if (s.rng.chance(20)) raw(SYS_kill, 0, static_cast<long>(s.rng.below(32)));
        _exit(0);
    }
    note_child(s, pid);
}

void do_rfork(State& s)
{
    int flags = 0;
    const unsigned nbits = sizeof rfork_bits / sizeof rfork_bits[0];
    for (unsigned i = 0; i < nbits; i++)
        if (s.rng.chance(25)) flags |= rfork_bits[i];
    if (s.rng.chance(5)) flags = static_cast<int>(s.rng.next());
    if ((flags & RFPROC) && s.depth >= MAX_DEPTH) flags &= ~RFPROC;
    if ((flags & (RFPROC | RFMEM)) == (RFPROC | RFMEM)) {
        // Shares my memory: the child gets a stack of its own.
        void* stack = mmap(nullptr, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
        if (stack == MAP_FAILED) return;
        note_child(s, rfork_thread(flags, static_cast<char*>(stack) + 4 * PAGE, thread_body, &s));
        return;
    }
    const sprig::SysResult r = sprig::raw_syscall(SYS_rfork, flags);
    if (r.err) return;
    if ((flags & RFPROC) && r.v0 == 0) child_body(s);
    if (flags & RFPROC) note_child(s, static_cast<pid_t>(r.v0));
}

// sigreturn of a context captured from a real signal with a few words
// changed, or of bytes at a hostile address; in a child, which may end
// up anywhere.
void do_sigreturn(State& s)
{
    if (s.depth >= MAX_DEPTH) return;
    const pid_t pid = fork();
    if (pid != 0) {
        note_child(s, pid);
        return;
    }
    ucontext_t uc = s.real_uc;
    auto* words = reinterpret_cast<uint64_t*>(&uc);
    const unsigned nwords = sizeof uc / 8;
    for (unsigned i = 0, n = 1 + static_cast<unsigned>(s.rng.below(4)); i < n; i++) {
        const uint64_t w = s.rng.chance(50) ? s.rng.next() : static_cast<uint64_t>(hostile_pointer(s));
        words[s.rng.below(nwords)] = w;
    }
    raw(SYS_sigreturn, s.rng.chance(80) && s.have_uc ? reinterpret_cast<long>(&uc) : hostile_pointer(s));
    _exit(0);
}

void do_kill(State& s)
{
    const long sig = s.rng.chance(90) ? static_cast<long>(s.rng.below(33)) : hostile_int(s);
    // SIGKILL and SIGSTOP at myself end or freeze the batch early; rarer.
    if ((sig == SIGKILL || sig == SIGSTOP) && s.rng.chance(80)) return;
    raw(SYS_kill, kill_target(s), sig);
}

void do_sigaction(State& s)
{
    struct sigaction sa {};
    switch (s.rng.below(4)) {
    case 0: sa.sa_handler = SIG_IGN; break;
    case 1: sa.sa_handler = SIG_DFL; break;
    case 2: sa.sa_sigaction = capture, sa.sa_flags = SA_SIGINFO; break;
    default: sa.sa_handler = reinterpret_cast<void (*)(int)>(hostile_pointer(s)); break;
    }
    if (s.rng.chance(30)) sa.sa_flags |= static_cast<int>(s.rng.next());
    const long sig = s.rng.chance(90) ? static_cast<long>(s.rng.below(34)) : hostile_int(s);
    raw(SYS_sigaction, sig, s.rng.chance(85) ? reinterpret_cast<long>(&sa) : hostile_pointer(s),
        s.rng.chance(50) ? 0 : hostile_pointer(s));
}

void do_sysctl(State& s)
{
    int mib[4] = {static_cast<int>(s.rng.below(3)), static_cast<int>(s.rng.below(20)),
                  static_cast<int>(s.rng.below(4)), static_cast<int>(s.rng.below(0x110))};
    long len = static_cast<long>(s.rng.below(256));
    const long newp = s.policy.root ? 0 : (s.rng.chance(50) ? 0 : hostile_pointer(s));
    raw(SYS___sysctl, s.rng.chance(80) ? reinterpret_cast<long>(mib) : hostile_pointer(s),
        static_cast<long>(s.rng.below(6)), hostile_pointer(s),
        s.rng.chance(70) ? reinterpret_cast<long>(&len) : hostile_pointer(s), newp,
        hostile_length(s));
}

void do_execve(State& s)
{
    static const char* const paths[] = {"/bin/true", "/bin/false", "/etc/suite/not-elf",
                                        "/etc/suite/truncated-elf", "/nonexistent", ""};
    // A successful exec ends this fuzzer's part of the process: children only.
    if (s.depth == 0 && s.rng.chance(90)) return;
    const char* argv[] = {"x", nullptr};
    const long path = s.rng.chance(70) ? reinterpret_cast<long>(paths[s.rng.below(6)]) : hostile_pointer(s);
    raw(SYS_execve, path, s.rng.chance(50) ? reinterpret_cast<long>(argv) : hostile_pointer(s),
        s.rng.chance(50) ? 0 : hostile_pointer(s));
}

void do_memory(State& s, int number)
{
    // Mostly the playground, sometimes anywhere (my own stack and text included).
    const long addr = s.rng.chance(70)
                          ? reinterpret_cast<long>(s.play + s.rng.below(PLAY_PAGES) * PAGE)
                          : hostile_pointer(s);
    const long len = s.rng.chance(60) ? static_cast<long>((1 + s.rng.below(4)) * PAGE) : hostile_length(s);
    const long prot = static_cast<long>(s.rng.below(8));
    if (number == SYS_mmap)
        raw(SYS_mmap, s.rng.chance(50) ? 0 : addr, len, prot, s.rng.chance(70) ? (MAP_ANON | MAP_PRIVATE) : hostile_int(s),
            -1, 0);
    else if (number == SYS_munmap && addr == reinterpret_cast<long>(s.play) && s.rng.chance(90))
        return; // keep most of the playground
    else
        raw(number, addr, len, prot);
}

// A path argument: /tmp's (made, filled and removed as the run goes),
// the initrd's (EROFS for every change), names and paths one byte too
// long (built in the playground), and hostile pointers.
long any_path(State& s)
{
    static const char* const paths[] = {"/tmp/a", "/tmp/b", "/tmp/d", "/tmp/d/x", "/tmp/d/..",
                                        "/tmp", "/", "/bin/sh", "/etc/motd", "", "/tmp/a/x"};
    switch (s.rng.below(10)) {
    case 0: return hostile_pointer(s);
    case 1: {
        const size_t n = s.rng.chance(50) ? 5 + 256 : 1025; // a name of NAME_MAX + 1, a path of PATH_MAX + 1
        memcpy(s.play, "/tmp/", 5);
        memset(s.play + 5, 'n', n - 5);
        s.play[n] = '\0';
        return reinterpret_cast<long>(s.play);
    }
    default: return reinterpret_cast<long>(paths[s.rng.below(sizeof paths / sizeof paths[0])]);
    }
}

void do_path_call(State& s, int number)
{
    static const long open_flags[] = {O_RDONLY, O_WRONLY | O_CREAT, O_RDWR | O_CREAT | O_APPEND,
                                      O_WRONLY | O_TRUNC, O_RDONLY | O_NONBLOCK, O_CREAT | O_EXCL | O_RDWR};
    const long mode = s.rng.chance(80) ? 0644 : hostile_int(s);
    switch (number) {
    case SYS_open:
        raw(number, any_path(s), s.rng.chance(80) ? open_flags[s.rng.below(6)] : hostile_int(s), mode);
        return;
    case SYS_rename: raw(number, any_path(s), any_path(s)); return;
    case SYS_fstatat:
        raw(number, s.rng.chance(70) ? AT_FDCWD : static_cast<long>(s.rng.below(12)), any_path(s),
            s.rng.chance(60) ? reinterpret_cast<long>(s.play + PAGE) : hostile_pointer(s),
            s.rng.chance(80) ? 0 : hostile_int(s));
        return;
    default: raw(number, any_path(s), mode); return; // unlink, mkdir, rmdir
    }
}

// ktrace(2) into a file of /tmp (or anywhere), on myself or a child, never
// on init: a trace that outlived the run would slow every later boot case.
void do_ktrace(State& s)
{
    const long me = getpid();
    const long pid = s.rng.chance(60) ? me : me + static_cast<long>(s.rng.below(8)) + 1;
    const long ops = s.rng.chance(80) ? static_cast<long>(s.rng.below(3)) | (s.rng.chance(30) ? KTRFLAG_DESCEND : 0)
                                      : hostile_int(s);
    const long facs = s.rng.chance(80) ? static_cast<long>(s.rng.below(1 << 16)) | (s.rng.chance(50) ? KTRFAC_INHERIT : 0)
                                       : hostile_int(s);
    raw(SYS_ktrace, any_path(s), ops, facs, pid);
}

// kevent(2) on a kqueue of this process: change lists of every filter with
// idents, flags and fflags from hostile sets, event lists that straddle
// into nothing, and timeouts mostly zero (a kevent that waits for ever is
// what the batch's time limit is for).
void do_kevent(State& s)
{
    static const int16_t filters[] = {EVFILT_READ, EVFILT_WRITE, EVFILT_PROC, EVFILT_SIGNAL,
                                      EVFILT_TIMER, EVFILT_VNODE, 0, -100};
    struct kevent* ch = reinterpret_cast<struct kevent*>(s.play + 2 * PAGE);
    const long n = static_cast<long>(s.rng.below(8));
    for (long i = 0; i < n; i++) {
        ch[i] = {};
        ch[i].filter = filters[s.rng.below(sizeof filters / sizeof filters[0])];
        ch[i].ident = ch[i].filter == EVFILT_PROC ? static_cast<uintptr_t>(kill_target(s))
                                                  : static_cast<uintptr_t>(s.rng.chance(80) ? s.rng.below(40) : s.rng.next());
        ch[i].flags = static_cast<uint16_t>(s.rng.chance(70) ? EV_ADD | (s.rng.below(4) << 4) : s.rng.next());
        ch[i].fflags = static_cast<uint32_t>(s.rng.chance(50) ? NOTE_EXIT | NOTE_FORK | NOTE_EXEC | NOTE_TRACK : s.rng.next());
    }
    long ts[2] = {0, s.rng.chance(90) ? 0 : static_cast<long>(s.rng.below(1000000))};
    const long kq = s.rng.chance(90) ? static_cast<long>(s.rng.below(12)) : hostile_int(s);
    const long events = s.rng.chance(70) ? reinterpret_cast<long>(s.play + (PLAY_PAGES - 2) * PAGE + PAGE / 2)
                                         : hostile_pointer(s); // the first: straddles the hole
    raw(SYS_kevent, kq, s.rng.chance(80) ? reinterpret_cast<long>(ch) : hostile_pointer(s),
        s.rng.chance(90) ? n : hostile_int(s), events, s.rng.chance(80) ? static_cast<long>(s.rng.below(64)) : hostile_int(s),
        s.rng.chance(85) ? reinterpret_cast<long>(ts) : (s.rng.chance(50) ? 0 : hostile_pointer(s)));
}

void one_call(State& s)
{
    if (s.rng.chance(3)) {
        // A number nobody implements (or one in the gaps).
        raw(static_cast<int>(s.rng.chance(50) ? s.rng.below(600) : s.rng.next()), any_arg(s),
            any_arg(s), any_arg(s));
        return;
    }
    const int number = numbers[s.rng.below(sizeof numbers / sizeof numbers[0])];
    switch (number) {
    case SYS_exit:
        if (s.depth > 0 && s.rng.chance(30)) _exit(static_cast<int>(s.rng.below(256)));
        return;
    case SYS_fork: return s.rng.chance(5) ? do_burst(s) : do_fork(s);
    case SYS_vfork: return do_vfork(s);
    case SYS_rfork: return do_rfork(s);
    case SYS_sigreturn: return do_sigreturn(s);
    case SYS_kill: return do_kill(s);
    case SYS_sigaction: return do_sigaction(s);
    case SYS___sysctl: return do_sysctl(s);
    case SYS_execve: return do_execve(s);
    case SYS_mmap:
    case SYS_munmap:
    case SYS_mprotect: return do_memory(s, number);
    case SYS_open:
    case SYS_unlink:
    case SYS_rename:
    case SYS_mkdir:
    case SYS_rmdir:
    case SYS_fstatat: return do_path_call(s, number);
    case SYS_ktrace: return do_ktrace(s);
    case SYS_kevent: return do_kevent(s);
    case SYS_wait4:
        raw(SYS_wait4, s.rng.chance(70) ? -1 : hostile_int(s),
            s.rng.chance(50) ? 0 : hostile_pointer(s), s.rng.chance(70) ? WNOHANG : hostile_int(s),
            s.rng.chance(70) ? 0 : hostile_pointer(s));
        return;
    case SYS_read:
    case SYS_write:
        // Descriptors 0-2 are closed in a worker; a read that would block
        // forever is what the batch's time limit is for.
        raw(number, static_cast<long>(s.rng.below(12)), hostile_pointer(s), hostile_length(s));
        return;
    case SYS_nanosleep: {
        long ts[2] = {0, static_cast<long>(s.rng.below(2000000))};
        raw(number, s.rng.chance(70) ? reinterpret_cast<long>(ts) : hostile_pointer(s),
            s.rng.chance(50) ? 0 : hostile_pointer(s));
        return;
    }
    case SYS_setuid:
        raw(number, s.rng.chance(50) ? static_cast<long>(1000 + s.rng.below(4)) : hostile_int(s));
        return;
    default:
        raw(number, any_arg(s), any_arg(s), any_arg(s), any_arg(s), any_arg(s), any_arg(s));
        return;
    }
}

void fuzz_calls(State& s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        *s.made = *s.made + 1;
        one_call(s);
        reap_some(s, false);
    }
}


// One process of the run: a playground, a real signal frame to forge
// from, then calls until the budget is spent or it dies.
[[noreturn]] void fuzz_process(State& s, unsigned calls)
{
    g_state = &s;
    void* play = mmap(nullptr, PLAY_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
    if (play == MAP_FAILED) _exit(3);
    s.play = static_cast<char*>(play);
    (void)munmap(s.play + (PLAY_PAGES - 1) * PAGE, PAGE);
    struct sigaction sa {};
    for (int sig = 1; sig < 32; sig++) (void)sigaction(sig, &sa, nullptr); // the supervisor's SIG_IGN off
    sa.sa_sigaction = capture;
    sa.sa_flags = SA_SIGINFO;
    (void)sigaction(SIGUSR2, &sa, nullptr);
    (void)kill(getpid(), SIGUSR2);
    // Nothing of mine on the console, and no read waits on it.
    for (int fd = 0; fd < 3; fd++) (void)close(fd);
    while (*s.made < calls) fuzz_calls(s, 1);
    reap_some(s, true);
    _exit(0);
}

} // namespace

namespace {

// Waits for a fuzzing process; one that makes no call for STUCK_MS
// (blocked in a read of its own pipe, stopped, spinning after a forged
// sigreturn) is killed, so the batch goes on.
void supervise(pid_t pid, volatile uint32_t* made)
{
    constexpr long STEP_MS = 10, STUCK_MS = 300;
    uint32_t last = *made;
    for (long still = 0;; still += STEP_MS) {
        int st;
        if (waitpid(pid, &st, WNOHANG) != 0) return;
        if (*made != last) last = *made, still = 0;
        if (still >= STUCK_MS) {
            (void)kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
            return;
        }
        timespec ts = {0, STEP_MS * 1000000};
        (void)nanosleep(&ts, nullptr);
    }
}

} // namespace

void run_worker(uint64_t seed, unsigned calls, const Policy& policy, volatile uint32_t* made)
{
    if (policy.trace && dup2(2, TRACE_FD) == TRACE_FD) g_trace = true;
    static State s{Rng(seed), policy};
    s.made = made;
    // The supervisor ignores what its processes aim at their group.
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    for (int sig = 1; sig < 32; sig++)
        if (sig != SIGCHLD) (void)sigaction(sig, &ign, nullptr);
    for (unsigned round = 0; *made < calls; round++) {
        // Each process draws its own sequence, so one that dies at once
        // does not make the next die the same way.
        s.rng = Rng(seed + 0x9e3779b97f4a7c15ull * (round + 1));
        const pid_t pid = fork();
        if (pid == 0) fuzz_process(s, calls);
        if (pid < 0) return;
        supervise(pid, made);
        if (round > 4 * calls) return; // processes dying before their first call
    }
}

} // namespace fuzz
