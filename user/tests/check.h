// The acceptance suite's case runner and checks, shared by every program
// in user/tests/.
//
// Each case runs in a forked child in a process group of its own, so a
// crash, a hang or a process left behind by one case cannot take the suite
// down: the runner waits with a time limit, kills the group when it runs
// out, reaps whatever the case orphaned (the suite is init when booted
// with init=/bin/<program>), and prints one line per case (`ok - name`, or
// `FAIL - name: why`) and a closing `N passed, N failed`.  The program's
// exit status is the number of failed cases, at most 255.
//
// A check that fails prints its FAIL line from the case's process and
// ends that process at once; the runner then adds only the count.
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

namespace suite {

// The exit status of a process that printed its own FAIL line (a case, or
// a child of one that used the checks); check_child_ok passes it on.
inline constexpr int FAILED_AND_SAID_SO = 125;

struct Case {
    const char* name;
    void (*fn)();
    int timeout_s = 30; // the runner kills the case's process group after this
};

// Runs the cases (argv[1], when given, picks the cases whose name contains
// it) and returns the exit status for main.
int run(const char* program, const Case* cases, size_t ncases, int argc, char** argv);

template <size_t N>
int run(const char* program, const Case (&cases)[N], int argc, char** argv)
{
    return run(program, cases, N, argc, argv);
}

// The kernel's invariant checker (docs/reliability.md), as root: runs it
// and returns how many violations it found (the kernel prints an
// `INVARIANT:` line for each); -1 with errno set when it could not run.
// The runner calls it after every case.
int kernel_invariants();

// Prints `FAIL - <case>: <why>` and ends the case's process.
[[noreturn]] [[gnu::format(printf, 1, 2)]] void fail(const char* fmt, ...);

// The errno name for a failure line ("EAGAIN (11)").
const char* errno_name(int e);

} // namespace suite

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) ::suite::fail("%s:%d: %s", __FILE__, __LINE__, #cond);                   \
    } while (0)

// a == b, both shown when they differ.
#define CHECK_EQ(a, b)                                                                       \
    do {                                                                                     \
        const long long check_a_ = static_cast<long long>(a);                                \
        const long long check_b_ = static_cast<long long>(b);                                \
        if (check_a_ != check_b_)                                                            \
            ::suite::fail("%s:%d: %s == %s: %lld != %lld", __FILE__, __LINE__, #a, #b,       \
                          check_a_, check_b_);                                               \
    } while (0)

// A call that must succeed (not return -1): the errno is shown if it did not.
#define CHECK_OK(call)                                                                       \
    do {                                                                                     \
        errno = 0;                                                                           \
        if ((call) == -1)                                                                    \
            ::suite::fail("%s:%d: %s failed: %s", __FILE__, __LINE__, #call,                 \
                          ::suite::errno_name(errno));                                       \
    } while (0)

// A call that must fail with -1 and errno == err.
#define CHECK_ERR(call, err)                                                                 \
    do {                                                                                     \
        errno = 0;                                                                           \
        const long long check_r_ = static_cast<long long>(call);                             \
        const int check_e_ = errno;                                                          \
        if (check_r_ != -1 || check_e_ != (err))                                             \
            ::suite::fail("%s:%d: %s: returned %lld, errno %s; wanted -1, %s", __FILE__,     \
                          __LINE__, #call, check_r_, ::suite::errno_name(check_e_),          \
                          ::suite::errno_name(err));                                         \
    } while (0)
