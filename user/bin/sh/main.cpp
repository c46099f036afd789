// sh: Sprig's small shell.  Reads lines, runs programs with arguments
// (fork + execvp, PATH /bin), "cmd &" in the background, pipelines
// "a | b | c" (one process group per job, put in the terminal's
// foreground while it runs), shows a non-zero exit status or the killing
// signal; several on a line separated by ";"; builtins exit [n], wait
// and help (builtins.cpp).  ^C at the prompt does not kill
// the shell: it ignores SIGINT (and SIGQUIT, and SIGTTOU so that it can
// take the terminal back), and its children get the defaults again.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "builtins.h"
#include "jobs.h"
#include "parse.h"

namespace {

constexpr int kTty = STDIN_FILENO;

// The job-control signals the shell ignores and its children must not.
constexpr int kShellIgnores[] = {SIGINT, SIGQUIT, SIGTTOU, SIGTSTP, SIGTTIN};

void set_job_signals(sig_t how)
{
    for (int sig : kShellIgnores) signal(sig, how);
}

// In the child: joins the job's group (pgid 0: starts it), takes the
// terminal if in the foreground, wires the pipe ends, execs.
[[noreturn]] void run_child(const sh::Command& cmd, pid_t pgid, bool foreground, int in, int out,
                            int close_too)
{
    setpgid(0, pgid);
    if (foreground) tcsetpgrp(kTty, pgid ? pgid : getpid());
    set_job_signals(SIG_DFL);
    if (in != STDIN_FILENO) {
        dup2(in, STDIN_FILENO);
        close(in);
    }
    if (out != STDOUT_FILENO) {
        dup2(out, STDOUT_FILENO);
        close(out);
    }
    if (close_too >= 0) close(close_too);
    execvp(cmd.argv[0], cmd.argv);
    const int err = errno;
    fprintf(stderr, "sh: %s: %s\n", cmd.argv[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126); // POSIX's "not found" and "not runnable"
}

// Starts every command of the pipeline; returns how many started.
int start_pipeline(const sh::Pipeline& p, pid_t* pids, pid_t* pgid_out)
{
    pid_t pgid = 0;
    int in = STDIN_FILENO, started = 0;
    for (int i = 0; i < p.ncommands; i++) {
        int fds[2] = {-1, -1};
        const bool last = i == p.ncommands - 1;
        if (!last && pipe(fds) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        const int out = last ? STDOUT_FILENO : fds[1];
        const pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
            if (!last) {
                close(fds[0]);
                close(fds[1]);
            }
            break;
        }
        if (pid == 0) run_child(p.commands[i], pgid, !p.background, in, out, last ? -1 : fds[0]);
        // Both sides set the group, so neither order of running races.
        if (!pgid) pgid = pid;
        setpgid(pid, pgid);
        pids[started++] = pid;
        if (in != STDIN_FILENO) close(in);
        if (!last) {
            close(fds[1]);
            in = fds[0];
        }
    }
    if (in != STDIN_FILENO) close(in);
    *pgid_out = pgid;
    return started;
}

// Waits for a foreground job's processes, then takes the terminal back.
// A job that stops (^Z, SIGSTOP) is left to run on as a background job
// rather than hanging the shell: there is no fg to bring it back, but
// kill -CONT can.
void wait_foreground(const sh::Pipeline& p, const pid_t* pids, int n, pid_t pgid)
{
    tcsetpgrp(kTty, pgid);
    int last_status = 0;
    for (int i = 0; i < n; i++) {
        int status = 0;
        pid_t r;
        while ((r = waitpid(pids[i], &status, WUNTRACED)) < 0 && errno == EINTR) {
        }
        if (r > 0 && WIFSTOPPED(status)) {
            tcsetpgrp(kTty, getpgrp());
            printf("[%d] Stopped (kill -CONT -%d resumes it)\n", pgid, pgid);
            sh::jobs_add(pgid, pids + i, n - i);
            return;
        }
        if (i == n - 1) last_status = status;
    }
    tcsetpgrp(kTty, getpgrp());
    if (n == p.ncommands) sh::report_status(p.commands[n - 1].argv[0], last_status);
}

void run_pipeline(const sh::Pipeline& p)
{
    if (sh::run_builtin(p)) return;
    pid_t pids[sh::kMaxCommands], pgid;
    const int n = start_pipeline(p, pids, &pgid);
    if (n == 0) return;
    if (p.background) {
        printf("[%d]\n", pgid);
        sh::jobs_add(pgid, pids, n);
    } else {
        wait_foreground(p, pids, n, pgid);
    }
}

// Runs the line's pipelines in turn ("a; b | c; d &"), none of them when
// any has a syntax error.
void run_line(const char* line)
{
    static sh::Pipeline p; // large (its word buffer): not on the stack
    const sh::ParseError e = sh::check_list(line, &p);
    if (e == sh::ParseError::Empty) return;
    if (e != sh::ParseError::None) {
        fprintf(stderr, "sh: %s\n", sh::parse_error_text(e));
        return;
    }
    for (const char* r = line; r;) {
        if (sh::parse_line(r, &p, &r) == sh::ParseError::None) run_pipeline(p);
    }
}

// One line from stdin, without its newline; false at end of file.
bool read_line(char* buf, size_t size)
{
    size_t n = 0;
    for (;;) {
        const int c = getchar();
        if (c == EOF) {
            if (ferror(stdin) && errno == EINTR) {
                clearerr(stdin);
                continue;
            }
            buf[n] = '\0';
            return n > 0;
        }
        if (c == '\n') break;
        if (n + 1 < size) buf[n++] = static_cast<char>(c);
    }
    buf[n] = '\0';
    return true;
}

} // namespace

int main()
{
    set_job_signals(SIG_IGN);
    // A shell started in the background of another has no terminal to
    // itself; it still runs, without job control on the terminal.
    setpgid(0, 0);
    tcsetpgrp(kTty, getpgrp());
    static char line[sh::kMaxLine + 1];
    const char* prompt = geteuid() == 0 ? "# " : "$ ";
    for (;;) {
        sh::jobs_reap_finished();
        fputs(prompt, stdout);
        fflush(stdout);
        if (!read_line(line, sizeof(line))) break;
        run_line(line);
    }
    putchar('\n');
    return 0;
}
