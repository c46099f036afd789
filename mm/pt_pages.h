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

protected:
    // Not deleted through this interface: no virtual destructor, so the
    // kernel needs no operator delete for it.
    PtPageSource() = default;
    ~PtPageSource() = default;
    PtPageSource(const PtPageSource&) = default;
    PtPageSource& operator=(const PtPageSource&) = default;
};
