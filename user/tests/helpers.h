// Small helpers the suite's cases share: children that run a function and
// exit with its result, waiting for them, pipes that carry numbers between
// processes, descriptor probes, and the kernel's counters through sysctl
// (free pages, the process count) for the cases that check that
// everything came back.  Each helper fails the case itself when the
// system call it relies on fails, so the cases stay short.
#pragma once

#include "check.h"

#include <sys/types.h>
#include <unistd.h>

namespace suite {

// fork(); the child runs f() and _exits with what it returns.
template <class F>
pid_t spawn(F f)
{
    const pid_t pid = fork();
    if (pid < 0) fail("fork: %s", errno_name(errno));
    if (pid == 0) _exit(f());
    return pid;
}

// wait4 for pid (EINTR retried); the status.
int wait_for(pid_t pid);
// wait_for, and the child must have exited (not been killed): its status.
int exit_code_of(pid_t pid);
// wait_for, and the child must have exited with 0; a child that failed a
// check of its own (FAILED_AND_SAID_SO) ends the case quietly, since its
// FAIL line is printed already.
void check_child_ok(pid_t pid);
// spawn(f) and its exit code.
template <class F>
int run_child(F f)
{
    return exit_code_of(spawn(f));
}

// Forks `concurrent` children that live at the same time (fewer if a
// process limit stops it), then reaps them: the kernel's object caches
// (zones keep their freed objects' pages) then hold what that many more
// processes need, so a baseline taken afterwards is not moved by them.
inline constexpr int MAX_WARM_UP = 256;
void warm_up(int concurrent = 1);

// A pipe whose ends close when it goes out of scope.
struct Pipe {
    int r = -1, w = -1;
    Pipe();
    ~Pipe();
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void close_r();
    void close_w();
};

// Runs argv (a path, then arguments) in a child with its standard output
// on a pipe: what it printed (up to 8 KiB, NUL-terminated) and its status.
struct Ran {
    char out[8192];
    int status;
};
void run_capture(const char* const* argv, Ran* r);

// A number through a pipe; read_num fails the case on a short read (the
// writer died, or closed first).
void write_num(int fd, long long v);
long long read_num(int fd);

// Whether fd is an open descriptor (dup succeeds; EBADF means closed).
bool fd_is_open(int fd);

// A blocking sleep (nanosleep).
void sleep_ms(long ms);

// A numeric sysctl by name (4- or 8-byte values); fails the case on error.
long long sysctl_num(const char* name);
// vm.stats.vm.v_free_count, now / once it has settled (see helpers.cpp).
long long free_pages();
long long settled_free_pages();
// The number of processes (zombies included), from kern.proc.all.
int proc_count();

// The free pages and processes once the system has settled, and a check
// that they came back to exactly that after a case's work.  now() warms
// the caches up first for as many processes at once as the case will
// have.
struct Baseline {
    long long free = 0;
    int procs = 0;
    static Baseline now(int concurrent = 1);
    void check_back() const;
};

// Runs scenario once, so that every cache it touches is warm, takes the
// baseline, runs it again, and checks that everything came back: what the
// second run leaks shows, what a cache keeps from the first does not.
template <class F>
void check_no_leak(F scenario, int concurrent = 1)
{
    scenario();
    const Baseline before = Baseline::now(concurrent);
    scenario();
    before.check_back();
}

} // namespace suite
