// sysfuzz [SEED COUNT [BATCH]]: COUNT random system calls with hostile
// arguments, in batches of BATCH (default 500), each made by a worker
// process (and its children) forked for the batch: root for even
// batches, a uid of 1000-1003 for odd ones.  After each batch every
// process it made is killed and reaped, and the batch passes when the
// kernel's invariant checker finds nothing and the free pages and the
// process count are back at their baseline.  One line per batch, then
// `N passed, N failed`; the exit status is the failures (at most 255).
// Without arguments it runs the bounded slice make test-qemu boots
// (init=/bin/sysfuzz): DEFAULT_ARGS; `make fuzz SEED=... COUNT=...` boots
// it with init="/bin/sysfuzz SEED COUNT BATCH".  docs/reliability.md.
#include "fuzz.h"

#include <abi/sysctl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

constexpr const char* DEFAULT_ARGS[] = {"1", "2000", "250"};
constexpr int BATCH_SECONDS = 3; // then the batch's processes are killed
constexpr long POLL_MS = 20;

void sleep_ms(long ms)
{
    timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    (void)nanosleep(&ts, nullptr);
}

long long free_pages()
{
    int v = -1;
    size_t len = sizeof v;
    if (sysctlbyname("vm.stats.vm.v_free_count", &v, &len, nullptr, 0) < 0) return -1;
    return v;
}

// Read once it has not changed for 1.2 s (pagezero refills its pool of
// pre-zeroed pages up to a second after a burst).
long long settled_free_pages()
{
    long long last = free_pages();
    for (int i = 0, same = 0; i < 400 && same < 24; i++) {
        sleep_ms(50);
        const long long now = free_pages();
        same = now == last ? same + 1 : 0;
        last = now;
    }
    return last;
}

// Calls f(record) for every process (kern.proc.all).
template <typename F>
int each_process(F f)
{
    // Touched in full once: a longer list must not fault in a page of
    // mine after the baseline.
    static char buf[64 * 1024];
    static bool touched;
    if (!touched) memset(buf, 0, sizeof buf);
    touched = true;
    int mib[3] = {CTL_KERN, KERN_PROC, KERN_PROC_ALL};
    size_t len = sizeof buf;
    if (sysctl(mib, 3, buf, &len, nullptr, 0) != 0) return -1;
    int n = 0;
    for (size_t off = 0; off + sizeof(kinfo_proc) <= len; n++) {
        kinfo_proc kp;
        memcpy(&kp, buf + off, sizeof kp);
        if (kp.ki_structsize <= 0) break;
        f(kp);
        off += static_cast<size_t>(kp.ki_structsize);
    }
    return n;
}

int process_count()
{
    return each_process([](const kinfo_proc&) {});
}

// As init, every process that is not the kernel's and not me is the
// fuzzer's (escaped from its group with setsid or setpgid): kill them.
void kill_strays()
{
    if (getpid() != 1) return;
    each_process([](const kinfo_proc& kp) {
        if (kp.ki_pid <= 1 || (kp.ki_flag & (KI_P_SYSTEM | KI_P_KTHREAD))) return;
        (void)kill(kp.ki_pid, SIGKILL);
    });
}

// Reaps whatever is there; true when no child is left.
bool reap_all()
{
    int st;
    bool none = true;
    const int options[] = {WNOHANG, WNOHANG | WLINUXCLONE};
    for (int opt : options) {
        pid_t got;
        while ((got = wait4(-1, &st, opt, nullptr)) > 0) {}
        if (!(got < 0 && errno == ECHILD)) none = false;
    }
    return none;
}

struct Verdict {
    bool timed_out = false;
    int status = 0;
    unsigned made = 0; // calls made
};

// Where the batch's processes count their calls: shared with all of them.
volatile uint32_t* shared_counter()
{
    static void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
    return page == MAP_FAILED ? nullptr : static_cast<volatile uint32_t*>(page);
}

Verdict run_batch(uint64_t seed, unsigned calls, const fuzz::Policy& policy, uid_t uid)
{
    fflush(stdout);
    volatile uint32_t* made = shared_counter();
    *made = 0;
    const pid_t worker = fork();
    if (worker == 0) {
        (void)setpgid(0, 0);
        if (!policy.root && setuid(uid) != 0) _exit(4);
        fuzz::run_worker(seed, calls, policy, made);
        _exit(0);
    }
    Verdict v;
    if (worker < 0) {
        v.status = -errno;
        return v;
    }
    (void)setpgid(worker, worker);
    bool done = false;
    for (long waited = 0; !done && waited < BATCH_SECONDS * 1000; waited += POLL_MS) {
        int st;
        pid_t got;
        while ((got = waitpid(-1, &st, WNOHANG)) > 0)
            if (got == worker) v.status = st, done = true;
        if (!done) sleep_ms(POLL_MS);
    }
    if (!done) {
        v.timed_out = true;
        (void)kill(-worker, SIGKILL);
        (void)kill(worker, SIGKILL);
    }
    // Everything it made, wherever it went.
    for (int i = 0; i < 250; i++) {
        (void)kill(-worker, SIGKILL);
        kill_strays();
        if (reap_all()) break;
        sleep_ms(POLL_MS);
    }
    v.made = *made;
    return v;
}

// Empties dir (the batches' files and directories in /tmp, which hold
// pages the baseline did not count); how many entries it removed.  It
// reads with getdirentries into its own stack, never the heap: a buffer
// malloc'd after the baseline would count as pages lost.
int remove_tree(const char* dir, int depth = 0)
{
    constexpr int MAX_DEPTH = 6; // within the stack touch_stack() faulted in
    int removed = 0;
    const int fd = open(dir, O_RDONLY);
    if (fd < 0) return 0;
    char buf[2048];
    char path[PATH_MAX];
    // A removal may move the directory's offsets: read again from the start
    // until a pass removes nothing.
    for (bool again = true; again;) {
        again = false;
        off_t base = 0;
        (void)lseek(fd, 0, SEEK_SET);
        ssize_t n;
        while ((n = getdirentries(fd, buf, sizeof buf, &base)) > 0) {
            for (ssize_t at = 0; at < n;) {
                const dirent* e = reinterpret_cast<const dirent*>(buf + at);
                at += e->d_reclen;
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                if (e->d_type == DT_DIR && depth < MAX_DEPTH) removed += remove_tree(path, depth + 1);
                if ((e->d_type == DT_DIR ? rmdir(path) : unlink(path)) == 0) removed++, again = true;
            }
        }
    }
    close(fd);
    return removed;
}

// The kernel's invariant checker (root only), after the zones gave their
// cached empty slabs back, so that the free pages read next count no
// cache: violations, -1 when it could not be run.
int invariants()
{
    const int drain_and_check = 2;
    if (sysctlbyname("debug.invariants.check", nullptr, nullptr, &drain_and_check,
                     sizeof drain_and_check) < 0)
        return -1;
    int found = -1;
    size_t len = sizeof found;
    if (sysctlbyname("debug.invariants.violations", &found, &len, nullptr, 0) < 0) return -1;
    return found;
}

void describe(const Verdict& v, unsigned calls, char* buf, size_t n)
{
    // The counter lives in the fuzzing processes' own memory, where a
    // hostile pointer may land: a count far past the budget was overwritten.
    if (v.made > 4 * calls + 1000)
        snprintf(buf, n, "calls uncounted (the shared counter was overwritten), the worker %s",
                 v.timed_out ? "killed" : "done");
    else if (v.timed_out)
        snprintf(buf, n, "%u calls, then killed after %d s", v.made, BATCH_SECONDS);
    else if (v.status < 0)
        snprintf(buf, n, "fork failed: errno %d", -v.status);
    else if (WIFSIGNALED(v.status))
        snprintf(buf, n, "%u calls, the worker died of signal %d", v.made, WTERMSIG(v.status));
    else
        snprintf(buf, n, "%u calls, the worker exited %d", v.made, WEXITSTATUS(v.status));
}

// Touches the stack the driver may use, so that its first deeper call
// (the timeout path, say) does not fault in a page after the baseline.
[[gnu::noinline]] void touch_stack()
{
    volatile char pad[48 * 1024];
    for (size_t i = 0; i < sizeof pad; i += 512) pad[i] = 0;
}

bool parse(const char* s, uint64_t* out)
{
    char* end = nullptr;
    errno = 0;
    *out = strtoull(s, &end, 0);
    return errno == 0 && end != s && *end == '\0';
}

} // namespace

// sysfuzz batch BSEED CALLS UID [trace]: one batch, as the batch line
// printed it, to reproduce a finding; with trace, every call is printed
// and the invariants checked after each.
int one_batch(int argc, char** argv)
{
    uint64_t bseed = 0, calls = 0, uid = 0;
    if (argc < 5 || !parse(argv[2], &bseed) || !parse(argv[3], &calls) || !parse(argv[4], &uid)) {
        fprintf(stderr, "usage: sysfuzz batch BSEED CALLS UID [trace]\n");
        return 2;
    }
    fuzz::Policy policy{uid == 0};
    policy.trace = argc > 5 && strcmp(argv[5], "trace") == 0;
    const Verdict v = run_batch(bseed, static_cast<unsigned>(calls), policy, static_cast<uid_t>(uid));
    char how[96];
    describe(v, static_cast<unsigned>(calls), how, sizeof how);
    const int broken = invariants();
    printf("batch (seed %llu, uid %llu): %s; invariants %d\n", static_cast<unsigned long long>(bseed),
           static_cast<unsigned long long>(uid), how, broken);
    return broken != 0;
}

int main(int argc, char** argv)
{
    static char* default_argv[] = {argv[0], const_cast<char*>(DEFAULT_ARGS[0]),
                                   const_cast<char*>(DEFAULT_ARGS[1]),
                                   const_cast<char*>(DEFAULT_ARGS[2]), nullptr};
    if (argc == 1) {
        argc = 4;
        argv = default_argv;
    }
    if (argc > 1 && strcmp(argv[1], "batch") == 0) {
        touch_stack();
        if (!shared_counter()) return 2;
        return one_batch(argc, argv);
    }
    uint64_t seed = 0, count = 0, batch = 500;
    if (argc < 3 || argc > 4 || !parse(argv[1], &seed) || !parse(argv[2], &count) ||
        (argc == 4 && (!parse(argv[3], &batch) || batch == 0))) {
        fprintf(stderr, "usage: sysfuzz [SEED COUNT [BATCH]]\n");
        return 2;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "sysfuzz: needs root (the invariant checker, the uid changes)\n");
        return 2;
    }
    touch_stack();
    if (!shared_counter()) {
        fprintf(stderr, "sysfuzz: no shared page for the call counter\n");
        return 2;
    }
    const unsigned nbatches = static_cast<unsigned>((count + batch - 1) / batch);
    printf("sysfuzz: seed %llu, %llu calls in %u batches of %llu\n",
           static_cast<unsigned long long>(seed), static_cast<unsigned long long>(count),
           nbatches, static_cast<unsigned long long>(batch));
    // Warm-up batches first, a root one and another one, and a check, so
    // that the zones hold the slabs a batch and the checker need before
    // the baseline is read (docs/testing.md, Baselines).
    (void)run_batch(seed ^ 0x5eed, static_cast<unsigned>(batch), {true}, 0);
    (void)remove_tree("/tmp");
    (void)run_batch(seed ^ 0x5eee, static_cast<unsigned>(batch), {false}, 1000);
    (void)remove_tree("/tmp");
    (void)invariants();
    (void)process_count(); // its buffer touched before the baseline
    const int base_procs = process_count();
    if (invariants() != 0) printf("sysfuzz: the invariants do not hold before the first batch\n");
    const long long base_free = settled_free_pages();
    printf("sysfuzz: baseline %lld free pages, %d processes\n", base_free, base_procs);

    int passed = 0, failed = 0;
    for (unsigned b = 0; b < nbatches; b++) {
        const uint64_t bseed = seed * 1000003 + b;
        const bool root = b % 2 == 0;
        const uid_t uid = root ? 0 : 1000 + b % 4;
        const unsigned calls = static_cast<unsigned>(count - uint64_t{b} * batch < batch ? count - uint64_t{b} * batch : batch);
        const Verdict v = run_batch(bseed, calls, {root}, uid);
        const int cleaned = remove_tree("/tmp");
        const int broken = invariants();
        int procs = process_count();
        long long free = settled_free_pages();
        for (int i = 0; i < 3 && (free != base_free || procs != base_procs); i++) {
            procs = process_count();
            (void)invariants();
            free = settled_free_pages();
        }
        char how[96];
        describe(v, calls, how, sizeof how);
        const bool ok = broken == 0 && free == base_free && procs == base_procs;
        (ok ? passed : failed)++;
        printf("%s - batch %u (seed %llu, uid %u, %u calls): %s; /tmp entries removed %d; invariants %d; "
               "free pages %lld (baseline %lld); processes %d (baseline %d)\n",
               ok ? "ok" : "FAIL", b, static_cast<unsigned long long>(bseed), uid, calls, how,
               cleaned, broken, free, base_free, procs, base_procs);
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed > 255 ? 255 : failed;
}
