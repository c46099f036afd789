// soaktest [SECONDS]: mixed load from several processes at once for a
// while (20 s unless told): fork with copy-on-write writes, vfork with
// _exit and with execve, rfork with shared memory, an empty descriptor
// table or init as the parent, pipe round trips, signals caught and
// signals that kill, heap growth.  Every operation checks its own result;
// every few seconds the kernel's invariant checker runs; at the end every
// worker is reaped and the free pages and the process count must be back
// at their baseline.  `make soak DURATION=...` boots it for as long as
// you like; `make test` runs a short one.
#include "check.h"
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace suite;

extern char** environ;

namespace {

constexpr int WORKERS = 4;
constexpr long CHECK_EVERY_MS = 3000;
constexpr size_t PAGE = 4096;

long g_seconds = 20;
alignas(4096) char g_pages[16 * PAGE];
volatile sig_atomic_t g_caught;

long now_ms()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// xorshift: each worker's own sequence of operations.
uint32_t next_random(uint32_t& s)
{
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
}

void fork_cow()
{
    g_pages[0] = 1;
    const int code = run_child([] {
        for (size_t off = 0; off < sizeof g_pages; off += PAGE) g_pages[off] = 2;
        return g_pages[PAGE] == 2 ? 0 : 1;
    });
    CHECK_EQ(code, 0);
    CHECK_EQ(g_pages[PAGE] == 2, false);
}

void vfork_exit()
{
    volatile int seen = 0;
    const pid_t pid = vfork();
    if (pid == 0) {
        seen = 1;
        _exit(5);
    }
    CHECK(pid > 0);
    CHECK_EQ(seen, 1);
    CHECK_EQ(exit_code_of(pid), 5);
}

void vfork_exec()
{
    char arg0[] = "/bin/true";
    char* const argv[] = {arg0, nullptr};
    const pid_t pid = vfork();
    if (pid == 0) {
        execve(argv[0], argv, environ);
        _exit(99);
    }
    CHECK(pid > 0);
    CHECK_EQ(exit_code_of(pid), 0);
}

int thread_body(void* arg)
{
    volatile int* counter = static_cast<volatile int*>(arg);
    *counter = *counter + 1;
    return 3;
}

void rfork_shared_memory()
{
    static char stack[4 * PAGE] __attribute__((aligned(16)));
    volatile int counter = 0;
    const pid_t pid = rfork_thread(RFPROC | RFMEM, stack + sizeof stack, thread_body,
                                   const_cast<int*>(&counter));
    CHECK(pid > 0);
    CHECK_EQ(exit_code_of(pid), 3);
    CHECK_EQ(counter, 1);
}

void rfork_flags()
{
    // An empty descriptor table, then init as the parent (ECHILD here).
    const pid_t a = rfork(RFPROC | RFCFDG);
    if (a == 0) _exit(write(1, "", 0) < 0 && errno == EBADF ? 0 : 1);
    CHECK(a > 0);
    CHECK_EQ(exit_code_of(a), 0);
    const pid_t b = rfork(RFPROC | RFNOWAIT);
    if (b == 0) _exit(0);
    CHECK(b > 0);
    CHECK_ERR(waitpid(b, nullptr, 0), ECHILD);
    // Init reaps it (the runner, when the suite is init).
    for (int i = 0; kill(b, 0) == 0; i++) {
        if (i == 500) fail("RFNOWAIT child %d not reaped by init after 5 s", b);
        sleep_ms(10);
    }
}

void pipe_round_trip()
{
    Pipe to, from;
    const pid_t pid = spawn([&] {
        to.close_w();
        from.close_r();
        write_num(from.w, read_num(to.r) * 2);
        return 0;
    });
    to.close_r();
    from.close_w();
    write_num(to.w, 21);
    CHECK_EQ(read_num(from.r), 42);
    check_child_ok(pid);
}

void on_usr1(int) { g_caught = g_caught + 1; }

void signals()
{
    const sig_atomic_t before = g_caught;
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(g_caught, before + 1);
    // A child killed while it sleeps, racing its own start.
    const pid_t pid = spawn([] {
        sleep_ms(1000);
        return 0;
    });
    CHECK_OK(kill(pid, SIGTERM));
    const int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

void heap()
{
    const int code = run_child([] {
        char* p = static_cast<char*>(sbrk(32 * PAGE));
        if (p == reinterpret_cast<char*>(-1)) return 1;
        for (size_t off = 0; off < 32 * PAGE; off += PAGE) p[off] = 7;
        return 0;
    });
    CHECK_EQ(code, 0);
}

// Free pages with the zones' cached empty slabs given back first
// (debug.invariants.check=2 drains them, then checks): a zone keeps one
// empty slab, and whether it has one after a burst of load depends on the
// order of the frees, not on a leak.
long long drained_free_pages()
{
    const int drain_and_check = 2;
    CHECK_OK(sysctlbyname("debug.invariants.check", nullptr, nullptr, &drain_and_check,
                          sizeof drain_and_check));
    return settled_free_pages();
}

void check_invariants()
{
    const int broken = kernel_invariants();
    if (broken < 0) fail("the invariant checker did not run: %s", errno_name(errno));
    if (broken > 0) fail("%d kernel invariants broken under load (the INVARIANT: lines above)", broken);
}

void (*const OPS[])() = {fork_cow, vfork_exit, vfork_exec, rfork_shared_memory,
                         rfork_flags, pipe_round_trip, signals, heap};
constexpr size_t NOPS = sizeof OPS / sizeof OPS[0];

// A worker: random operations until the deadline; its exit status is the
// number of operations it made (mod 256, never 0 or FAILED_AND_SAID_SO).
[[noreturn]] void worker(int n, long deadline)
{
    uint32_t seed = 0x9e3779b9u * (n + 1);
    while (now_ms() < deadline) OPS[next_random(seed) % NOPS]();
    _exit(0);
}

void mixed_load()
{
    // Every operation once first: what the kernel caches on first use
    // (an exec'd program's pages, a zone's first slab) is then in the
    // baseline, and only what the load leaks shows.
    struct sigaction sa = {};
    sa.sa_handler = on_usr1;
    CHECK_OK(sigaction(SIGUSR1, &sa, nullptr)); // the workers inherit it
    for (auto op : OPS) op();
    const int procs = proc_count();
    const long long free = drained_free_pages();
    const long deadline = now_ms() + g_seconds * 1000;
    pid_t pids[WORKERS];
    for (int i = 0; i < WORKERS; i++) pids[i] = spawn([&] { worker(i, deadline); return 0; });
    for (long next = now_ms() + CHECK_EVERY_MS; now_ms() < deadline; next += CHECK_EVERY_MS) {
        while (now_ms() < next && now_ms() < deadline) sleep_ms(100);
        check_invariants();
    }
    for (pid_t pid : pids) check_child_ok(pid);
    check_invariants();
    // Exits and reaping finish asynchronously: a few settled readings.
    long long now_free = 0;
    int now_procs = 0;
    for (int i = 0; i < 5; i++) {
        now_procs = proc_count();
        now_free = drained_free_pages();
        if (now_free == free && now_procs == procs) return;
    }
    fail("not back at baseline: free pages %lld (was %lld), processes %d (was %d)", now_free, free,
         now_procs, procs);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1) {
        char* end;
        g_seconds = strtol(argv[1], &end, 10);
        if (*end || g_seconds <= 0) {
            printf("usage: soaktest [SECONDS]\n");
            return 2;
        }
    }
    printf("soaktest: %ld s of mixed load from %d workers\n", g_seconds, WORKERS);
    const Case cases[] = {
        {"fork, vfork, rfork, exec, pipes, signals and heap from 4 workers; invariants hold, all back",
         mixed_load, static_cast<int>(g_seconds) + 180},
    };
    char* no_filter[] = {argv[0], nullptr};
    return run("soaktest", cases, 1, no_filter);
}
