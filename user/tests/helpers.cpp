// See helpers.h.
#include "helpers.h"

#include <string.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>

namespace suite {

int wait_for(pid_t pid)
{
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {}
    if (got != pid) fail("waitpid(%d) returned %d: %s", pid, got, errno_name(errno));
    return status;
}

int exit_code_of(pid_t pid)
{
    const int status = wait_for(pid);
    if (WIFSIGNALED(status)) fail("child %d killed by signal %d", pid, WTERMSIG(status));
    if (!WIFEXITED(status)) fail("child %d: wait status 0x%x", pid, status);
    return WEXITSTATUS(status);
}

void check_child_ok(pid_t pid)
{
    const int code = exit_code_of(pid);
    if (code == FAILED_AND_SAID_SO) _exit(FAILED_AND_SAID_SO);
    if (code != 0) fail("child %d exited with %d", pid, code);
}

void warm_up(int concurrent)
{
    Pipe hold;
    pid_t pids[MAX_WARM_UP];
    int n = 0;
    while (n < concurrent && n < MAX_WARM_UP) {
        const pid_t pid = fork();
        if (pid < 0) break; // at a process limit: as warm as it gets
        if (pid == 0) {
            hold.close_w();
            char c;
            while (read(hold.r, &c, 1) > 0) {}
            _exit(0);
        }
        pids[n++] = pid;
    }
    hold.close_w();
    for (int i = 0; i < n; i++) check_child_ok(pids[i]);
}

Pipe::Pipe()
{
    int fds[2];
    if (pipe(fds) != 0) fail("pipe: %s", errno_name(errno));
    r = fds[0];
    w = fds[1];
}

Pipe::~Pipe()
{
    close_r();
    close_w();
}

void Pipe::close_r()
{
    if (r >= 0) close(r);
    r = -1;
}

void Pipe::close_w()
{
    if (w >= 0) close(w);
    w = -1;
}

void run_capture(const char* const* argv, Ran* r)
{
    Pipe p;
    const pid_t pid = fork();
    if (pid < 0) fail("fork: %s", errno_name(errno));
    if (pid == 0) {
        dup2(p.w, 1);
        p.close_r();
        execv(argv[0], const_cast<char* const*>(argv));
        _exit(127);
    }
    p.close_w();
    size_t n = 0;
    ssize_t got;
    while (n < sizeof r->out - 1 && (got = read(p.r, r->out + n, sizeof r->out - 1 - n)) > 0)
        n += size_t(got);
    r->out[n] = 0;
    r->status = wait_for(pid);
}

void write_num(int fd, long long v)
{
    if (write(fd, &v, sizeof v) != static_cast<ssize_t>(sizeof v))
        fail("write to pipe %d: %s", fd, errno_name(errno));
}

long long read_num(int fd)
{
    long long v = 0;
    ssize_t n;
    while ((n = read(fd, &v, sizeof v)) < 0 && errno == EINTR) {}
    if (n != static_cast<ssize_t>(sizeof v))
        fail("read from pipe %d: got %zd bytes (%s)", fd, n, errno_name(errno));
    return v;
}

bool fd_is_open(int fd)
{
    const int d = dup(fd);
    if (d >= 0) {
        close(d);
        return true;
    }
    if (errno != EBADF) fail("dup(%d): %s, wanted success or EBADF", fd, errno_name(errno));
    return false;
}

void sleep_ms(long ms)
{
    timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        if (errno != EINTR) fail("nanosleep: %s", errno_name(errno));
}

long long sysctl_num(const char* name)
{
    union {
        int32_t i32;
        int64_t i64;
    } v = {};
    size_t len = sizeof v;
    if (sysctlbyname(name, &v, &len, nullptr, 0) != 0)
        fail("sysctlbyname(%s): %s", name, errno_name(errno));
    if (len == sizeof(int32_t)) return v.i32;
    if (len == sizeof(int64_t)) return v.i64;
    fail("sysctl %s: a %zu-byte value", name, len);
}

long long free_pages() { return sysctl_num("vm.stats.vm.v_free_count"); }

int proc_count()
{
    // A buffer touched in full once, so that counting does not itself
    // change the free-page count between two baselines.
    static char buf[64 * 1024];
    static bool touched;
    if (!touched) memset(buf, 0, sizeof buf);
    touched = true;
    // FreeBSD's CTL_KERN.KERN_PROC.KERN_PROC_ALL; each record starts with
    // its own size (kinfo_proc's ki_structsize).
    int mib[3] = {1, 14, 0};
    size_t len = sizeof buf;
    if (sysctl(mib, 3, buf, &len, nullptr, 0) != 0)
        fail("sysctl kern.proc.all: %s", errno_name(errno));
    int structsize = 0;
    if (len >= sizeof structsize) memcpy(&structsize, buf, sizeof structsize);
    if (structsize <= 0 || len % structsize != 0)
        fail("kern.proc.all: %zu bytes, records of %d", len, structsize);
    return static_cast<int>(len / structsize);
}

// The free-page count once the system is idle.  pagezero keeps a pool of
// pre-zeroed pages that v_free_count does not count: the pool empties
// under a burst of allocations and refills in one go when pagezero next
// wakes (it sleeps up to a second while the pool is full).  So the count
// is read once it has not changed for longer than that.
long long settled_free_pages()
{
    constexpr int STEP_MS = 50, STABLE_STEPS = 24, MAX_STEPS = 400;
    long long last = free_pages();
    for (int i = 0, same = 0; i < MAX_STEPS && same < STABLE_STEPS; i++) {
        sleep_ms(STEP_MS);
        const long long now = free_pages();
        same = now == last ? same + 1 : 0;
        last = now;
    }
    return last;
}

Baseline Baseline::now(int concurrent)
{
    warm_up(concurrent);
    const int procs = proc_count(); // first: its buffer's pages are touched once
    return Baseline{settled_free_pages(), procs};
}

void Baseline::check_back() const
{
    // Exits and reaping finish asynchronously (the suite, as init, reaps
    // orphans between polls): a few settled readings before giving up.
    Baseline b;
    for (int i = 0; i < 5; i++) {
        b.procs = proc_count();
        b.free = settled_free_pages();
        if (b.free == free && b.procs == procs) return;
    }
    fail("not back at baseline: free pages %lld (was %lld), processes %d (was %d)", b.free,
         free, b.procs, procs);
}

} // namespace suite
