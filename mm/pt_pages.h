// Where page-table pages come from.  The page-table code needs only
// "a zeroed 4 KiB page" and "take it back", so it asks through this small
// interface instead of naming the page allocator: the kernel implements it
// over PageAllocator, host tests over a HostArena with counters and fault
// injection.  Table memory is reached only through arch::phys_to_virt().
#pragma once

#include <lib/addr.h>
#include <lib/result.h>

class PtPageSource {
public:
    // One 4 KiB page, page-aligned and filled with zeros (an all-invalid
    // table).  Errno::NoMem when none is left; never panics for that.
    virtual Result<PhysAddr> alloc_table_page() = 0;
    // Gives back a page from alloc_table_page().  Its contents are
    // undefined by then (the caller may have used it as a list link).
    virtual void free_table_page(PhysAddr pa) = 0;
    // Pages handed out and not yet given back: the page-table pages in use.
    virtual uint64_t pages_in_use() const = 0;
    // Where the PageTable keeps the number of valid entries of a table
    // page it was handed (so that emptiness is a load, not a 512-entry
    // scan): 0 when alloc_table_page() returns the page, then the
    // PageTable's to maintain.  A page given back with a count of 0 is all
    // zeros but its first word (the flush's free-list link): a source may
    // keep it as a pre-zeroed page.
    virtual uint16_t& valid_count(PhysAddr table) = 0;
    // On-demand fork (docs/memory.md): how many level-1 entries point at
    // this leaf table beyond the first (0: one address space owns it), and
    // whether it is known to hold no writable entry (false is always
    // safe: "not known").  Both 0/false when alloc_table_page() returns
    // the page; shares must be 0 again when it is given back.
    virtual uint16_t& share_count(PhysAddr table) = 0;
    virtual bool& write_protected(PhysAddr table) = 0;

protected:
    // Not deleted through this interface: no virtual destructor, so the
    // kernel needs no operator delete for it.
    PtPageSource() = default;
    ~PtPageSource() = default;
    PtPageSource(const PtPageSource&) = default;
    PtPageSource& operator=(const PtPageSource&) = default;
};
