// The background job table: a few slots of process groups and their
// pids; a finished pid is crossed out, a job with none left is reported.
#include "jobs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

namespace sh {
namespace {

constexpr int kMaxJobs = 16;
constexpr int kMaxPids = 8;

struct Job {
    pid_t pgid = 0; // 0: a free slot
    pid_t pids[kMaxPids] = {};
    int left = 0;
    int last_status = 0;
};

Job jobs[kMaxJobs];

// Crosses pid out of its job; reports and frees the job when it was the
// last.  False when the pid is not a background job's.
bool job_finished(pid_t pid, int status)
{
    for (Job& j : jobs) {
        if (!j.pgid) continue;
        for (pid_t& p : j.pids) {
            if (p != pid) continue;
            p = 0;
            j.last_status = status;
            if (--j.left == 0) {
                char prefix[32];
                snprintf(prefix, sizeof(prefix), "[%d]", j.pgid);
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0) printf("%s Done\n", prefix);
                else report_status(prefix, status);
                j.pgid = 0;
            }
            return true;
        }
    }
    return false;
}

} // namespace

void jobs_add(pid_t pgid, const pid_t* pids, int n)
{
    for (Job& j : jobs) {
        if (j.pgid) continue;
        j.pgid = pgid;
        j.left = 0;
        for (int i = 0; i < n && i < kMaxPids; i++) j.pids[j.left++] = pids[i];
        return;
    }
    // No slot: the job runs unreported, and is reaped as an unknown child.
}

void jobs_reap_finished()
{
    int status;
    pid_t pid;
    while ((pid = waitpid(WAIT_ANY, &status, WNOHANG)) > 0) job_finished(pid, status);
}

void jobs_wait_all()
{
    int status;
    pid_t pid;
    while ((pid = waitpid(WAIT_ANY, &status, 0)) > 0) job_finished(pid, status);
    // ECHILD is the normal end; EINTR (^C) ends the wait early.
}

void report_status(const char* prefix, int status)
{
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status)) printf("%s: exit %d\n", prefix, WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        if (sig > 0 && sig < NSIG) printf("%s: killed by SIG%s\n", prefix, sys_signame[sig]);
        else printf("%s: killed by signal %d\n", prefix, sig);
    } else if (WIFSTOPPED(status)) {
        printf("%s: stopped by signal %d\n", prefix, WSTOPSIG(status));
    }
}

} // namespace sh
