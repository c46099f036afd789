// kill [-s sig | -sig] [--] pid ...   and   kill -l
// Sends a signal (SIGTERM unless named; a name, with or without SIG, or
// a number) to each pid: a negative pid is a process group, 0 the
// caller's group and -1 every process the caller may signal, as
// kill(2) takes them.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

int usage()
{
    fprintf(stderr, "usage: kill [-s signal | -signal] [--] pid ...\n       kill -l\n");
    return 2;
}

void list_signals()
{
    for (int sig = 1; sig < NSIG; sig++)
        printf("%2d %s%s", sig, sys_signame[sig], sig % 8 && sig != NSIG - 1 ? "\t" : "\n");
}

// A pid argument: an optional '-' and digits only.
bool parse_pid(const char* s, pid_t* out)
{
    char* end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < -0x7fffffffL || v > 0x7fffffffL) return false;
    *out = static_cast<pid_t>(v);
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    int i = 1, sig = SIGTERM;
    if (argc < 2) return usage();
    if (strcmp(argv[1], "-l") == 0) {
        list_signals();
        return 0;
    }
    if (strcmp(argv[i], "-s") == 0) {
        if (argc < 3) return usage();
        sig = sig_from_name(argv[i + 1]);
        i += 2;
    } else if (argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
        sig = sig_from_name(argv[i] + 1);
        i++;
    }
    if (sig < 0) {
        fprintf(stderr, "kill: %s: unknown signal; kill -l lists them\n", argv[i - 1]);
        return 2;
    }
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    if (i >= argc) return usage();
    int status = 0;
    for (; i < argc; i++) {
        pid_t pid;
        if (!parse_pid(argv[i], &pid)) {
            fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
            status = 1;
        } else if (kill(pid, sig) < 0) {
            fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
