// Kernel processes (FreeBSD's kproc_create/kproc_exit, kern_kthread.c):
// processes forked from proc0 that share its address space and never
// leave the kernel.
#pragma once

#include <stdint.h>
#include <lib/result.h>
#include <kernel/proc/proc.h>

// Forks a kernel process from proc0 (RFMEM | RFFDG | RFPROC, plus
// `flags`, e.g. RFSTOPPED or RFHIGHPID) that runs func(arg) at priority
// pri; name is its p_comm and thread name.  P_SYSTEM | P_KTHREAD, its
// children are not waited for (PS_NOCLDWAIT).  Unless flags has
// RFSTOPPED it is already on the run queue.  Errors: fork1's.
Result<proc*> kproc_create(void (*func)(void*), void* arg, const char* name, uint8_t pri,
                           int flags = 0, int pages = 0);
// Ends the calling kernel process: it goes to init, which reaps it.
[[noreturn]] void kproc_exit(int ecode);
