// Address spaces (FreeBSD's struct vmspace, vm/vm_map.c), reduced for now
// to what fork1 needs: a reference count, the text/data/stack sizes, and
// the commit charge of its private writable memory.
//
// The VM issue grows this into the real thing: a pmap (the Sv39 page
// table of mm/pagetable.h), a map of entries with their backing objects,
// copy-on-write in vmspace_fork and the fault handler.  The interface is
// already FreeBSD's so that fork1, rfork and exec do not change then:
//  - vm_refcnt counts the processes sharing the space (RFMEM, vfork);
//  - vm_charged is what the space has been charged to its CommitAccount,
//    today (vm_dsize + vm_ssize) pages; later the sum of its writable
//    private entries' charges.  vmspace_free gives exactly that back.
//
// Objects come from a zone the caller owns (as ucred.h's do): the kernel
// makes one at boot, host tests one per test; each vmspace remembers its
// zone and its account, so vmspace_free needs nothing else.  Spaces in
// use: zone.objects_in_use().
#pragma once

#include <stdint.h>
#include <lib/result.h>
#include <mm/swap_reserve.h>
#include <mm/zone.h>

struct vmspace;
using VmspaceZone = TypedZone<vmspace>;

struct vmspace {
    uint32_t vm_refcnt = 1;       // processes sharing it
    uint64_t vm_tsize = 0;        // text size, pages
    uint64_t vm_dsize = 0;        // data size, pages
    uint64_t vm_ssize = 0;        // stack size, pages
    // Bytes charged to vm_commit for private writable memory; released by
    // the last vmspace_free.
    uint64_t vm_charged = 0;
    VmspaceZone* vm_zone = nullptr;
    CommitAccount* vm_commit = nullptr;
};

// An empty space (no sizes, nothing charged), one reference, charging to
// `commit` (vmspace_alloc).  NoMem when the zone cannot grow.
Result<vmspace*> vmspace_alloc(VmspaceZone& zone, CommitAccount& commit);

// Sets the sizes (in pages), as exec and the host tests do.  Data and
// stack are private writable memory: vm_charged becomes
// (dsize + ssize) * PAGE_SIZE, the difference forced onto the account
// (exec has already decided the image fits; strict checks belong there).
void vmspace_set_sizes(vmspace* vm, uint64_t tsize, uint64_t dsize, uint64_t ssize);

// A copy of vm1 for a child (vmspace_fork): same sizes, one reference.
// *mem_charged is set to the bytes the copy must be charged (vm1's private
// writable memory), and the copy's vm_charged is already that amount.
//
// The contract with fork1 (and vmspace_unshare), as FreeBSD's: this does
// NOT reserve.  The caller reserves *mem_charged on the copy's account:
//     if (!commit.reserve(mem_charged)) {
//         commit.reserve_force(mem_charged); // vmspace_free will release it
//         error = NoMem; vmspace_free(vm2); ...
//     }
// so that vmspace_free(vm2), which releases vm_charged, always balances.
// NoMem when the zone cannot grow; then *mem_charged is 0 and nothing is
// allocated.
Result<vmspace*> vmspace_fork(vmspace* vm1, uint64_t* mem_charged);

// One more reference, for a process that shares vm (RFMEM, vfork).
vmspace* vmspace_hold(vmspace* vm);

// Drops a reference; the last one releases vm_charged and frees the space.
void vmspace_free(vmspace* vm);

// Whether more than one process uses vm.
inline bool vmspace_shared(const vmspace* vm) { return vm->vm_refcnt > 1; }

// rfork without RFPROC and without RFMEM (vmspace_unshare): gives *vmp's
// holder a space of its own.  Nothing happens when it is not shared.
// Otherwise a copy is made and charged; on success it replaces *vmp and
// the reference on the shared one is dropped.  NoMem (zone exhausted, or
// the reservation refused) leaves *vmp, every count and the account as
// they were.
Result<void> vmspace_unshare(vmspace** vmp);
