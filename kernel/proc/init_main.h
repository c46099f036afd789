// The first processes (FreeBSD's init_main.c): proc0, the kernel's own
// process, whose thread is the boot thread; and init, pid 1, the parent
// of orphans, made early so that RFNOWAIT and reparenting have their real
// target.  Until the boot's self-tests are done init stays in the kernel
// and does the one job it has there: reaping the zombies it inherits;
// then it execs the first program (kernel/proc/init_exec.h).
#pragma once

#include <lib/result.h>
#include <kernel/proc/pid.h>
#include <kernel/proc/proc.h>

extern proc proc0;
extern thread thread0;
extern proc* initproc;

// The kernel's pid allocator (over kernel_random()).
PidAllocator& pid_allocator();

// Gives proc0 what a process has: root's credential, limits (RLIMIT_NPROC
// from fork_limits()), signal actions, an empty descriptor table, an
// empty vmspace, process group and session 0.  thread0 must be running
// (sched_init) and proc_zones() ready.  NoMem leaves nothing allocated.
Result<void> proc0_init();
// Forks init from proc0 (pid 1), stopped; `start` is its first function
// (start_init in the kernel, a test's stand-in on the host).
Result<void> create_init(void (*start)(void*), void* arg);
// Lets init run (kick_init).
void kick_init();
// Init's kernel-side loop: reap every zombie child, sleep while there is
// none, until init_release() names the first program and no child is
// left: then init_exec().  Counts what it reaped (init_reaped()).
[[noreturn]] void start_init(void*);
uint64_t init_reaped();

// Host tests: undoes create_init (init must never have run and have no
// children) and proc0_init, and starts the pid allocator afresh.
void proc0_fini();
