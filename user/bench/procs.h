// The process-creation operations forkbench times: each makes one child
// the way its name says, lets it end, and reaps it with wait4.  Each
// returns false (the figure failed) when a call failed or the child did
// not exit with status 0.
#pragma once

#include <stddef.h>

namespace bench {

// The children this program made, by call, to hold against the kernel's
// v_forks, v_vforks and v_rforks (rfork and rfork_thread are both rfork).
struct Made {
    long forks = 0, vforks = 0, rforks = 0;
};
extern Made made;

// fork(2), counted in made.forks.
int counted_fork();

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
