// The process-creation operations forkbench times: each makes one child
// the way its name says, lets it end, and reaps it with wait4.  Each
// returns false (the figure failed) when a call failed or the child did
// not exit with status 0.
#pragma once

#include <stddef.h>

namespace bench {

// The children forkbench made, by system call, to hold against the
// kernel's v_forks, v_vforks and v_rforks (rfork_thread is an rfork).
// Counted by the callers after a timed loop, never inside it: a store
// right after a fork would be one more copy-on-write fault per fork.
enum class Call { Fork, Vfork, Rfork };
inline constexpr int CALLS = 3;

struct Made {
    long count[CALLS] = {};
    void add(Call c, long n) { count[static_cast<int>(c)] += n; }
};
extern Made made;

bool fork_exit_wait();

// fork with `region` mapped in the parent; with child_writes the child
// stores into each of its first `pages` pages (a copy-on-write fault
// apiece) before it exits.
bool fork_touch_wait(char* region, size_t pages, bool child_writes);

bool vfork_exit_wait();

// vfork, execve(path) (a program that exits with 0), wait4.
bool vfork_exec_wait(const char* path);

// rfork_thread(RFPROC | RFMEM): the child runs a function that returns 0
// on a stack of its own, in the parent's memory.
bool rfork_thread_wait();

// rfork(RFPROC | RFCFDG): the child starts with no descriptors.
bool rfork_cfdg_wait();

// wait4 for pid; true if it exited with status 0.
bool reap(int pid);

} // namespace bench
