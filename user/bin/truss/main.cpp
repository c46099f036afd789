// truss [-f] [-o file] command [arg ...]
// A one-shot trace in the spirit of FreeBSD's truss(1): runs the command
// with its system calls, their returns and its signals traced into a
// pipe (Sprig's ktrace(2) takes "/dev/fd/N" as a sink) and prints each
// record as it comes, in kdump(1)'s format, on standard error (or into
// file), so the command's own output stays where it was.  -f follows
// its children (KTRFAC_INHERIT).  truss exits with the command's status.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ktrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dump.h"

namespace {

int usage()
{
    fprintf(stderr, "usage: truss [-f] [-o file] command [arg ...]\n");
    return 2;
}

struct Options {
    bool follow = false;
    const char* out = nullptr;
    int first_arg = 0;
};

bool parse_options(int argc, char** argv, Options* o)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-f") == 0) {
            o->follow = true;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            o->out = argv[++i];
        } else {
            return false;
        }
    }
    o->first_arg = i;
    return i < argc;
}

// The child: trace itself into the pipe's write end, let go of the
// descriptor (the trace holds the pipe), become the command.
[[noreturn]] void run_traced(int wfd, int rfd, const Options& o, char** argv)
{
    close(rfd);
    char sink[32];
    snprintf(sink, sizeof sink, "/dev/fd/%d", wfd);
    const int facs = KTRFAC_SYSCALL | KTRFAC_SYSRET | KTRFAC_PSIG | KTRFAC_NAMEI |
                     (o.follow ? KTRFAC_INHERIT : 0);
    if (ktrace(sink, KTROP_SET, facs, getpid()) < 0) {
        fprintf(stderr, "truss: ktrace: %s\n", strerror(errno));
        _exit(127);
    }
    close(wfd);
    execvp(argv[0], argv);
    fprintf(stderr, "truss: %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    if (!parse_options(argc, argv, &o)) return usage();
    FILE* out = stderr;
    if (o.out && !(out = fopen(o.out, "w"))) {
        fprintf(stderr, "truss: %s: %s\n", o.out, strerror(errno));
        return 1;
    }
    int p[2];
    if (pipe(p) < 0) {
        perror("truss: pipe");
        return 1;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        perror("truss: fork");
        return 1;
    }
    if (pid == 0) run_traced(p[1], p[0], o, argv + o.first_arg);
    close(p[1]);
    // The pipe ends when the last traced process lets go of the sink.
    const int bad = truss::dump(p[0], out);
    close(p[0]);
    if (out != stderr) fclose(out);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return 1;
    if (bad) return 1;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}
