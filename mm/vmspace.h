// Address spaces (FreeBSD's struct vmspace): a map of entries with their
// backing objects (mm/vm_map.h, mm/vm_object.h), a user page table filled
// by faults (mm/pmap.h), a reference count, the text/data/stack sizes, and
// the commit charge of its private writable memory.
//  - vm_refcnt counts the processes sharing the space (RFMEM, vfork);
//  - vm_charged is what the space has been charged to its CommitAccount:
//    the size of its private writable entries (FreeBSD's swap_reserve
//    rule).  vmspace_free gives exactly that back.
//  - Shared memory is an entry whose inheritance is VmInherit::Share
//    (Sprig has no minherit: MAP_SHARED and inheritance share are one);
//    every other entry is private.
//
// Objects come from zones the caller owns (a VmspaceZone): the kernel
// makes one at boot, host tests one per test; each vmspace remembers its
// zones and its account, so vmspace_free needs nothing else.
#pragma once

#include <stdint.h>
#include <arch/param.h>
#include <lib/result.h>
#include <mm/pmap.h>
#include <mm/swap_reserve.h>
#include <mm/vm_map.h>
#include <mm/vm_object.h>
#include <mm/zone.h>

class PageAllocator;
struct vmspace;

// The lowest user address (the page at 0 stays unmapped, as in FreeBSD).
inline constexpr uint64_t VM_MIN_USER_ADDRESS = arch::PAGE_SIZE;
inline constexpr uint64_t VM_MAX_USER_ADDRESS = arch::USER_TOP;

// What address spaces are made of.
struct VmspaceZone {
    VmspaceZone(const char* name, PageAllocator& pages);
    VmspaceZone(const VmspaceZone&) = delete;
    VmspaceZone& operator=(const VmspaceZone&) = delete;

    TypedZone<vmspace> spaces;
    VmMapEntryZone entries;
    VmObjectZone objects;
    // Where user page tables come from, and the kernel table whose kernel
    // half they share; unset (host tests of accounting alone): spaces get
    // no page table, and vmspace_fault is not allowed.
    PtPageSource* pt_pages = nullptr;
    PageTable* kernel_pt = nullptr;
    // The hart's ASIDs; unset: every space runs as ASID 0 and each switch
    // flushes the whole TLB.
    AsidAllocator* asids = nullptr;

    // Spaces in use.
    size_t objects_in_use() const { return spaces.objects_in_use(); }
    // Spaces, map entries and VM objects in use: what a leak check compares.
    size_t all_in_use() const;
    // Lets n more spaces be allocated, then fails one (mm/fail_point.h).
    void fail_after(long n) { spaces.fail_after(n); }
    // Empty slabs of all three zones back to the page allocator.
    void drain();
};

struct vmspace {
    explicit vmspace(VmspaceZone& zone)
        : vm_zone(&zone), vm_map(zone.entries, VM_MIN_USER_ADDRESS, VM_MAX_USER_ADDRESS)
    {
    }

    uint32_t vm_refcnt = 1;       // processes sharing it
    uint64_t vm_tsize = 0;        // text size, pages (statistics)
    uint64_t vm_dsize = 0;        // data size, pages (statistics)
    uint64_t vm_ssize = 0;        // stack size, pages (statistics)
    uint64_t vm_daddr = 0;        // where the data segment (and break) starts; 0: none
    // Bytes charged to vm_commit: the private writable entries' size.
    uint64_t vm_charged = 0;
    VmspaceZone* vm_zone;
    CommitAccount* vm_commit = nullptr;
    VmMap vm_map;
    Pmap vm_pmap; // made with the space when its zone makes page tables
};

// An empty space (no entries, nothing charged), one reference, charging to
// `commit`, with an empty user page table when the zone makes them
// (vmspace_alloc, pmap_pinit).  NoMem when the zone or the table pages
// run out.
Result<vmspace*> vmspace_alloc(VmspaceZone& zone, CommitAccount& commit);

// Records the text, data and stack sizes in pages, as exec does (FreeBSD
// keeps them for statistics and limits; the charge follows the map).
void vmspace_set_sizes(vmspace* vm, uint64_t tsize, uint64_t dsize, uint64_t ssize);

// Maps anonymous zero-fill memory at [start, start + len) (the core of
// mmap(MAP_ANON|MAP_FIXED) and break): private unless inherit is Share.
// Private writable memory is reserved on the space's account first.
// Errors, each changing nothing: Inval (bad range or protection), NoMem
// (the range is taken, no entry could be had, or the account refused in
// strict mode).
Result<void> vmspace_map_anon(vmspace* vm, uint64_t start, uint64_t len, vm_prot_t prot,
                              VmInherit inherit = VmInherit::Copy);
// Unmaps [start, start + len) (munmap): translations go, the entries'
// pages with their last reference, and the private writable part's
// charge is given back.  Inval for a bad range; NoMem when an entry split
// could not be had, and then nothing changed.
Result<void> vmspace_unmap(vmspace* vm, uint64_t start, uint64_t len);

// Changes the protection of [start, start + len) (mprotect): the map's
// entries as VmMap::protect does (Acces beyond max_protection), the
// translations lowered at once (never raised: faults do that), and the
// charge moved: private memory becoming writable is reserved (strict mode
// may refuse: NoMem), private memory losing write is given back.  Inval
// for a bad range; on any error nothing changed.
Result<void> vmspace_protect(vmspace* vm, uint64_t start, uint64_t len, vm_prot_t prot);

// Moves the break, the end of the data segment, to new_end rounded up to a
// page (obreak): growing maps private read-write memory from the old end
// (reserved on the account; strict mode may refuse), shrinking unmaps it,
// and vm_dsize follows.  Errors, each changing nothing: Inval (no data
// segment, or new_end below its start), NoMem (more than data_limit bytes
// of data, FreeBSD's RLIMIT_DATA check; the range is taken; the account
// refused).
Result<void> vmspace_break(vmspace* vm, uint64_t new_end, uint64_t data_limit);

// A copy of vm1 for a child (vmspace_fork): the same sizes, the map as
// each entry's inheritance says (vm_map_fork: private pages shared
// copy-on-write, shared objects referenced), one reference.  *mem_charged
// is set to the bytes the copy must be charged (its private writable
// entries), and the copy's vm_charged is already that amount.
//
// The contract with fork1 (and vmspace_unshare), as FreeBSD's: this does
// NOT reserve.  The caller reserves *mem_charged on the copy's account:
//     if (!commit.reserve(mem_charged)) {
//         commit.reserve_force(mem_charged); // vmspace_free will release it
//         error = NoMem; vmspace_free(vm2); ...
//     }
// so that vmspace_free(vm2), which releases vm_charged, always balances.
// NoMem when a space, entry or object cannot be had; then *mem_charged is
// 0, nothing is allocated, and vm1 is unchanged but for translations that
// lost write permission (faults give it back).
Result<vmspace*> vmspace_fork(vmspace* vm1, uint64_t* mem_charged);

// One more reference, for a process that shares vm (RFMEM, vfork).
vmspace* vmspace_hold(vmspace* vm);

// Drops a reference; the last one releases vm_charged, the translations,
// the map (and so the pages) and the space.  If the hart runs on the
// space's table, it is moved to the kernel's first.
void vmspace_free(vmspace* vm);

// Before the hart runs a thread of vm (the scheduler calls this on every
// switch to a process's thread; pmap_activate): satp names vm's table,
// with an ASID valid for the current generation, and the TLB is flushed
// whole when the ASIDs say so.  Nothing happens when vm is already the
// active space, or has no table.  nullptr: the kernel's table.
void vmspace_activate(vmspace* vm);
// The space the hart runs on (nullptr: the kernel's table).
vmspace* vmspace_active();

// Whether more than one process uses vm.
inline bool vmspace_shared(const vmspace* vm) { return vm->vm_refcnt > 1; }

// rfork without RFPROC and without RFMEM (vmspace_unshare): gives *vmp's
// holder a space of its own.  Nothing happens when it is not shared.
// Otherwise a copy is made and charged; on success it replaces *vmp and
// the reference on the shared one is dropped.  NoMem (zone exhausted, or
// the reservation refused) leaves *vmp, every count and the account as
// they were.
Result<void> vmspace_unshare(vmspace** vmp);

// A user page fault in vm (vm_fault over its map and page table).  The
// flush must run before the access is retried.
// Errors as vm_fault's: Fault, Acces, NoMem.
Result<TlbFlush> vmspace_fault(vmspace* vm, VirtAddr va, vm_prot_t access);

// The private writable bytes of [start, end) in map: what they are charged.
uint64_t vm_map_charge(VmMap& map, uint64_t start, uint64_t end);
// The private (not shared) bytes of [start, end) in map, writable or not.
uint64_t vm_map_private(VmMap& map, uint64_t start, uint64_t end);
