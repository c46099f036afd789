// The case runner: one forked child per case, a time limit, the orphans
// reaped, one line per case.  See check.h.
#include "check.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace suite {
namespace {

const char* g_case = "?"; // the running case's name, for fail()

// How often the runner looks at its case while waiting: one clock tick.
constexpr long POLL_NS = 10 * 1000 * 1000;

struct Outcome {
    bool passed = false;
    bool said = false;   // the case printed its own FAIL line
    char why[96] = "";
};

[[noreturn]] void run_in_child(const Case& c)
{
    g_case = c.name;
    // Its own group, so that the runner can kill whatever it starts.
    (void)setpgid(0, 0);
    c.fn();
    fflush(stdout);
    _exit(0);
}

Outcome judge(int status)
{
    Outcome o;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        o.passed = true;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == FAILED_AND_SAID_SO) {
        o.said = true;
    } else if (WIFEXITED(status)) {
        snprintf(o.why, sizeof o.why, "exited with status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        snprintf(o.why, sizeof o.why, "killed by signal %d", WTERMSIG(status));
    } else {
        snprintf(o.why, sizeof o.why, "unexpected wait status 0x%x", status);
    }
    return o;
}

// Waits for the case's process; reaps any other child on the way (the
// case's orphans, when the suite is init).  Kills the case's group when
// its time is up.
Outcome wait_case(pid_t pid, int timeout_s)
{
    const long polls = timeout_s * (1000000000L / POLL_NS);
    for (long i = 0; i <= polls; i++) {
        int status = 0;
        pid_t got;
        while ((got = waitpid(-1, &status, WNOHANG)) > 0)
            if (got == pid) return judge(status);
        if (got < 0 && errno != EINTR) {
            Outcome o;
            snprintf(o.why, sizeof o.why, "runner's waitpid failed: %s", errno_name(errno));
            return o;
        }
        timespec ts = {0, POLL_NS};
        (void)nanosleep(&ts, nullptr);
    }
    (void)kill(-pid, SIGKILL);
    (void)kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    Outcome o;
    snprintf(o.why, sizeof o.why, "timed out after %d s", timeout_s);
    return o;
}

// The number of processes (kern.proc.all's records), -1 when unknown.
int processes()
{
    // Touched in full once, so that a longer list later faults in nothing.
    static char buf[64 * 1024];
    static bool touched;
    if (!touched) memset(buf, 0, sizeof buf);
    touched = true;
    int mib[3] = {1, 14, 0}; // CTL_KERN, KERN_PROC, KERN_PROC_ALL
    size_t len = sizeof buf;
    if (sysctl(mib, 3, buf, &len, nullptr, 0) != 0 || len < sizeof(int)) return -1;
    int structsize = 0;
    memcpy(&structsize, buf, sizeof structsize);
    return structsize > 0 ? static_cast<int>(len / static_cast<size_t>(structsize)) : -1;
}

// Before the check: up to a second for what the case left behind (its
// orphans, reparented to the runner when it is init) to exit and be
// reaped, so that no process of the case is half-way through a change
// the checker would see (docs/reliability.md).
void let_case_settle(int before)
{
    for (int i = 0; i < 100 && before >= 0 && processes() > before; i++) {
        int status;
        while (waitpid(-1, &status, WNOHANG) > 0) {}
        timespec ts = {0, POLL_NS};
        (void)nanosleep(&ts, nullptr);
    }
}

bool selected(const Case& c, int argc, char** argv)
{
    return argc < 2 || strstr(c.name, argv[1]) != nullptr;
}

} // namespace

int kernel_invariants()
{
    const int one = 1;
    if (sysctlbyname("debug.invariants.check", nullptr, nullptr, &one, sizeof one) < 0) return -1;
    int found = 0;
    size_t len = sizeof found;
    if (sysctlbyname("debug.invariants.violations", &found, &len, nullptr, 0) < 0) return -1;
    return found;
}

int run(const char* program, const Case* cases, size_t ncases, int argc, char** argv)
{
    int passed = 0, failed = 0;
    printf("%s: %zu cases\n", program, ncases);
    for (size_t i = 0; i < ncases; i++) {
        const Case& c = cases[i];
        if (!selected(c, argc, argv)) continue;
        fflush(stdout); // or the child would print the runner's buffer again
        const int before = processes();
        const pid_t pid = fork();
        if (pid == 0) run_in_child(c);
        Outcome o;
        if (pid < 0) {
            snprintf(o.why, sizeof o.why, "fork for the case failed: %s", errno_name(errno));
        } else {
            (void)setpgid(pid, pid);
            o = wait_case(pid, c.timeout_s);
        }
        let_case_settle(before);
        // The checker after every case (root's: another user's runner
        // cannot run it, and says nothing of it).
        if (const int broken = geteuid() == 0 ? kernel_invariants() : 0; broken != 0) {
            char what[80];
            if (broken > 0)
                snprintf(what, sizeof what, "%d kernel invariants broken (the INVARIANT: lines above)",
                         broken);
            else
                snprintf(what, sizeof what, "the invariant checker did not run: %s", errno_name(errno));
            if (o.passed || o.said) {
                printf("FAIL - %s: after the case, %s\n", c.name, what);
                o.said = true;
            } else {
                const size_t n = strlen(o.why);
                snprintf(o.why + n, sizeof o.why - n, "; %s", what);
            }
            o.passed = false;
        }
        if (o.passed) {
            passed++;
            printf("ok - %s\n", c.name);
        } else {
            failed++;
            if (!o.said) printf("FAIL - %s: %s\n", c.name, o.why);
        }
    }
    if (passed + failed == 0) {
        // A filter that matches nothing is a mistake, not a pass.
        printf("FAIL - no case matches '%s'\n", argc >= 2 ? argv[1] : "");
        failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed > 255 ? 255 : failed;
}

void fail(const char* fmt, ...)
{
    printf("FAIL - %s: ", g_case);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    _exit(FAILED_AND_SAID_SO);
}

const char* errno_name(int e)
{
    static const struct { int e; const char* name; } names[] = {
        {0, "0"}, {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"},
        {EIO, "EIO"}, {E2BIG, "E2BIG"}, {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"},
        {ECHILD, "ECHILD"}, {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
        {EFAULT, "EFAULT"}, {EEXIST, "EEXIST"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"}, {EMFILE, "EMFILE"}, {ENOTTY, "ENOTTY"}, {ESPIPE, "ESPIPE"},
        {EROFS, "EROFS"}, {EPIPE, "EPIPE"}, {ERANGE, "ERANGE"}, {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOSYS, "ENOSYS"},
    };
    // Several per failure line (got and wanted), so a few buffers in turn.
    static char bufs[4][32];
    static unsigned next;
    char* buf = bufs[next++ % 4];
    for (const auto& n : names)
        if (n.e == e) {
            snprintf(buf, sizeof bufs[0], "%s (%d)", n.name, e);
            return buf;
        }
    snprintf(buf, sizeof bufs[0], "errno %d", e);
    return buf;
}

} // namespace suite
