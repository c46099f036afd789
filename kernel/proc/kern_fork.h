// Process creation: the seed's kern_fork.c (fork, vfork, rfork, fork1,
// fork_exit's callouts, fork_return) over Sprig's objects.
//
// One deliberate change of order: in the seed everything allocated after
// the pid is chosen sleeps until memory is free.  Sprig's allocations can
// fail, so fork1 makes every fallible allocation first (proc, thread,
// kernel stack, vmspace copy and its commit charge, sigacts, descriptor
// table, leader records), then checks the limits, then chooses the pid,
// and from there on nothing can fail.  A failed fork frees all of it,
// leaves lastpid where it was, pauses half a second as the seed does, and
// returns ENOMEM, EAGAIN or EINVAL.
#pragma once

#include <stdint.h>
#include <abi/unistd.h>
#include <kernel/proc/proc.h>
#include <lib/eventhandler.h>
#include <lib/result.h>

// What fork1 is asked for (FreeBSD 11 calls its version struct fork_req).
struct fork_req {
    int fr_flags = 0;
    int fr_pages = 0;                 // kernel stack pages; 0: KSTACK_PAGES
    // The child's first function, for children that stay in the kernel
    // (kproc_create, self-tests): set before the child can run, where the
    // seed's kproc_create sets it after fork1 (cpu_set_fork_handler).
    // nullptr: fork_return, back to user mode with fork returning 0.
    void (*fr_func)(void*) = nullptr;
    void* fr_arg = nullptr;
    // Where the child's pid goes (FreeBSD 11's fr_pidp), set before the
    // child can run.  Unless RFSTOPPED, the proc fork1 returns may be
    // freed as soon as the caller can be switched out (the child exits
    // and init reaps it, under RFNOWAIT or SA_NOCLDWAIT): read the pid
    // here.
    pid_t* fr_pidp = nullptr;
};

// The seed's fork1.  With RFPROC: the new process (already running unless
// RFSTOPPED; with RFPPWAIT the caller has slept until the child exec'd or
// exited).  Without RFPROC: nullptr, the caller's own descriptor table and
// vmspace changed as the flags say.  Errors: Inval (RFFDG with RFCFDG),
// NoMem, Again (maxproc, RLIMIT_NPROC, no free pid).
Result<proc*> fork1(thread* td, const fork_req& fr);

// The system calls' bodies (td_retval[0] gets the child's pid, 0 for an
// rfork without RFPROC; td_retval[1] = 0).  The child returns from the
// same ecall with a0 = 0 and a1 = 1 (cpu_fork), so a stub can tell the
// two sides apart by a1 as FreeBSD's could.  rfork refuses RFKERNELONLY
// flags with Inval.
Errno sys_fork(thread* td);
Errno sys_vfork(thread* td);
Errno sys_rfork(thread* td, int flags);

// The first function of every child fork1 makes (the seed's fork_exit):
// the scheduler's hand-off, then the callout, fr_func or fork_return.  A
// kernel process whose function returns says so and exits (kproc_exit).
[[noreturn]] void fork_exit(void* td);

// A user child's first callout (fork_exit calls it): back to user mode
// through the frame cpu_fork copied, fork returning 0.
void fork_return(void* td);

// process_fork(p1, p2, flags): run by fork1 once the child is complete and
// before it can run (the seed's EVENTHANDLER_INVOKE).
using ProcessForkEvent = EventHandlerList<proc*, proc*, int>;
ProcessForkEvent& process_fork_event();
