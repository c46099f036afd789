// forkbomb [-u uid]: the experiment every fork-centred kernel must survive.
// Forks for ever, and so does every child, until ^C (SIGINT to the whole
// foreground group) ends them all.  With -u it first becomes that user, so
// RLIMIT_NPROC stops it; as root, memory runs out first and the kernel's
// out-of-memory rules decide who dies.  Every 100th refused fork prints a
// line, so you can watch the limits hold.  Afterwards `ps` shows none left
// and `sysctl vm.stats.vm.v_free_count` every page back.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    if (argc == 3 && strcmp(argv[1], "-u") == 0) {
        char* end;
        const long uid = strtol(argv[2], &end, 10);
        if (*end || uid < 0 || setuid(static_cast<uid_t>(uid)) != 0) {
            fprintf(stderr, "forkbomb: cannot become uid %s: %s\n", argv[2], strerror(errno));
            return 2;
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: forkbomb [-u uid]\n");
        return 2;
    }
    printf("forkbomb: pid %d forks for ever; ^C ends every copy\n", getpid());
    fflush(stdout);
    for (unsigned long refused = 0;;) {
        if (fork() >= 0) continue;
        if (++refused % 100 == 0) {
            printf("forkbomb: pid %d: %lu forks refused (%s)\n", getpid(), refused, strerror(errno));
            fflush(stdout);
        }
    }
}
