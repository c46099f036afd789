// Failures injected in the running kernel (debug.fail.*, docs/failpoints.md):
// for each operation (fork, vfork, the rfork flag families, execve, mmap,
// pipe, a zero-fill and a copy-on-write fault) and each fail site (page,
// zone, kmalloc, ptpage, kstack, commit), count the allocations the
// operation makes at that site, then fail exactly the Nth for every N.
// Each time: the call fails with ENOMEM or EAGAIN, or the faulting process
// is killed (SIGKILL, the kernel's answer to a fault it cannot back); the
// kernel carries on; every zone's objects in use (vm.zone.*.inuse) and the
// process count are back at once; the free pages are back at the end of
// the operation's sweep.
//
// The operation runs in a worker child that turns the sites on for itself
// alone (debug.fail.pid) and off again right after the call, in one asm
// block with no store in between: a store could be a copy-on-write fault
// of the worker's own, which the sites would count and could fail.
#include "check.h"
#include "helpers.h"

#include <abi/errno.h>
#include <abi/syscall.h>
#include <abi/unistd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace suite;

namespace {

constexpr size_t PAGE = 4096;
constexpr const char* SITES[] = {"page", "zone", "kmalloc", "ptpage", "kstack", "commit"};
constexpr int NSITES = sizeof SITES / sizeof SITES[0];
constexpr int NOBODY = 0x7fffffff; // a pid no process has: the sites see nothing
constexpr int MAX_ZONES = 64;

struct Mib {
    int oid[CTL_MAXNAME];
    unsigned len = 0;
};

Mib mib_of(const char* name)
{
    Mib m;
    size_t len = CTL_MAXNAME;
    if (sysctlnametomib(name, m.oid, &len) != 0) fail("sysctl %s: %s", name, errno_name(errno));
    m.len = static_cast<unsigned>(len);
    return m;
}

int read_mib(const Mib& m)
{
    int v = 0;
    size_t len = sizeof v;
    if (sysctl(m.oid, m.len, &v, &len, nullptr, 0) != 0) fail("sysctl read: %s", errno_name(errno));
    return v;
}

void write_mib(const Mib& m, int v)
{
    if (sysctl(m.oid, m.len, nullptr, nullptr, &v, sizeof v) != 0)
        fail("sysctl write: %s", errno_name(errno));
}

// The names the sweep uses, looked up once (and their pages touched
// before any worker forks).
struct Mibs {
    Mib pid;
    Mib nth[NSITES], count[NSITES], injected[NSITES];
    Mib zones[MAX_ZONES];
    int nzones = 0;
};
Mibs g_mib;

void lookup_mibs()
{
    g_mib.pid = mib_of("debug.fail.pid");
    for (int s = 0; s < NSITES; s++) {
        char name[64];
        snprintf(name, sizeof name, "debug.fail.%s.nth", SITES[s]);
        g_mib.nth[s] = mib_of(name);
        snprintf(name, sizeof name, "debug.fail.%s.count", SITES[s]);
        g_mib.count[s] = mib_of(name);
        snprintf(name, sizeof name, "debug.fail.%s.injected", SITES[s]);
        g_mib.injected[s] = mib_of(name);
    }
    // vm.zone.<name>.inuse: {vm, vm.zone, zone i, inuse}; the first
    // missing i ends the list.
    const Mib first = mib_of("vm.zone.proc.inuse");
    g_mib.nzones = 0;
    for (int i = 0; i < MAX_ZONES; i++) {
        Mib m = first;
        m.oid[2] = 0x100 + i;
        int v;
        size_t len = sizeof v;
        if (sysctl(m.oid, m.len, &v, &len, nullptr, 0) != 0) break;
        g_mib.zones[g_mib.nzones++] = m;
    }
    if (g_mib.nzones < 10) fail("only %d vm.zone nodes", g_mib.nzones);
}

// Every zone's objects in use, and the processes.
struct Counts {
    int zones[MAX_ZONES];
    int procs;
};

Counts counts_now()
{
    Counts c{};
    for (int i = 0; i < g_mib.nzones; i++) c.zones[i] = read_mib(g_mib.zones[i]);
    c.procs = proc_count();
    return c;
}

// Counts back at `was`: an orphan init reaps may take a moment.
void check_counts_back(const Counts& was, const char* what, int n)
{
    Counts now{};
    for (int tries = 0; tries < 40; tries++) {
        now = counts_now();
        if (memcmp(&now, &was, sizeof now) == 0) return;
        sleep_ms(25);
    }
    if (now.procs != was.procs) fail("%s, N=%d: %d processes, %d before", what, n, now.procs, was.procs);
    for (int i = 0; i < g_mib.nzones; i++)
        if (now.zones[i] != was.zones[i]) {
            char name[64];
            size_t len = sizeof name;
            int q[2 + CTL_MAXNAME] = {0, 2};
            memcpy(q + 2, g_mib.zones[i].oid, g_mib.zones[i].len * sizeof(int));
            if (sysctl(q, 2 + g_mib.zones[i].len, name, &len, nullptr, 0) != 0) strcpy(name, "?");
            fail("%s, N=%d: %s is %d, %d before", what, n, name, now.zones[i], was.zones[i]);
        }
}

// Free pages back at `was` (pagezero may be zeroing one for a moment).
void check_free_back(long long was, const char* what)
{
    long long now = 0;
    for (int tries = 0; tries < 60; tries++) {
        now = free_pages();
        if (now == was) return;
        sleep_ms(50);
    }
    fail("%s: %lld free pages after the sweep, %lld before", what, now, was);
}

// What the worker does.
enum class Kind {
    ForkLike, // the child (a1 = 1) exits at once, straight from the asm
    Plain,    // a call; its results in a0/a1
    Store,    // a store to g_target: a fault
};

struct Op {
    const char* name;
    Kind kind;
    long number;
    long args[6];
};

// Read-only during the window: the close call's arguments.
int g_close_value = NOBODY;
alignas(PAGE) volatile char g_cow_page[PAGE];
volatile char* g_target = nullptr;

// One call, then the sysctl write that closes the window (debug.fail.pid
// = NOBODY), with nothing stored to memory in between.  t0 comes back 1
// on an error (a0 the errno).
struct Ret {
    long a0, a1, t0;
};

Ret call_then_close(const Op& op)
{
    register long t0 asm("t0") = op.number;
    register long a0 asm("a0") = op.args[0];
    register long a1 asm("a1") = op.args[1];
    register long a2 asm("a2") = op.args[2];
    register long a3 asm("a3") = op.args[3];
    register long a4 asm("a4") = op.args[4];
    register long a5 asm("a5") = op.args[5];
    long r0, r1, rt;
    const bool fork_like = op.kind == Kind::ForkLike;
    asm volatile("ecall\n"
                 "beqz %[fork], 1f\n"
                 "beqz t0, 2f\n"       // an error: no child
                 "j 1f\n"
                 "2: beqz a1, 1f\n"    // a1 = 1 in the child
                 "li t0, %[sys_exit]\n"
                 "li a0, 0\n"
                 "ecall\n"
                 "1: mv %[r0], a0\n"
                 "mv %[r1], a1\n"
                 "mv %[rt], t0\n"
                 "li t0, %[sys_sysctl]\n"
                 "mv a0, %[mib]\n"
                 "mv a1, %[miblen]\n"
                 "li a2, 0\n"
                 "li a3, 0\n"
                 "mv a4, %[newp]\n"
                 "li a5, 4\n"
                 "ecall\n"
                 : "+r"(t0), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5),
                   [r0] "=&r"(r0), [r1] "=&r"(r1), [rt] "=&r"(rt)
                 : [fork] "r"(fork_like), [mib] "r"(g_mib.pid.oid), [miblen] "r"(g_mib.pid.len),
                   [newp] "r"(&g_close_value), [sys_exit] "i"(SYS_exit),
                   [sys_sysctl] "i"(SYS___sysctl)
                 : "memory");
    return {r0, r1, rt};
}

void store_then_close()
{
    register long t0 asm("t0") = SYS___sysctl;
    register long a0 asm("a0") = reinterpret_cast<long>(g_mib.pid.oid);
    register long a1 asm("a1") = g_mib.pid.len;
    register long a2 asm("a2") = 0;
    register long a3 asm("a3") = 0;
    register long a4 asm("a4") = reinterpret_cast<long>(&g_close_value);
    register long a5 asm("a5") = 4;
    asm volatile("sb zero, 0(%[p])\n"
                 "ecall\n"
                 : "+r"(t0), "+r"(a0), "+r"(a1)
                 : [p] "r"(g_target), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
                 : "memory");
}

// Worker exit statuses.
constexpr int DONE = 0;        // the call succeeded (or the store was made)
constexpr int ERRNO_BASE = 100; // + FreeBSD's errno: the call failed

// Writes the stack pages below the caller's frame, where the calls made
// inside the window will run: copy-on-write faults now, not then.
[[gnu::noinline]] void touch_stack()
{
    volatile char stack[32 * 1024];
    for (size_t i = 0; i < sizeof stack; i += PAGE) stack[i] = 1;
}

// The worker: its pages made its own, the sites on for it alone, the
// call, and its result as the exit status (its exit frees what the call
// made).
[[noreturn]] void worker(const Op& op, int site, int nth)
{
    touch_stack();
    if (op.number == SYS_mmap && (op.args[3] & MAP_FIXED)) {
        // Something to map over: four touched pages.
        void* p = mmap(reinterpret_cast<void*>(op.args[0]), 4 * PAGE, PROT_READ | PROT_WRITE,
                       MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) _exit(90);
        memset(p, 1, 4 * PAGE);
    }
    if (op.kind == Kind::Store && !g_target) {
        // A zero-fill fault: a fresh page never touched.
        void* p = mmap(nullptr, PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
        if (p == MAP_FAILED) _exit(91);
        g_target = static_cast<volatile char*>(p);
    }
    const int me = getpid();
    write_mib(g_mib.pid, me);
    if (nth) write_mib(g_mib.nth[site], nth);
    if (op.kind == Kind::Store) {
        store_then_close();
        _exit(DONE);
    }
    const Ret r = call_then_close(op);
    if (r.t0) _exit(ERRNO_BASE + static_cast<int>(r.a0));
    const bool nowait = op.number == SYS_rfork && (op.args[0] & RFNOWAIT);
    const auto child = static_cast<pid_t>(r.a0);
    if (op.kind == Kind::ForkLike && child > 0 && !nowait) {
        int st;
        if (wait4(child, &st, 0, nullptr) < 0) _exit(92);
    }
    // An RFNOWAIT child is init's to reap: the worker outlives it, so that
    // its objects go back to the zones before the worker's, as fork's do;
    // in the other order a zone may release a slab and the next run count
    // different page allocations.
    if (op.kind == Kind::ForkLike && child > 0 && nowait) {
        for (int i = 0; kill(child, 0) == 0; i++) {
            if (i == 400) _exit(93);
            timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, nullptr);
        }
    }
    _exit(DONE);
}

// Runs one worker; its wait status.  The sites see nobody's allocations
// but the worker's window: not the worker's fork, exit or reaping.
int run_worker(const Op& op, int site, int nth)
{
    const int procs = proc_count();
    write_mib(g_mib.pid, NOBODY);
    const pid_t pid = fork();
    if (pid < 0) fail("fork of the worker: %s", errno_name(errno));
    if (pid == 0) worker(op, site, nth);
    const int st = wait_for(pid);
    // Off for everyone, whatever the worker got to.
    write_mib(g_mib.nth[site], 0);
    write_mib(g_mib.pid, 0);
    // An RFNOWAIT child is init's to reap: wait until it has.
    for (int i = 0; i < 100 && proc_count() > procs; i++) sleep_ms(20);
    return st;
}

const char* const g_true_argv[] = {"true", nullptr};
const char* const g_envp[] = {nullptr};

long long now_ms()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void sweep(const Op& op, bool cow)
{
    const long long t0 = now_ms();
    lookup_mibs();
    g_target = cow ? g_cow_page : nullptr;
    if (cow) memset(const_cast<char*>(g_cow_page), 1, PAGE);
    // Warm up every cache the operation touches, then the baselines
    // (once init has reaped what the warm-up left it).
    for (int i = 0; i < 3; i++)
        if (run_worker(op, 0, 0) != DONE) fail("%s fails with nothing injected", op.name);
    const Counts before = counts_now(); // first: its buffers' pages are touched once
    const long long free0 = settled_free_pages();
    int swept = 0;
    char per_site[160] = "";
    for (int s = 0; s < NSITES; s++) {
        const int seen0 = read_mib(g_mib.count[s]);
        if (run_worker(op, s, 0) != DONE) fail("%s fails with nothing injected", op.name);
        const int count = read_mib(g_mib.count[s]) - seen0;
        if (count <= 0) continue;
        const size_t used = strlen(per_site);
        snprintf(per_site + used, sizeof per_site - used, " %s %d", SITES[s], count);
        for (int n = 1; n <= count; n++) {
            const int injected0 = read_mib(g_mib.injected[s]);
            const int st = run_worker(op, s, n);
            const int injected = read_mib(g_mib.injected[s]) - injected0;
            if (injected != 1)
                fail("%s, %s N=%d of %d: %d failures injected", op.name, SITES[s], n, count,
                     injected);
            const int code = WIFEXITED(st) ? WEXITSTATUS(st) - ERRNO_BASE : -1;
            // ENFILE: FreeBSD's answer when a pipe or its files cannot be made.
            const bool failed_call = code == int(Errno::NoMem) || code == int(Errno::Again) ||
                                     (op.number == SYS_pipe && code == int(Errno::NFile));
            const bool killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
            const bool may_be_killed = op.kind == Kind::Store || op.number == SYS_execve;
            if (!failed_call && !(killed && may_be_killed))
                fail("%s, %s N=%d of %d: wait status %#x (exit %d)", op.name, SITES[s], n, count, st,
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
            check_counts_back(before, op.name, n);
            swept++;
        }
    }
    if (swept == 0) fail("%s: no allocation seen at any site", op.name);
    check_free_back(free0, op.name);
    printf("# %s: %d allocations failed in turn, of:%s (%lld ms)\n", op.name, swept, per_site,
           now_ms() - t0);
}

constexpr long FORK_FLAGS = RFFDG | RFPROC;
constexpr long FIXED_AT = 0x30000000;

// Each failed fork sleeps half a second (fork1's pause after a failure,
// as in the seed): the rfork families take about 17 s each.
#define FORK_OP(label, flags) \
    void label() { sweep(Op{#flags, Kind::ForkLike, SYS_rfork, {flags}}, false); }
FORK_OP(rfork_mem, RFPROC | RFMEM)
FORK_OP(rfork_cfdg, RFPROC | RFCFDG)
FORK_OP(rfork_shared_table, RFPROC)
FORK_OP(rfork_sigshare, RFPROC | RFFDG | RFSIGSHARE)
FORK_OP(rfork_thread, RFPROC | RFFDG | RFTHREAD)
FORK_OP(rfork_nowait, RFPROC | RFFDG | RFNOWAIT)
FORK_OP(rfork_noproc_cfdg, RFCFDG)
#undef FORK_OP

void fork_op() { sweep(Op{"fork", Kind::ForkLike, SYS_fork, {}}, false); }
void vfork_op() { sweep(Op{"vfork", Kind::ForkLike, SYS_vfork, {}}, false); }
void execve_op()
{
    sweep(Op{"execve", Kind::Plain, SYS_execve,
             {reinterpret_cast<long>("/bin/true"), reinterpret_cast<long>(g_true_argv),
              reinterpret_cast<long>(g_envp)}},
          false);
}
void mmap_op()
{
    sweep(Op{"mmap", Kind::Plain, SYS_mmap,
             {0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0}},
          false);
}
void mmap_fixed_op()
{
    sweep(Op{"mmap MAP_FIXED", Kind::Plain, SYS_mmap,
             {FIXED_AT, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1,
              0}},
          false);
}
void pipe_op() { sweep(Op{"pipe", Kind::Plain, SYS_pipe, {}}, false); }
void zero_fill_op() { sweep(Op{"zero-fill fault", Kind::Store, 0, {}}, false); }
void cow_op() { sweep(Op{"COW fault", Kind::Store, 0, {}}, true); }

void sysctls_are_root_only()
{
    lookup_mibs();
    check_child_ok(spawn([] {
        CHECK_OK(setuid(1000));
        int v = 3;
        CHECK_ERR(sysctl(g_mib.nth[0].oid, g_mib.nth[0].len, nullptr, nullptr, &v, sizeof v), EPERM);
        CHECK_ERR(sysctl(g_mib.pid.oid, g_mib.pid.len, nullptr, nullptr, &v, sizeof v), EPERM);
        CHECK_EQ(read_mib(g_mib.nth[0]), 0); // unchanged, still readable
        return 0;
    }));
    int bad = -1;
    CHECK_ERR(sysctl(g_mib.nth[0].oid, g_mib.nth[0].len, nullptr, nullptr, &bad, sizeof bad), EINVAL);
    CHECK_ERR(sysctl(g_mib.count[0].oid, g_mib.count[0].len, nullptr, nullptr, &bad, sizeof bad),
              EPERM);
}

const Case cases[] = {
    {"debug.fail sysctls: non-root writes EPERM, bad values EINVAL, counters read-only",
     sysctls_are_root_only},
    {"fork: every allocation failed in turn", fork_op, 60},
    {"vfork: every allocation failed in turn", vfork_op, 60},
    {"rfork(RFPROC|RFMEM): every allocation failed in turn", rfork_mem, 60},
    {"rfork(RFPROC|RFCFDG): every allocation failed in turn", rfork_cfdg, 60},
    {"rfork(RFPROC), shared table: every allocation failed in turn", rfork_shared_table, 60},
    {"rfork(RFPROC|RFFDG|RFSIGSHARE): every allocation failed in turn", rfork_sigshare, 60},
    {"rfork(RFPROC|RFFDG|RFTHREAD): every allocation failed in turn", rfork_thread, 60},
    {"rfork(RFPROC|RFFDG|RFNOWAIT): every allocation failed in turn", rfork_nowait, 60},
    {"rfork(RFCFDG) without RFPROC: every allocation failed in turn", rfork_noproc_cfdg, 60},
    {"execve(/bin/true): every allocation failed in turn", execve_op, 60},
    {"mmap(MAP_ANON): every allocation failed in turn", mmap_op, 60},
    {"mmap(MAP_FIXED) over a mapping: every allocation failed in turn", mmap_fixed_op, 60},
    {"pipe: every allocation failed in turn", pipe_op, 60},
    {"zero-fill fault: every allocation failed in turn (the process is killed)", zero_fill_op, 60},
    {"COW fault: every allocation failed in turn (the process is killed)", cow_op, 60},
};

} // namespace

int main(int argc, char** argv) { return run("failtest", cases, argc, argv); }
