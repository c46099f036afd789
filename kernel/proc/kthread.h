// Kernel threads started at boot (the part of FreeBSD's kproc_create that
// does not need a process: a stack, a context that starts in fork_exit,
// a place on the run queue).  kproc_create proper, with a struct proc and
// a pid, comes with fork1.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/result.h>
#include <kernel/proc/proc.h>

inline constexpr size_t KTHREAD_STACK = 16 * 1024;

// Starts fn(arg) on a new stack at priority pri.  NoMem if no stack.
Result<void> kthread_start(thread* td, const char* name, void (*fn)(void*), void* arg,
                           uint8_t pri);
// Frees the stack of a thread that has exited (the scheduler's reaper).
void kthread_reap(thread* td);
