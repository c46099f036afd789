// What the kernel does when pages run out (docs/memory.md, "Out of
// memory"), in FreeBSD's terms:
//  - a reserve of free pages (v_free_reserved) that only the kernel's own
//    processes and init may take: everybody else's allocations fail there;
//  - vm_lowmem: the pre-zeroed pool is given back first;
//  - vm_pageout_oom: then the largest process by resident pages (never
//    init, proc0, a kernel process, one protected with procctl
//    PROC_SPROTECT (init's shell) or one already dying) is killed with
//    SIGKILL, one victim at a time;
//  - vm_wait_pages: a page fault that found no page sleeps (woken by an
//    exit that freed pages, by a timeout, or by SIGKILL) and is retried.
// Exit, signal posting, wait and the scheduler allocate nothing, so the
// victim can always die (tests/host/test_vm_pageout_oom.cpp proves it).
#pragma once

#include <stdint.h>
#include <lib/result.h>

class PageAllocator;
class SysctlRegistry;
struct proc;
struct thread;

// FreeBSD's v_free_reserved for a machine of `pages` pages: the pageout
// daemon's minimum (34 pages) plus one page in 768.
uint64_t vm_free_reserved_for(uint64_t pages);
// Sets the reserve of `pages` (the kernel's allocator) and who may use it
// (vm_page_may_use_reserve).
void vm_reserve_init(PageAllocator& pages, uint64_t reserve);
// True when the running thread may allocate out of the reserve: no thread
// yet (boot), a thread without a process, proc0, init, kernel processes.
bool vm_page_may_use_reserve();

// The resident pages of p's address space (each object counted once per
// run of map entries over it), 0 without one: the OOM killer's size.
uint64_t vm_proc_resident(const proc* p);
// The process the OOM killer would pick now: the largest by resident
// pages among the live processes that are not proc0, init, kernel
// processes (P_SYSTEM, P_KTHREAD), protected ones (P_PROTECTED), exiting
// or already sent SIGKILL; null when there is none.
proc* vm_oom_select();

enum class OomResult {
    Killed,   // a victim was sent SIGKILL just now
    Pending,  // an earlier victim is still dying: wait for it
    NoVictim, // nobody may be killed
};
// FreeBSD's vm_pageout_oom: unless the last victim is still dying, kills
// vm_oom_select()'s choice with SIGKILL and prints one console line naming
// it and its size.
OomResult vm_pageout_oom();

// vm_lowmem: gives pagezero's pool back to the page allocator (up to 256
// pages, counted free all along but out of the allocator's reach).  The
// number of free pages it made.  It leaves the zones' and kmalloc's
// cached empty slabs alone (one per zone at most): reclaiming them under
// a fork bomb would make the free count afterwards depend on which zones
// happened to be drained, and the suite compares exact counts.
uint64_t vm_lowmem();
// vm_lowmem and every cached empty slab (vm.lowmem, tests).
uint64_t vm_drain_caches();

// A page fault of td's process found no page (FreeBSD's vm_waitpfault):
// caches drained, the OOM killer run, then td sleeps until pages are
// freed, a short timeout passes or SIGKILL arrives.  True: retry the
// fault.  False: give up; the process is dying (SIGKILL pending or
// exiting), free pages are not short (the refusal was an injected
// failure), or nobody could be killed and it is not init.
bool vm_wait_pages(thread* td);
// Whether free pages are short: near the reserve (FreeBSD's
// vm_page_count_min).  Only then does a fault wait or kill for a page.
bool vm_page_count_min();
// Wakes the threads in vm_wait_pages (exit1 calls it after freeing a
// space; cheap when nobody waits).
void vm_pages_freed();

// OOM kills since boot (vm.oom_kills).
uint32_t vm_oom_kills();
// vm.stats.vm.v_free_reserved, vm.oom_kills and the root-only write node
// vm.lowmem (writing 1 runs vm_drain_caches; a guest leak check may use it).
Result<void> vm_oom_sysctl_register(SysctlRegistry& registry);
