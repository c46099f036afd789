// pwait [-t timeout] [-ov] pid ...
// FreeBSD's pwait(1): waits until every given process has exited (any
// one with -o), without being their parent, through kqueue's NOTE_EXIT.
// -v prints how each ended; -t gives up after timeout seconds (exit 124).
// A pid that does not exist is reported and skipped.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/event.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

int usage()
{
    fprintf(stderr, "usage: pwait [-t timeout] [-ov] pid ...\n");
    return 2;
}

bool parse_pid(const char* s, pid_t* out)
{
    char* end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 0 || v > 99999) return false;
    *out = static_cast<pid_t>(v);
    return true;
}

void report(const struct kevent& ev)
{
    const int st = static_cast<int>(ev.data);
    const long pid = static_cast<long>(ev.ident);
    if (WIFEXITED(st))
        printf("%ld: exited with status %d.\n", pid, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%ld: killed by signal %d.\n", pid, WTERMSIG(st));
    else
        printf("%ld: terminated.\n", pid);
}

struct Options {
    bool verbose = false, any = false;
    bool timed = false;
    timespec timeout{0, 0};
};

// -t's argument: whole seconds.
bool parse_timeout(const char* s, timespec* ts)
{
    char* end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 0 || v > 100000000L) return false;
    ts->tv_sec = static_cast<time_t>(v);
    ts->tv_nsec = 0;
    return true;
}

// The time from now to deadline (zero once it has passed).
timespec remaining(const timespec& deadline)
{
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = (static_cast<long long>(deadline.tv_sec) - now.tv_sec) * 1000000000LL +
                   (deadline.tv_nsec - now.tv_nsec);
    if (ns < 0) ns = 0;
    return timespec{static_cast<time_t>(ns / 1000000000LL), static_cast<long>(ns % 1000000000LL)};
}

// The options before the pids: -o, -v, -t N (also -ov, -tN); false on
// anything else.  *first is the first pid's index.
bool parse_options(int argc, char** argv, Options* o, int* first)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char* p = argv[i] + 1; *p; p++) {
            if (*p == 'o') {
                o->any = true;
            } else if (*p == 'v') {
                o->verbose = true;
            } else if (*p == 't') {
                const char* arg = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : nullptr);
                if (!arg || !parse_timeout(arg, &o->timeout)) return false;
                o->timed = true;
                break;
            } else {
                return false;
            }
        }
    }
    *first = i;
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    int optind = 0;
    if (!parse_options(argc, argv, &o, &optind) || optind >= argc) return usage();
    const int kq = kqueue();
    if (kq < 0) {
        perror("pwait: kqueue");
        return 1;
    }
    int watching = 0, status = 0;
    for (int i = optind; i < argc; i++) {
        pid_t pid;
        if (!parse_pid(argv[i], &pid)) {
            fprintf(stderr, "pwait: %s: bad process id\n", argv[i]);
            status = 1;
            continue;
        }
        struct kevent kev;
        EV_SET(&kev, pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
        if (kevent(kq, &kev, 1, nullptr, 0, nullptr) == -1) {
            fprintf(stderr, "pwait: %ld: %s\n", static_cast<long>(pid), strerror(errno));
            status = 1;
            continue;
        }
        watching++;
    }
    timespec deadline{};
    if (o.timed) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += o.timeout.tv_sec;
    }
    while (watching > 0) {
        struct kevent ev;
        timespec left{};
        if (o.timed) left = remaining(deadline);
        const int n = kevent(kq, nullptr, 0, &ev, 1, o.timed ? &left : nullptr);
        if (n == -1) {
            if (errno == EINTR) continue;
            perror("pwait: kevent");
            return 1;
        }
        if (n == 0) {
            if (o.verbose) printf("timeout\n");
            return 124;
        }
        if (o.verbose) report(ev);
        watching--;
        if (o.any) break;
    }
    return status;
}
