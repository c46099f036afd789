// The root fork bomb of issue 14, unattended: booted as init, it starts
// `for (;;) fork();` (each child dirtying a few pages, so that memory runs
// out before kern.maxproc) in a process group of its own, lets it run for
// 2.5 s, kills the whole group with one kill(-pgid, SIGKILL), reaps, and
// checks that the group is empty within a few seconds and that every page
// is back (vm.stats.vm.v_free_count, caches drained through vm.lowmem,
// against the count after a first, warm-up round).  Five checked rounds in
// one boot.  Not part of the acceptance suite (user/tests): build it with
//   make user-prog SRC=tests/guest/oombomb.cpp OUT=build/oombomb.elf
// and boot it with
//   make run EXTRA_BIN=build/oombomb.elf APPEND="init=/bin/oombomb"
// One line per round, then `N passed, N failed`; the exit status is the
// number of failed rounds.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

constexpr int ROUNDS = 5;
constexpr long BOMB_MS = 2500;
constexpr long EMPTY_WITHIN_MS = 5000;
constexpr int DIRTY_PAGES = 48;

long long sysctl_num(const char* name)
{
    union {
        int32_t i32;
        int64_t i64;
    } v = {};
    size_t len = sizeof v;
    if (sysctlbyname(name, &v, &len, nullptr, 0) != 0) return -1;
    return len == sizeof(int32_t) ? v.i32 : v.i64;
}

void sleep_ms(long ms)
{
    timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

long long now_ms()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// Processes (zombies included) in group pgid, or in all when pgid is 0.
int count_procs(pid_t pgid)
{
    static kinfo_proc buf[2048];
    int mib[3] = {1, 14, 0};
    size_t len = sizeof buf;
    if (sysctl(mib, 3, buf, &len, nullptr, 0) != 0) return -1;
    int n = 0;
    for (size_t i = 0; i < len / sizeof(kinfo_proc); i++)
        if (!pgid || buf[i].ki_pgid == pgid) n++;
    return n;
}

void reap_all()
{
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

// The bomb: every process forks for ever; each child first writes a few
// pages of its own (copy-on-write faults) so that memory, not the process
// limit, runs out first.
[[noreturn]] void bomb()
{
    static char pages[DIRTY_PAGES][4096];
    for (;;) {
        if (fork() == 0)
            for (int i = 0; i < DIRTY_PAGES; i++) pages[i][0]++;
    }
}

// Free pages once caches are given back and the count has stopped moving.
long long settled_free()
{
    long long last = -2;
    for (int i = 0, same = 0; i < 200 && same < 10; i++) {
        const int one = 1;
        sysctlbyname("vm.lowmem", nullptr, nullptr, &one, sizeof one);
        sleep_ms(100);
        const long long f = sysctl_num("vm.stats.vm.v_free_count");
        same = f == last ? same + 1 : 0;
        last = f;
    }
    return last;
}

// One round; true when the group emptied in time and, if want_free >= 0,
// the free count came back to it.  *free_after gets the settled count.
bool round(int n, long long want_free, long long* free_after)
{
    const long long kills0 = sysctl_num("vm.oom_kills");
    const pid_t pg = fork();
    if (pg < 0) {
        printf("FAIL - round %d: fork: %s\n", n, strerror(errno));
        return false;
    }
    if (pg == 0) {
        setpgid(0, 0);
        bomb();
    }
    setpgid(pg, pg);
    long long low = sysctl_num("vm.stats.vm.v_free_count");
    for (long t = 0; t < BOMB_MS; t += 100) {
        sleep_ms(100);
        reap_all();
        const long long f = sysctl_num("vm.stats.vm.v_free_count");
        if (f < low) low = f;
    }
    const int members = count_procs(pg);
    const long long t0 = now_ms();
    if (kill(-pg, SIGKILL) != 0) printf("round %d: kill(-%d): %s\n", n, pg, strerror(errno));
    int left = -1;
    long long t = 0;
    for (;;) {
        reap_all();
        left = count_procs(pg);
        t = now_ms() - t0;
        if (left == 0 || t > EMPTY_WITHIN_MS) break;
        sleep_ms(20);
    }
    const long long kills = sysctl_num("vm.oom_kills") - kills0;
    if (left != 0) {
        printf("FAIL - round %d: %d of %d members left %lld ms after kill(-pgid, SIGKILL)\n", n,
               left, members, t);
        return false;
    }
    *free_after = settled_free();
    printf("round %d: %d members, lowest free %lld pages, %lld OOM kills, group empty after %lld "
           "ms, free %lld pages (baseline %lld), %d processes\n",
           n, members, low, kills, t, *free_after, want_free, count_procs(0));
    if (want_free >= 0 && *free_after != want_free) {
        printf("FAIL - round %d: free pages %lld, baseline %lld\n", n, *free_after, want_free);
        return false;
    }
    printf("ok - round %d\n", n);
    return true;
}

} // namespace

int main()
{
    setvbuf(stdout, nullptr, _IONBF, 0);
    printf("oombomb: %lld pages, %lld free, reserve %lld\n", sysctl_num("vm.stats.vm.v_page_count"),
           sysctl_num("vm.stats.vm.v_free_count"), sysctl_num("vm.stats.vm.v_free_reserved"));
    long long baseline = -1, after = -1;
    // Round 0 warms the kernel's caches up and sets the baseline.
    if (!round(0, -1, &baseline)) {
        printf("0 passed, %d failed\n", ROUNDS);
        return ROUNDS;
    }
    int failed = 0;
    for (int i = 1; i <= ROUNDS; i++)
        if (!round(i, baseline, &after)) failed++;
    printf("%d passed, %d failed\n", ROUNDS - failed, failed);
    return failed;
}
