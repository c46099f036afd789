// forkloop [vfork] N: fork (or vfork) N times; each child _exits at once
// and the parent reaps it with wait4.  The count comes last, so
// `make profile PROG=/bin/forkloop ITERS=200` can run it with N and
// with 0 and subtract (docs/performance.md, "Profiling").  Exits 0 when
// every child exited 0, 1 otherwise.  It prints rdinstret's count per
// iteration (user, kernel and firmware instructions: exact under QEMU's
// -icount), which the profiler checks its kernel figure against.
#include <sprig/counters.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

bool parse_count(const char* s, long* n)
{
    char* end;
    *n = strtol(s, &end, 10);
    return *s && !*end && *n >= 0;
}

// One child, reaped; false if it could not be made or did not exit 0.
bool fork_one(bool use_vfork)
{
    const pid_t pid = use_vfork ? vfork() : fork();
    if (pid < 0) {
        perror("forkloop: fork");
        return false;
    }
    if (pid == 0) _exit(0);
    int status;
    if (wait4(pid, &status, 0, nullptr) != pid) {
        perror("forkloop: wait4");
        return false;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

int main(int argc, char** argv)
{
    const bool use_vfork = argc == 3 && strcmp(argv[1], "vfork") == 0;
    long n;
    if (argc != 2 + use_vfork || !parse_count(argv[argc - 1], &n)) {
        fprintf(stderr, "usage: forkloop [vfork] count\n");
        return 2;
    }
    const uint64_t start = rdinstret();
    for (long i = 0; i < n; i++)
        if (!fork_one(use_vfork)) return 1;
    const uint64_t spent = rdinstret() - start;
    // The same number of bytes whatever n is: the console's cost must not
    // differ between the profiler's two runs.
    printf("forkloop: %12ld %s+_exit+wait4, instret/iter=%12llu\n", n,
           use_vfork ? "vfork" : "fork", static_cast<unsigned long long>(n ? spent / n : 0));
    return 0;
}
