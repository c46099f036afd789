// The job list: a malloc'ed list of jobs, each with its pids; a pid that
// exits is crossed out, a job with none left is reported and freed.
#include "jobs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell.h"

namespace sh {
namespace {

struct Job {
    int id;
    pid_t pgid;
    pid_t* pids; // 0 once reaped
    int n, left;
    int status;   // the last process's wait status, once known
    bool stopped; // reported stopped, not continued since
    char* text;
    Job* next;
};

Job* g_jobs = nullptr;
bool g_quiet_stops = false; // the jobs builtin lists stopped jobs itself

int next_id()
{
    int id = 1;
    for (bool taken = true; taken; id += taken) {
        taken = false;
        for (Job* j = g_jobs; j; j = j->next) taken = taken || j->id == id;
    }
    return id;
}

Job* job_new(pid_t pgid, const pid_t* pids, int n, const char* text)
{
    Job* j = static_cast<Job*>(calloc(1, sizeof(Job)));
    pid_t* copy = static_cast<pid_t*>(malloc(sizeof(pid_t) * static_cast<size_t>(n)));
    const size_t tl = strlen(text ? text : "");
    char* t = static_cast<char*>(malloc(tl + 1));
    if (t) memcpy(t, text ? text : "", tl + 1);
    if (!j || !copy || !t) {
        free(j);
        free(copy);
        free(t);
        fprintf(stderr, "sh: out of memory: job %d not tracked\n", pgid);
        return nullptr;
    }
    memcpy(copy, pids, sizeof(pid_t) * static_cast<size_t>(n));
    j->id = next_id();
    j->pgid = pgid;
    j->pids = copy;
    j->n = j->left = n;
    j->text = t;
    Job** tail = &g_jobs;
    while (*tail) tail = &(*tail)->next;
    *tail = j;
    return j;
}

void job_free(Job* j)
{
    for (Job** pj = &g_jobs; *pj; pj = &(*pj)->next) {
        if (*pj == j) {
            *pj = j->next;
            break;
        }
    }
    free(j->pids);
    free(j->text);
    free(j);
}

void print_job(const Job* j, const char* state)
{
    printf("[%d] %-24s %s\n", j->id, state, j->text);
}

void report_done(const Job* j)
{
    char state[48];
    const int st = j->status;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) snprintf(state, sizeof state, "Done");
    else if (WIFEXITED(st)) snprintf(state, sizeof state, "Done(%d)", WEXITSTATUS(st));
    else if (WIFSIGNALED(st) && WTERMSIG(st) > 0 && WTERMSIG(st) < NSIG)
        snprintf(state, sizeof state, "Killed by SIG%s", sys_signame[WTERMSIG(st)]);
    else snprintf(state, sizeof state, "Killed by signal %d", WTERMSIG(st));
    print_job(j, state);
}

// What wait told about pid: false when it is no job's.
bool note(pid_t pid, int status)
{
    for (Job* j = g_jobs; j; j = j->next) {
        for (int i = 0; i < j->n; i++) {
            if (j->pids[i] != pid) continue;
            if (WIFSTOPPED(status)) {
                if (!j->stopped && !g_quiet_stops && g.interactive) print_job(j, "Stopped");
                j->stopped = true;
                return true;
            }
            j->pids[i] = 0;
            if (i == j->n - 1 || j->left == 1) j->status = status;
            if (--j->left == 0) {
                if (g.interactive) report_done(j); // scripts and sh -c stay quiet, as sh's
                job_free(j);
            }
            return true;
        }
    }
    return false;
}

Job* find(const char* which)
{
    if (!which) {
        Job* last = nullptr;
        for (Job* j = g_jobs; j; j = j->next) last = j;
        return last;
    }
    if (*which == '%') which++;
    const int id = atoi(which);
    for (Job* j = g_jobs; j; j = j->next)
        if (j->id == id) return j;
    return nullptr;
}

void take_terminal(pid_t pgid)
{
    if (g.jobctl) (void)tcsetpgrp(kTty, pgid);
}

// Waits for the job's processes that are left; the job is freed when all
// are gone.  Returns the status for $?.
int wait_job(Job* j, int* raw)
{
    int status = 0;
    for (int i = 0; i < j->n; i++) {
        if (!j->pids[i]) continue;
        int st = 0;
        pid_t r;
        while ((r = waitpid(j->pids[i], &st, WUNTRACED)) < 0 && errno == EINTR) {
        }
        if (r < 0) { // not ours any more (reaped elsewhere): forget it
            j->pids[i] = 0;
            j->left--;
            continue;
        }
        if (WIFSTOPPED(st)) {
            take_terminal(getpgrp());
            j->stopped = true;
            print_job(j, "Stopped"); // on the line after the terminal's ^Z
            if (raw) *raw = st;
            return 128 + WSTOPSIG(st);
        }
        j->pids[i] = 0;
        j->left--;
        j->status = st;
    }
    take_terminal(getpgrp());
    status = j->status;
    if (raw) *raw = status;
    job_free(j);
    return shell_status(status);
}

} // namespace

int shell_status(int st)
{
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    if (WIFSTOPPED(st)) return 128 + WSTOPSIG(st);
    return 1;
}

void job_background(pid_t pgid, const pid_t* pids, int n, const char* text)
{
    const Job* j = job_new(pgid, pids, n, text);
    if (j && g.interactive) printf("[%d] %d\n", j->id, pgid);
}

int wait_foreground(pid_t pgid, const pid_t* pids, int n, const char* text, int* raw)
{
    Job* j = job_new(pgid, pids, n, text);
    if (!j) { // no memory to track it: wait for the pids as they are
        int st = 0;
        for (int i = 0; i < n; i++)
            while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR) {
            }
        if (raw) *raw = st;
        return shell_status(st);
    }
    take_terminal(pgid);
    return wait_job(j, raw);
}

void jobs_reap_finished()
{
    int status;
    pid_t pid;
    while ((pid = waitpid(WAIT_ANY, &status, WNOHANG | WUNTRACED)) > 0) (void)note(pid, status);
}

bool any_running()
{
    for (Job* j = g_jobs; j; j = j->next)
        if (!j->stopped) return true;
    return false;
}

int builtin_wait()
{
    int status;
    pid_t pid;
    // Stopped jobs are not waited for: they would never end the wait.
    while (any_running() && (pid = waitpid(WAIT_ANY, &status, WUNTRACED)) > 0) (void)note(pid, status);
    // ECHILD is the normal end; EINTR (^C) ends the wait early.
    return 0;
}

int builtin_jobs()
{
    g_quiet_stops = true;
    jobs_reap_finished();
    g_quiet_stops = false;
    for (Job* j = g_jobs; j; j = j->next) print_job(j, j->stopped ? "Stopped" : "Running");
    return 0;
}

int builtin_fg(const char* which)
{
    Job* j = find(which);
    if (!j) {
        fprintf(stderr, "sh: fg: %s: no such job\n", which ? which : "current");
        return 1;
    }
    printf("%s\n", j->text);
    take_terminal(j->pgid);
    j->stopped = false;
    if (kill(-j->pgid, SIGCONT) < 0 && errno != ESRCH) fprintf(stderr, "sh: fg: %s\n", strerror(errno));
    int raw = 0;
    const int st = wait_job(j, &raw);
    if (!WIFSTOPPED(raw)) report_status("fg", raw);
    return st;
}

int builtin_bg(const char* which)
{
    Job* j = find(which);
    if (!j) {
        fprintf(stderr, "sh: bg: %s: no such job\n", which ? which : "current");
        return 1;
    }
    j->stopped = false;
    printf("[%d] %s &\n", j->id, j->text);
    if (kill(-j->pgid, SIGCONT) < 0) {
        fprintf(stderr, "sh: bg: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

void report_status(const char* prefix, int status)
{
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status)) printf("%s: exit %d\n", prefix, WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        if (sig > 0 && sig < NSIG) printf("%s: killed by SIG%s\n", prefix, sys_signame[sig]);
        else printf("%s: killed by signal %d\n", prefix, sig);
    }
}

} // namespace sh
