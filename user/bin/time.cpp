// time command [arg ...]: runs the command, then prints to stderr how
// long it took (real), the CPU time it and the children it waited for
// used in user mode and in the kernel (wait4's rusage; whole clock
// ticks, 10 ms each), its page faults and context switches, as
// FreeBSD's time -l prints them.  The command's exit status is time's;
// 127 when it cannot be run, 126 when it is not executable.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

double seconds(const timespec& a, const timespec& b)
{
    return static_cast<double>(b.tv_sec - a.tv_sec) + static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e9;
}

double seconds(const ktimeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

void report(double real, const rusage& ru)
{
    fprintf(stderr, "%12.2f real %12.2f user %12.2f sys\n", real, seconds(ru.ru_utime), seconds(ru.ru_stime));
    fprintf(stderr, "%12ld  page reclaims\n", static_cast<long>(ru.ru_minflt));
    fprintf(stderr, "%12ld  page faults\n", static_cast<long>(ru.ru_majflt));
    fprintf(stderr, "%12ld  voluntary context switches\n", static_cast<long>(ru.ru_nvcsw));
    fprintf(stderr, "%12ld  involuntary context switches\n", static_cast<long>(ru.ru_nivcsw));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: time command [arg ...]\n");
        return 1;
    }
    timespec start{}, end{};
    clock_gettime(CLOCK_MONOTONIC, &start);
    const pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "time: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        const int e = errno;
        fprintf(stderr, "time: %s: %s\n", argv[1], strerror(e));
        _exit(e == ENOENT ? 127 : 126);
    }
    // Like FreeBSD's time: ^C and ^\ are for the command, not for us.
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int status = 0;
    rusage ru{};
    pid_t got;
    while ((got = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {}
    if (got < 0) {
        fprintf(stderr, "time: wait4: %s\n", strerror(errno));
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    report(seconds(start, end), ru);
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "time: command terminated abnormally (signal %d)\n", WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}
