// Where page-table pages come from.  The page-table code needs only
// "a zeroed 4 KiB page" and "take it back", so it asks through this small
// interface instead of naming the page allocator: the kernel implements it
// over PageAllocator, host tests over a HostArena with counters and fault
// injection.  Table memory is reached only through arch::phys_to_virt().
#pragma once

#include <kernel/machdep.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <mm/page.h>

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

    // A table page's counts (Page::PtCounts), all 0/false when
    // alloc_table_page() returns the page, then the PageTable's to keep:
    //   valid            the number of valid entries (so that emptiness is
    //                    a load, not a 512-entry scan).  A page given back
    //                    with a count of 0 is all zeros but its first word
    //                    (the flush's free-list link): a source may keep it
    //                    as a pre-zeroed page;
    //   shares           on-demand fork (docs/memory.md): how many level-1
    //                    entries point at this leaf table beyond the first
    //                    (0: one address space owns it); 0 again when the
    //                    page is given back;
    //   write_protected  whether it is known to hold no writable entry
    //                    (false is always safe: "not known").
    // Inline and not virtual: a fork reaches two of them per 2 MiB and an
    // exit one.  Pages of the array a source registered with set_direct()
    // are found by an index; any other through counts_slow().
    Page::PtCounts& pt_counts(PhysAddr table)
    {
        const uint64_t i = (table.value() >> arch::PAGE_SHIFT) - direct_base_pfn_;
        if (i < direct_npages_) return direct_[i].pt;
        return counts_slow(table);
    }
    uint16_t& valid_count(PhysAddr table) { return pt_counts(table).valid; }
    uint16_t& share_count(PhysAddr table) { return pt_counts(table).shares; }
    bool& write_protected(PhysAddr table) { return pt_counts(table).write_protected; }

protected:
    // The counts of a table page outside the direct array (all of them
    // when there is none).
    virtual Page::PtCounts& counts_slow(PhysAddr table) = 0;
    // pages[i] is the metadata of page frame base_pfn + i, for i < npages.
    void set_direct(Page* pages, uint64_t base_pfn, uint64_t npages)
    {
        direct_ = pages;
        direct_base_pfn_ = base_pfn;
        direct_npages_ = npages;
    }
    bool has_direct() const { return direct_ != nullptr; }

    // Not deleted through this interface: no virtual destructor, so the
    // kernel needs no operator delete for it.
    PtPageSource() = default;
    ~PtPageSource() = default;
    PtPageSource(const PtPageSource&) = default;
    PtPageSource& operator=(const PtPageSource&) = default;

private:
    Page* direct_ = nullptr;
    uint64_t direct_base_pfn_ = 0;
    uint64_t direct_npages_ = 0; // 0: every lookup takes counts_slow()
};
