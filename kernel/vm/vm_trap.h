// Where a fault on a user address meets the VM: the RISC-V trap handler
// calls these for faults from user mode and for faults inside user copies
// (SUM on), and the host's copy primitives call vm_fault_user_access when
// the simulated MMU refuses, so every path resolves zero-fill and
// copy-on-write the same way.
#pragma once

#include <stdint.h>
#include <abi/errno.h>
#include <arch/param.h>
#include <kernel/proc/proc.h>
#include <lib/kassert.h>
#include <mm/vm_fault.h>
#include <mm/vm_map.h>
#include <mm/vmspace.h>

struct thread;

// Resolves an access to user address va by the running thread's process
// (vmspace_fault, with the flush run).  Fault when there is no process or
// no entry (or va is not a user address), Acces when the entry forbids
// the access.  When no page can be had it waits in vm_wait_pages (caches
// drained, the OOM killer run) and tries again; NoMem only when the
// process is dying (SIGKILL pending) or nobody could be killed.
Errno vm_fault_user_access(uint64_t va, vm_prot_t access);

// vm_fault_quick for the running thread's process (the trap's fast path):
// true when the fault was resolved and flushed; false when the caller
// must take the general way (trap_pfault, or vm_fault_user_access), which
// then sees the fault afresh.  Allocates at most one page, never sleeps,
// and may run with interrupts off.
// Inline: the trap's whole way to vm_fault_quick.
inline bool vm_fault_user_quick(thread* td, uint64_t va, vm_prot_t access)
{
    if (va >= arch::USER_TOP) return false;
    vmspace* vm = td->td_proc->p_vmspace;
    if (!vm) return false;
    KASSERT(vm->vm_pmap.table().live(), "a fault in a space without a page table");
    return vm_fault_quick(vm->vm_map, vm->vm_pmap, VirtAddr(va), access);
}

// A page fault from user mode (FreeBSD's trap_pfault) that
// vm_fault_user_quick did not resolve (it is not tried again): resolved, or a
// signal for td's process with a console line naming it, the address and
// pc: SIGSEGV for an access the process may not make (trapsignal, with
// si_addr = va and SEGV_ACCERR for a mapping that forbids the access,
// SEGV_MAPERR for none), SIGKILL when memory ran out and nobody else
// could be killed for it (the process dies, the kernel carries on); none
// when the process already has SIGKILL pending.
void trap_pfault(thread* td, uint64_t va, vm_prot_t access, uint64_t pc);
