// kqueue(2) and kevent(2) from user mode: EVFILT_PROC (NOTE_EXIT with
// the status, read after the exit; NOTE_EXEC; NOTE_TRACK through three
// generations; racing children), EVFILT_SIGNAL, EVFILT_READ/EVFILT_WRITE
// on pipes, EV_DELETE/EV_ONESHOT/EV_CLEAR, sleeps ended by a timeout or a
// signal, kqueues not inherited by fork, hostile arguments, and no leak.
#include "check.h"
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/event.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace suite;

namespace {

// A kqueue closed at the end of its scope.
struct Kq {
    int fd;
    Kq() : fd(kqueue()) { CHECK(fd >= 0); }
    ~Kq() { close(fd); }
};

int add(int kq, uintptr_t ident, short filter, unsigned short flags, unsigned fflags = 0)
{
    struct kevent kev;
    EV_SET(&kev, ident, filter, flags, fflags, 0, nullptr);
    return kevent(kq, &kev, 1, nullptr, 0, nullptr);
}

// Events ready now (zero timeout).
int poll_events(int kq, struct kevent* out, int n)
{
    const timespec zero{0, 0};
    return kevent(kq, nullptr, 0, out, n, &zero);
}

// One event, waiting at most ms.
int wait_event(int kq, struct kevent* out, long ms)
{
    const timespec to{ms / 1000, (ms % 1000) * 1000000};
    return kevent(kq, nullptr, 0, out, 1, &to);
}

// A child that waits for a byte on p, then runs f.
template <class F>
pid_t spawn_gated(Pipe& p, F f)
{
    return spawn([&p, f] {
        char c;
        p.close_w();
        if (read(p.r, &c, 1) != 1) return 99;
        return f();
    });
}

void kqueue_gives_a_descriptor_closed_by_close()
{
    const int kq = kqueue();
    CHECK(kq >= 0);
    char c;
    CHECK_ERR(read(kq, &c, 1), EBADF);
    CHECK_OK(close(kq));
    CHECK_ERR(close(kq), EBADF);
}

void note_exit_reported_after_the_exit()
{
    Kq kq;
    Pipe gate;
    const pid_t pid = spawn_gated(gate, [] { return 3; });
    CHECK_OK(add(kq.fd, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT));
    gate.close_r();
    write_num(gate.w, 1);
    sleep_ms(100); // the child is a zombie long before the read
    struct kevent ev[2];
    CHECK_EQ(poll_events(kq.fd, ev, 2), 1);
    CHECK_EQ(ev[0].ident, pid);
    CHECK_EQ(ev[0].fflags, NOTE_EXIT);
    CHECK(WIFEXITED(ev[0].data) && WEXITSTATUS(ev[0].data) == 3);
    CHECK_EQ(ev[0].flags, EV_EOF | EV_ONESHOT);
    CHECK_EQ(poll_events(kq.fd, ev, 2), 0); // once
    CHECK_EQ(exit_code_of(pid), 3);
    CHECK_ERR(add(kq.fd, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT), ESRCH); // reaped
}

void note_exec_then_exit()
{
    Kq kq;
    Pipe gate;
    const pid_t pid = spawn_gated(gate, [] {
        char* const argv[] = {const_cast<char*>("true"), nullptr};
        execv("/bin/true", argv);
        return 98;
    });
    CHECK_OK(add(kq.fd, pid, EVFILT_PROC, EV_ADD | EV_CLEAR, NOTE_EXEC | NOTE_EXIT));
    gate.close_r();
    write_num(gate.w, 1);
    unsigned seen = 0;
    struct kevent ev;
    while (!(seen & NOTE_EXIT) && wait_event(kq.fd, &ev, 5000) == 1) seen |= ev.fflags;
    CHECK_EQ(seen, NOTE_EXEC | NOTE_EXIT);
    CHECK_EQ(exit_code_of(pid), 0);
}

// Child, grandchild, great-grandchild: each forks the next and waits.
// The pauses let the watcher, woken by each event, read it before the
// next (a NOTE_CHILD read together with NOTE_EXIT carries the status).
int generation(int depth)
{
    sleep_ms(50);
    if (depth == 3) return 3;
    const pid_t c = fork();
    if (c < 0) return 90;
    if (c == 0) _exit(generation(depth + 1));
    int st;
    if (waitpid(c, &st, 0) != c) return 91;
    return depth;
}

void note_track_three_generations()
{
    Kq kq;
    Pipe gate;
    const pid_t p1 = spawn_gated(gate, [] { return generation(1); });
    CHECK_OK(add(kq.fd, p1, EVFILT_PROC, EV_ADD | EV_CLEAR, NOTE_TRACK | NOTE_FORK | NOTE_EXIT));
    gate.close_r();
    write_num(gate.w, 1);
    pid_t parent_of[3] = {0, 0, 0}; // of the NOTE_CHILD pids, in order
    pid_t child[3] = {0, 0, 0};
    int nchild = 0, nexit = 0, nfork = 0;
    struct kevent ev;
    while (nexit < 3 && wait_event(kq.fd, &ev, 5000) == 1) {
        if ((ev.fflags & NOTE_CHILD) && nchild < 3) {
            child[nchild] = pid_t(ev.ident);
            parent_of[nchild++] = pid_t(ev.data & NOTE_PDATAMASK);
        }
        if (ev.fflags & NOTE_FORK) nfork++;
        if (ev.fflags & NOTE_EXIT) nexit++;
        CHECK(!(ev.fflags & NOTE_TRACKERR));
    }
    CHECK_EQ(nexit, 3);
    CHECK_EQ(nfork, 2);
    CHECK_EQ(nchild, 2);
    CHECK_EQ(parent_of[0], p1);
    CHECK_EQ(parent_of[1], child[0]);
    CHECK_EQ(exit_code_of(p1), 1);
}

void racing_children_each_report_their_exit()
{
    constexpr int N = 16;
    Kq kq;
    pid_t pids[N];
    for (int i = 0; i < N; i++) pids[i] = spawn([i] { return i; });
    // Some have exited already (zombies: reported at once), some not.
    for (int i = 0; i < N; i++) CHECK_OK(add(kq.fd, pids[i], EVFILT_PROC, EV_ADD, NOTE_EXIT));
    int got = 0;
    bool seen[N] = {};
    struct kevent ev;
    while (got < N && wait_event(kq.fd, &ev, 5000) == 1) {
        for (int i = 0; i < N; i++) {
            if (pid_t(ev.ident) != pids[i]) continue;
            CHECK(!seen[i]);
            CHECK_EQ(WEXITSTATUS(ev.data), i);
            seen[i] = true;
            got++;
        }
    }
    CHECK_EQ(got, N);
    for (int i = 0; i < N; i++) CHECK_EQ(exit_code_of(pids[i]), i);
}

void signal_filter_counts_ignored_signals()
{
    Kq kq;
    signal(SIGUSR1, SIG_IGN);
    CHECK_OK(add(kq.fd, SIGUSR1, EVFILT_SIGNAL, EV_ADD));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(kill(getpid(), SIGUSR1));
    struct kevent ev[2];
    CHECK_EQ(poll_events(kq.fd, ev, 2), 1);
    CHECK_EQ(ev[0].ident, SIGUSR1);
    CHECK_EQ(ev[0].data, 2);
    CHECK_EQ(poll_events(kq.fd, ev, 2), 0);
    signal(SIGUSR1, SIG_DFL);
}

void pipe_filters_and_eof()
{
    Kq kq;
    Pipe p;
    CHECK_OK(add(kq.fd, p.r, EVFILT_READ, EV_ADD));
    CHECK_OK(add(kq.fd, p.w, EVFILT_WRITE, EV_ADD | EV_ONESHOT));
    struct kevent ev[2];
    CHECK_EQ(poll_events(kq.fd, ev, 2), 1);
    CHECK_EQ(ev[0].filter, EVFILT_WRITE);
    CHECK_EQ(ev[0].data, 16384);
    CHECK_EQ(write(p.w, "hello", 5), 5);
    CHECK_EQ(poll_events(kq.fd, ev, 2), 1); // the write knote was one-shot
    CHECK_EQ(ev[0].filter, EVFILT_READ);
    CHECK_EQ(ev[0].data, 5);
    CHECK_EQ(poll_events(kq.fd, ev, 2), 1); // level-triggered: still there
    p.close_w();
    CHECK_EQ(poll_events(kq.fd, ev, 2), 1);
    CHECK(ev[0].flags & EV_EOF);
    struct kevent del;
    EV_SET(&del, p.r, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
    CHECK_OK(kevent(kq.fd, &del, 1, nullptr, 0, nullptr));
    CHECK_ERR(kevent(kq.fd, &del, 1, nullptr, 0, nullptr), ENOENT);
    CHECK_EQ(poll_events(kq.fd, ev, 2), 0);
}

void close_removes_the_knote()
{
    Kq kq;
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(add(kq.fd, fds[0], EVFILT_READ, EV_ADD));
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_OK(close(fds[0]));
    struct kevent ev;
    CHECK_EQ(poll_events(kq.fd, &ev, 1), 0);
    struct kevent del;
    EV_SET(&del, fds[0], EVFILT_READ, EV_DELETE, 0, 0, nullptr);
    CHECK_ERR(kevent(kq.fd, &del, 1, nullptr, 0, nullptr), ENOENT);
    close(fds[1]);
}

void timeout_ends_an_empty_wait()
{
    Kq kq;
    timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct kevent ev;
    CHECK_EQ(wait_event(kq.fd, &ev, 100), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 90);
}

void on_usr2(int) {}

void signal_ends_a_wait_with_eintr()
{
    Kq kq;
    struct sigaction sa{};
    sa.sa_handler = on_usr2; // no SA_RESTART: kevent is never restarted anyway
    CHECK_OK(sigaction(SIGUSR2, &sa, nullptr));
    const pid_t me = getpid();
    const pid_t pid = spawn([me] {
        sleep_ms(100);
        return kill(me, SIGUSR2) == 0 ? 0 : 1;
    });
    struct kevent ev;
    CHECK_ERR(kevent(kq.fd, nullptr, 0, &ev, 1, nullptr), EINTR);
    check_child_ok(pid);
    signal(SIGUSR2, SIG_DFL);
}

void kqueue_not_inherited_by_fork()
{
    Kq kq;
    const int fd = kq.fd;
    check_child_ok(spawn([fd] {
        struct kevent ev;
        const timespec zero{0, 0};
        CHECK_ERR(kevent(fd, nullptr, 0, &ev, 1, &zero), EBADF);
        CHECK(!fd_is_open(fd));
        return 0;
    }));
    struct kevent ev;
    CHECK_EQ(poll_events(kq.fd, &ev, 1), 0); // the parent's is fine
}

void hostile_arguments()
{
    Kq kq;
    auto* bad = reinterpret_cast<struct kevent*>(0x10);
    struct kevent ev;
    const timespec zero{0, 0};
    CHECK_ERR(kevent(kq.fd, bad, 1, nullptr, 0, nullptr), EFAULT);
    CHECK_ERR(kevent(kq.fd, bad, 0x7fffffff, nullptr, 0, nullptr), EFAULT);
    CHECK_ERR(kevent(kq.fd, nullptr, -1, nullptr, 0, nullptr), EINVAL);
    CHECK_ERR(kevent(kq.fd, nullptr, 0, &ev, -1, nullptr), EINVAL);
    CHECK_ERR(kevent(kq.fd, nullptr, 0, &ev, 1, reinterpret_cast<timespec*>(0x10)), EFAULT);
    const timespec nsec_too_big{0, 1000000000};
    CHECK_ERR(kevent(kq.fd, nullptr, 0, &ev, 1, &nsec_too_big), EINVAL);
    CHECK_ERR(kevent(0x7fff, nullptr, 0, &ev, 1, &zero), EBADF);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERR(kevent(fds[0], nullptr, 0, &ev, 1, &zero), EBADF); // not a kqueue
    CHECK_ERR(add(kq.fd, 1, short(-99), EV_ADD), EINVAL);
    CHECK_ERR(add(kq.fd, 0x7ffe, EVFILT_READ, EV_ADD), EBADF);
    CHECK_ERR(add(kq.fd, 99999, EVFILT_PROC, EV_ADD, NOTE_EXIT), ESRCH);
    // An event to report into a bad list.
    CHECK_OK(add(kq.fd, fds[1], EVFILT_WRITE, EV_ADD));
    CHECK_ERR(kevent(kq.fd, nullptr, 0, bad, 1, &zero), EFAULT);
    // A failed change with room for it: an EV_ERROR event, not an error.
    struct kevent ch;
    EV_SET(&ch, 0x7ffe, EVFILT_READ, EV_ADD, 0, 0, nullptr);
    CHECK_EQ(kevent(kq.fd, &ch, 1, &ev, 1, &zero), 1);
    CHECK_EQ(ev.flags, EV_ERROR);
    CHECK_EQ(ev.data, EBADF);
    close(fds[0]);
    close(fds[1]);
}

void no_leak_across_kqueue_work()
{
    check_no_leak([] {
        Kq kq;
        Pipe gate;
        const pid_t pid = spawn_gated(gate, [] { return generation(2); });
        CHECK_OK(add(kq.fd, pid, EVFILT_PROC, EV_ADD | EV_CLEAR, NOTE_TRACK | NOTE_EXIT));
        CHECK_OK(add(kq.fd, gate.w, EVFILT_WRITE, EV_ADD));
        gate.close_r();
        write_num(gate.w, 1);
        exit_code_of(pid);
    });
}

void pwait_reports_each_exit()
{
    Pipe gate;
    const pid_t a = spawn_gated(gate, [] { return 3; });
    const pid_t b = spawn_gated(gate, [] {
        kill(getpid(), SIGTERM);
        return 0;
    });
    char sa[16], sb[16];
    snprintf(sa, sizeof sa, "%d", int(a));
    snprintf(sb, sizeof sb, "%d", int(b));
    // pwait runs in a child of ours: the two it watches are its siblings.
    const pid_t opener = spawn([&gate] {
        sleep_ms(200); // pwait is registered by then
        gate.close_r();
        write_num(gate.w, 1);
        write_num(gate.w, 1);
        return 0;
    });
    gate.close_w();
    Ran r;
    const char* const argv[] = {"/bin/pwait", "-v", sa, sb, "99999", nullptr};
    run_capture(argv, &r);
    check_child_ok(opener);
    char want[64];
    snprintf(want, sizeof want, "%d: exited with status 3.\n", int(a));
    CHECK(strstr(r.out, want) != nullptr);
    snprintf(want, sizeof want, "%d: killed by signal %d.\n", int(b), SIGTERM);
    CHECK(strstr(r.out, want) != nullptr);
    CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1); // 99999 does not exist
    wait_for(a);
    wait_for(b);
    const char* const bad[] = {"/bin/pwait", "-x", "1", nullptr};
    run_capture(bad, &r);
    CHECK_EQ(WEXITSTATUS(r.status), 2);
    const char* const timed[] = {"/bin/pwait", "-t", "1", "1", nullptr}; // init never exits
    run_capture(timed, &r);
    CHECK_EQ(WEXITSTATUS(r.status), 124);
}

void procwatch_shows_the_tree()
{
    Ran r;
    const char* const argv[] = {"/bin/procwatch", "--", "/bin/forkdemo", nullptr};
    run_capture(argv, &r);
    CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
    long root = 0, child = 0, parent = 0;
    CHECK(sscanf(r.out, "%ld: watching", &root) == 1);
    char line[64];
    snprintf(line, sizeof line, "%ld: exec\n", root);
    CHECK(strstr(r.out, line) != nullptr);
    snprintf(line, sizeof line, "%ld: fork\n", root);
    CHECK(strstr(r.out, line) != nullptr);
    const char* f = strstr(r.out, ": forked by ");
    CHECK(f != nullptr);
    const char* start = f;
    while (start > r.out && start[-1] != '\n') start--;
    CHECK(sscanf(start, "%ld: forked by %ld", &child, &parent) == 2);
    CHECK_EQ(parent, root);
    snprintf(line, sizeof line, "%ld: exit 0\n", child);
    CHECK(strstr(r.out, line) != nullptr);
    snprintf(line, sizeof line, "%ld: exit 0\n", root);
    CHECK(strstr(r.out, line) != nullptr);
}

const Case cases[] = {
    {"kqueue: a descriptor, closed by close, not readable", kqueue_gives_a_descriptor_closed_by_close},
    {"EVFILT_PROC: NOTE_EXIT with the status, read after the exit, once", note_exit_reported_after_the_exit},
    {"EVFILT_PROC: NOTE_EXEC then NOTE_EXIT", note_exec_then_exit},
    {"EVFILT_PROC: NOTE_TRACK through three generations", note_track_three_generations},
    {"EVFILT_PROC: racing children each report their exit once", racing_children_each_report_their_exit},
    {"EVFILT_SIGNAL: counts deliveries, ignored ones too", signal_filter_counts_ignored_signals},
    {"EVFILT_READ/EVFILT_WRITE on a pipe: data, EV_ONESHOT, EV_EOF, EV_DELETE", pipe_filters_and_eof},
    {"close removes the descriptor's knote", close_removes_the_knote},
    {"kevent: a timeout ends an empty wait", timeout_ends_an_empty_wait},
    {"kevent: a signal ends a wait with EINTR", signal_ends_a_wait_with_eintr},
    {"fork: the child has no kqueue", kqueue_not_inherited_by_fork},
    {"kevent: bad pointers, counts, filters, descriptors and pids", hostile_arguments},
    {"kqueue work leaves no page and no process behind", no_leak_across_kqueue_work},
    {"pwait -v: how each process ended; a missing pid, a bad option, -t", pwait_reports_each_exit},
    {"procwatch -- forkdemo: fork, exec, the child with its parent, both exits", procwatch_shows_the_tree},
};

} // namespace

int main(int argc, char** argv) { return run("kqueuetest", cases, argc, argv); }
