// procwatch pid          procwatch -- command [arg ...]
// Shows a process tree being built, live: one line per fork, exec and
// exit of the process and of every descendant it makes from now on
// (kqueue's EVFILT_PROC with NOTE_TRACK, which gives each new child a
// knote of its own and reports it with NOTE_CHILD).  With a command,
// procwatch runs it, watching from before its exec.  Ends when every
// watched process has exited.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/event.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr unsigned WATCH = NOTE_EXIT | NOTE_FORK | NOTE_EXEC | NOTE_TRACK;

int usage()
{
    fprintf(stderr, "usage: procwatch pid\n       procwatch -- command [arg ...]\n");
    return 2;
}

int watch(int kq, pid_t pid)
{
    struct kevent kev;
    EV_SET(&kev, pid, EVFILT_PROC, EV_ADD | EV_CLEAR, WATCH, 0, nullptr);
    return kevent(kq, &kev, 1, nullptr, 0, nullptr);
}

// Starts argv stopped at a pipe until the watch is in place; its pid.
pid_t start(int kq, char** argv)
{
    int gate[2];
    if (pipe(gate) == -1) return -1;
    const pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(gate[1]);
        (void)read(gate[0], &c, 1);
        close(gate[0]);
        close(kq);
        execvp(argv[0], argv);
        fprintf(stderr, "procwatch: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(gate[0]);
    if (pid > 0 && watch(kq, pid) == -1) perror("procwatch: kevent");
    close(gate[1]); // the child goes on
    return pid;
}

// One line per event; returns how many processes it adds (+1) or ends (-1).
int show(const struct kevent& ev)
{
    const long pid = static_cast<long>(ev.ident);
    int delta = 0;
    if (ev.fflags & NOTE_CHILD) {
        printf("%ld: forked by %ld\n", pid, static_cast<long>(ev.data & NOTE_PDATAMASK));
        delta++;
    }
    if (ev.fflags & NOTE_FORK) printf("%ld: fork\n", pid);
    if (ev.fflags & NOTE_EXEC) printf("%ld: exec\n", pid);
    if (ev.fflags & NOTE_TRACKERR) printf("%ld: a child could not be tracked\n", pid);
    if (ev.fflags & NOTE_EXIT) {
        const int st = static_cast<int>(ev.data);
        if (WIFSIGNALED(st))
            printf("%ld: exit, killed by signal %d\n", pid, WTERMSIG(st));
        else
            printf("%ld: exit %d\n", pid, WEXITSTATUS(st));
        delta--;
    }
    fflush(stdout);
    return delta;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) return usage();
    const int kq = kqueue();
    if (kq < 0) {
        perror("procwatch: kqueue");
        return 1;
    }
    pid_t root;
    if (strcmp(argv[1], "--") == 0) {
        if (argc < 3) return usage();
        root = start(kq, argv + 2);
        if (root < 0) {
            perror("procwatch: fork");
            return 1;
        }
    } else {
        char* end;
        root = static_cast<pid_t>(strtol(argv[1], &end, 10));
        if (!*argv[1] || *end || root < 0 || argc != 2) return usage();
        if (watch(kq, root) == -1) {
            fprintf(stderr, "procwatch: %ld: %s\n", static_cast<long>(root), strerror(errno));
            return 1;
        }
    }
    printf("%ld: watching\n", static_cast<long>(root));
    int alive = 1;
    while (alive > 0) {
        struct kevent ev;
        const int n = kevent(kq, nullptr, 0, &ev, 1, nullptr);
        if (n == -1) {
            if (errno == EINTR) continue;
            perror("procwatch: kevent");
            return 1;
        }
        alive += show(ev);
    }
    if (strcmp(argv[1], "--") == 0) {
        int st;
        (void)waitpid(root, &st, 0);
    }
    return 0;
}
