// vm_forkproc (FreeBSD's vm_glue.c), split in Sprig's two halves: the
// caller's own change for rfork without RFPROC, which can fail, and the
// child's address space and machine state for a new process, which cannot
// (fork1 made the copy before choosing the pid).  It lives with the
// process code because it works on processes; the vmspace is mm/'s.
#pragma once

#include <lib/result.h>

struct proc;
struct thread;
struct vmspace;

// No RFPROC: without RFMEM, a vmspace shared with others is replaced by a
// private copy (vmspace_unshare).  NoMem changes nothing.
Result<void> vm_forkproc_self(thread* td, int flags);
// RFPROC: the child shares td's vmspace (RFMEM) or takes vm2, the copy
// fork1 made; then the machine state (cpu_fork: the frame in which fork
// returns 0).
void vm_forkproc_commit(thread* td, proc* p2, thread* td2, vmspace* vm2, int flags);
