// init: pid 1.  The kernel gives it descriptors 0, 1 and 2 on the
// console; it opens nothing itself.  It makes a session with the console
// as its controlling terminal, starts /bin/sh in a process group of its
// own in the terminal's foreground, reaps every orphan the kernel hands
// it, and starts the shell again (with a message) when it dies.
//
// As FreeBSD's init(8), SIGUSR1 (halt) and SIGUSR2 (power off) end the
// system: every other process gets SIGTERM, then SIGKILL, all are
// reaped, and init exits, which the kernel takes as the end (SPRIG EXIT
// status=0, then SBI power-off).  `kill -USR2 1` from the shell does it.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/procctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr int kTty = STDIN_FILENO;
constexpr const char* kShell = "/bin/sh";

// Signals from the terminal are for the shell's jobs, never for init.
constexpr int kInitIgnores[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP};

// FreeBSD's die sequence, reduced: TERM, a grace second, KILL, reap
// everything, exit.  Run from the signal handler itself (so no request
// can slip in between a check and the next wait), with async-signal-safe
// calls only.
[[noreturn]] void shut_down(int)
{
    static const char msg[] = "init: powering off\n";
    write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    kill(-1, SIGTERM);
    sleep(1);
    kill(-1, SIGKILL);
    int status;
    while (wait(&status) > 0 || errno == EINTR) {
    }
    _exit(0);
}

void catch_shutdown_signals()
{
    struct sigaction sa = {};
    sa.sa_handler = shut_down;
    sigfillset(&sa.sa_mask); // nothing else runs while init goes down
    sigaction(SIGUSR1, &sa, nullptr);
    sigaction(SIGUSR2, &sa, nullptr);
}

pid_t start_shell()
{
    const pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "init: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        tcsetpgrp(kTty, getpid());
        for (int sig : kInitIgnores) signal(sig, SIG_DFL);
        signal(SIGUSR1, SIG_DFL);
        signal(SIGUSR2, SIG_DFL);
        char* const argv[] = {const_cast<char*>("sh"), nullptr};
        execv(kShell, argv);
        fprintf(stderr, "init: %s: %s\n", kShell, strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    tcsetpgrp(kTty, pid);
    // The out-of-memory killer spares the shell (FreeBSD's protect(1)):
    // the user needs it to stop whatever ran the memory out.
    int prot = PPROT_SET;
    if (procctl(P_PID, pid, PROC_SPROTECT, &prot) < 0)
        fprintf(stderr, "init: procctl(PROC_SPROTECT): %s\n", strerror(errno));
    return pid;
}

void report(int status)
{
    const int sig = WTERMSIG(status);
    if (WIFEXITED(status))
        printf("init: the shell exited with status %d\n", WEXITSTATUS(status));
    else if (WIFSIGNALED(status) && sig > 0 && sig < NSIG)
        printf("init: the shell was killed by SIG%s\n", sys_signame[sig]);
    else
        printf("init: the shell ended with status %#x\n", status);
}

} // namespace

int main()
{
    for (int sig : kInitIgnores) signal(sig, SIG_IGN);
    catch_shutdown_signals();
    if (setsid() < 0) fprintf(stderr, "init: setsid: %s\n", strerror(errno));
    if (ioctl(kTty, TIOCSCTTY, nullptr) < 0)
        fprintf(stderr, "init: no controlling terminal: %s\n", strerror(errno));
    pid_t shell = start_shell();
    for (;;) {
        int status;
        const pid_t pid = wait(&status);
        if (pid < 0) {
            if (errno == EINTR) continue;
            // No child at all (the shell could not even be forked): try
            // again, slowly.
            sleep(1);
            shell = start_shell();
            continue;
        }
        if (pid != shell) continue; // an orphan, reaped
        tcsetpgrp(kTty, getpgrp());
        report(status);
        printf("init: starting %s again\n", kShell);
        // A shell that dies at once (no terminal, a broken binary) must
        // not make init spin.
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) sleep(1);
        shell = start_shell();
    }
}
