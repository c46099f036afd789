// Thread objects with their kernel stacks (FreeBSD's thread_alloc and
// thread_free, kern_thread.c).
#pragma once

#include <lib/result.h>
#include <kernel/proc/proc.h>

// A zeroed thread from proc_zones() with a kernel stack of `pages` pages
// (guard page below it) and its user frame at the stack's top.  Errors:
// Inval for a page count the stack allocator refuses, NoMem; nothing is
// left allocated.
Result<thread*> thread_alloc(unsigned pages);
// Frees the stack (if the thread still has it) and the object.
void thread_free(thread* td);
// Frees only the kernel stack of a thread that has run for the last time
// (the scheduler's reaper: the stack cannot go while it is in use).
void thread_free_stack(thread* td);
// Prepares td's switch context: its first run calls callout(arg) from
// fork_exit.
void thread_set_callout(thread* td, void (*callout)(void*), void* arg);
