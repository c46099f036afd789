// The virtual memory part of the invariant checker (kernel/debug/invariants.h),
// over a set of address spaces the caller found (every process's):
//  - each VM object's reference count equals the map entries naming it
//    plus the holds the caller names (the shared page's own);
//  - each allocated page's reference count equals the objects holding it
//    (COW shares a page between objects), and a page no object holds is
//    the kernel's alone: exactly one reference (pre-zeroed pool, page-table
//    pages, kernel stacks, slabs, kmalloc blocks);
//  - every user translation maps the page its entry's object holds at that
//    address, writable only when the entry is and the page is not shared
//    copy-on-write;
//  - each leaf table's share count equals the level-1 entries pointing at
//    it, less one; a shared one is marked write-protected, carries the
//    hint in each and grants no W; a table marked write-protected grants
//    no W and carries the write-protect hint in each entry pointing at it
//    (on-demand fork, mm/pagetable.h);
//  - each space's charge equals its private writable entries, and the
//    account's total equals the sum of the spaces' charges.
// It needs scratch memory (a counter per page), taken from the page
// allocator for the run and given back; without it the page counts are
// reported as skipped.  Read-only otherwise; runs with interrupts off.
#pragma once

#include <stddef.h>
#include <stdint.h>

class CommitAccount;
class InvariantReport;
class PageAllocator;
struct vm_object;
struct vmspace;

struct VmCheckInput {
    vmspace* const* spaces = nullptr; // distinct
    size_t nspaces = 0;
    // Object references held outside any map (each one reference).
    vm_object* const* held = nullptr;
    size_t nheld = 0;
    // When set, its reserved() must equal the spaces' charges (every space
    // charging it must be among them).
    const CommitAccount* account = nullptr;
    // Bytes charged to account by holders that are no address space
    // (tmpfs's file pages), added to the spaces' charges.
    uint64_t other_charges = 0;
};

// Where the allocated pages are, as the page pass found them (pages, not
// blocks): for the monitor's census, not an invariant (a holder added
// later would need adding here first).
struct VmCensus {
    uint64_t object_pages = 0; // resident in the objects (each page once)
    uint64_t index_nodes = 0;  // the objects' page index nodes
    uint64_t slab_pages = 0;   // zones' slabs (kmalloc's small sizes too)
    uint64_t kmalloc_pages = 0; // kmalloc's big blocks
    bool counted = false;
};

void vm_check(PageAllocator& pages, const VmCheckInput& in, InvariantReport& r,
              VmCensus* census = nullptr);
