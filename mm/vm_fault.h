// The machine-independent half of a user page fault (FreeBSD's vm_fault):
// find the map entry, check the access against its protection, find or
// make the page in the entry's object (zero-fill on first touch), break
// copy-on-write on a write to a page another object still shares, and
// enter the translation.  The trap handler decides what an error means
// for the process (SIGSEGV, or death when memory ran out).
#pragma once

#include <stdint.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <mm/tlb_flush.h>
#include <mm/vm_map.h>
#include <mm/vm_object.h>

class Pmap;

// What the fault handler did, for vmstat and the vm.stats.vm sysctls
// (FreeBSD's counters of the same names, u_int as there).
struct VmFaultStats {
    uint32_t v_vm_faults = 0;  // faults that mapped a page
    uint32_t v_zfod = 0;       // pages zero-filled on first touch
    uint32_t v_cow_faults = 0; // write faults that copied a shared page
    uint32_t v_cow_optim = 0;  // write faults that found the page no longer shared
};
// Inline: the scheduler reads v_vm_faults at every switch (rusage).
extern VmFaultStats g_vm_fault_stats;
inline VmFaultStats& vm_fault_stats() { return g_vm_fault_stats; }

// Makes va accessible for `access` (one of VM_PROT_READ, _WRITE,
// _EXECUTE) in the address space of map and pmap.  New objects come from
// `objects`, new pages from its page allocator.  The returned flush must
// run before the access is retried.  Errors:
//   Fault  no map entry holds va (FreeBSD's KERN_INVALID_ADDRESS);
//   Acces  the entry does not allow the access (KERN_PROTECTION_FAILURE);
//   NoMem  no page, object or table page could be had; nothing changed
//          that a later fault could not finish.
Result<TlbFlush> vm_fault(VmMap& map, Pmap& pmap, VmObjectZone& objects, VirtAddr va,
                          vm_prot_t access);

// The common fault in one pass, without a token: the entry has its object
// already, va's page-table pages exist and the object's index path to va
// is its own (no node shared after a fork).  Then it zero-fills (a pooled
// page when there is one), breaks copy-on-write for a page another object
// holds, raises a read-only mapping of a page this object holds alone,
// or maps a page read-only for a read, exactly as vm_fault would, and
// flushes va itself.  False when it did nothing (any other case, or no
// page to be had): the caller goes on to vm_fault, which knows every case
// and its errors.  Allocates nothing but the one data page and never
// sleeps.  Interrupts off (the trap keeps them so from entry to sret): its
// allocations make no critical sections of their own.
bool vm_fault_quick(VmMap& map, Pmap& pmap, VirtAddr va, vm_prot_t access);
