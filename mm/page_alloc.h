// The physical page allocator: a binary buddy allocator over the RAM the
// device tree describes, minus what boot code excludes (FreeBSD's
// vm_phys + vm_page_startup, much reduced).  An object, not a global: the
// kernel makes one, host tests make a fresh one per test over a HostArena.
//
// One hart, so no lock: each operation runs with interrupts off, which
// also makes it safe to call from an interrupt handler.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <arch/pte.h>
#include <lib/addr.h>
#include <lib/list.h>
#include <lib/result.h>
#include <mm/fail_point.h>
#include <mm/intr_off.h>
#include <mm/page.h>

class PhysRangeSet;

enum class AllocFlags : uint32_t {
    None = 0,
    Zero = 1u << 0, // clear the memory before returning it (M_ZERO, VM_ALLOC_ZERO)
    // May take pages from the reserve (VM_ALLOC_SYSTEM): see set_reserve.
    System = 1u << 1,
};
constexpr AllocFlags operator|(AllocFlags a, AllocFlags b)
{
    return AllocFlags(uint32_t(a) | uint32_t(b));
}
constexpr bool has_flag(AllocFlags set, AllocFlags f) { return (uint32_t(set) & uint32_t(f)) != 0; }

class PageAllocator {
public:
    // Largest block: 2^MAX_ORDER pages (4 MiB).
    static constexpr unsigned MAX_ORDER = 10;
    // RAM ranges (after merging touching ones) the allocator can manage.
    static constexpr size_t MAX_SEGMENTS = 16;

    PageAllocator() = default;
    PageAllocator(const PageAllocator&) = delete;
    PageAllocator& operator=(const PageAllocator&) = delete;

    // Takes over RAM: ram[] (unsorted, may overlap or touch; rounded inwards
    // to pages) minus exclude[] (kernel image, firmware, device tree,
    // initrd...; rounded outwards, may overlap each other or lie partly
    // outside RAM).  Places one metadata array per RAM segment inside free
    // RAM, reached through arch::phys_to_virt, and excludes it too.  Costs
    // O(ranges + pages).  Errors (nothing is taken over): NoMem when no RAM
    // is left or no free range can hold a metadata array, NoSpc when there
    // are too many ranges.  Call once.
    Result<void> init(const PhysRange* ram, size_t nram, const PhysRange* exclude,
                      size_t nexclude);

    // A block of 2^order contiguous pages, aligned to its size, with a
    // reference count of 1.  NoMem when no block is free (or injected).
    Result<PhysAddr> alloc(unsigned order = 0, AllocFlags flags = AllocFlags::None);
    // alloc(0) inline, for the page-fault path: a page from the cache, with
    // alloc's checks (fail points, the reserve) and counts; an empty cache
    // leaves it to alloc(0), which refills it.
    Result<PhysAddr> alloc_page()
    {
        IntrOff off;
        return alloc_page_locked();
    }
    // alloc_page for a caller that has interrupts off already (the quick
    // fault path runs so from trap to sret): no critical section of its own.
    Result<PhysAddr> alloc_page_locked()
    {
        assert_intr_off("alloc_page_locked");
        Page* pg = cache_.front();
        if (!pg) return alloc(0);
        alloc_calls_++;
        if (fail_.should_fail() || fail_site_hit(FailSite::Page)) return Errno::NoMem;
        if (free_pages_ <= reserve_ && !reserve_allows(0, AllocFlags::None)) return Errno::NoMem;
        cache_.remove(pg);
        KASSERT(pg->state == PageState::Cached && pg->order == 0,
                "page cache holds a page in state %u, order %u", unsigned(pg->state), pg->order);
        pg->state = PageState::Allocated;
        pg->ref_count = 1;
        free_pages_--;
        if (pages_in_use() > peak_in_use_) peak_in_use_ = pages_in_use();
        fail_.succeeded();
        return phys_of(pg);
    }
    // Gives back a block from alloc(order): the caller must hold the only
    // reference, and owner/flags must have been cleared.  Merges buddies.
    void free(PhysAddr pa, unsigned order = 0);

    // Reference counts of a block (vm_page_ref / vm_page_unref): unref
    // frees the block with its last reference and then returns true.
    void ref(PhysAddr pa);
    bool unref(PhysAddr pa);
    uint32_t ref_count(PhysAddr pa);
    // ref/unref inline for a caller that has interrupts off already and
    // references many pages in a row (a page-index node copied or torn
    // down: 512 pages under one critical section, not one section and one
    // call each).  The checks stay in the debug build.
    void ref_locked(PhysAddr pa)
    {
        assert_intr_off("ref_locked");
        Page* pg = find_page(pa);
        if constexpr (INVARIANTS) check_ref(pa, pg, "ref_locked");
        pg->ref_count++;
    }
    bool unref_locked(PhysAddr pa)
    {
        assert_intr_off("unref_locked");
        Page* pg = find_page(pa);
        if constexpr (INVARIANTS) check_ref(pa, pg, "unref_locked");
        if (pg->ref_count > 1) {
            pg->ref_count--;
            return false;
        }
        release_page(pg);
        return true;
    }
    // The metadata array of the first segment, which holds nearly every
    // page (a PtPageSource indexes it directly): its pages and the frame
    // number of pages[0]; npages 0 before init().
    Page* first_segment_pages() const { return segs_[0].pages; }
    uint64_t first_segment_base_pfn() const { return segs_[0].base_pfn; }
    uint64_t first_segment_npages() const { return segs_[0].npages; }

    // Metadata of the page holding pa: page_of() panics when pa is not in
    // a managed segment, find_page() returns nullptr then.
    Page* page_of(PhysAddr pa);
    // Inline for the first segment, which holds nearly every page (a fault
    // asks for several reference counts: one call and loop each was a
    // tenth of a write fault).
    Page* find_page(PhysAddr pa)
    {
        const uint64_t pfn = pa.value() >> arch::PAGE_SHIFT;
        const Segment& s = segs_[0]; // npages 0 before there is a segment
        if (pfn - s.base_pfn < s.npages) return &s.pages[pfn - s.base_pfn];
        return find_page_slow(pfn);
    }
    // Inline for the first segment too (a fault's pooled page).  A page's
    // segind names the array it lies in (init_segment), so the range is
    // only checked in the debug build.
    PhysAddr phys_of(const Page* pg) const
    {
        const Segment& s = segs_[0];
        if (pg->segind != 0) return phys_of_slow(pg);
        KASSERT(pg >= s.pages && pg < s.pages + s.npages, "%p is not page metadata", pg);
        return PhysAddr((s.base_pfn + uint64_t(pg - s.pages)) << arch::PAGE_SHIFT);
    }

    // The order-0 page cache (FreeBSD's per-domain vmd_pgcache, Linux's
    // per-CPU lists), off (0) until the kernel sets its size.  A freed
    // page goes to the cache while it has room, not to the buddy lists, and
    // an order-0 allocation takes the cache's newest page; an empty cache
    // takes a block of 2^CACHE_BATCH_ORDER pages at once.  So a fault
    // neither splits a block nor merges one back.  Cached pages are free
    // pages: free_pages() counts them, the reserve applies to them, and
    // an allocation of a larger block that finds none drains the cache
    // first (its pages merge back).  free_blocks() counts the buddy lists
    // only: drain_cache() before comparing it.  docs/memory.md.
    static constexpr unsigned CACHE_BATCH_ORDER = 5;
    void set_cache_limit(size_t pages);
    size_t cache_limit() const { return cache_limit_; }
    size_t cached_pages() const { return cache_.size(); }
    // Gives every cached page back to the buddy lists, merging.
    void drain_cache();
    // Whether the free pages on the buddy lists and in the cache add up to
    // free_pages() and every cached page is a Cached order-0 page; false
    // with *why set when not (the invariant checker's page pass).
    bool check_free_counts(const char** why);

    // Counters, in pages.  total = free + in use; excluded and metadata
    // pages are not counted at all.
    uint64_t total_pages() const { return total_pages_; }
    uint64_t free_pages() const { return free_pages_; }
    uint64_t pages_in_use() const { return total_pages_ - free_pages_; }
    uint64_t peak_pages_in_use() const { return peak_in_use_; }
    void reset_peak() { peak_in_use_ = pages_in_use(); }
    // Free blocks of exactly this order: how fragmented the free memory is.
    size_t free_blocks(unsigned order) const;

    // Segments: the managed span of each RAM range, and where its
    // metadata array was put.
    size_t segment_count() const { return nsegs_; }
    PhysRange segment(size_t i) const;
    PhysRange metadata(size_t i) const;

    // The free-page reserve (FreeBSD's v_free_reserved): an allocation
    // that would leave fewer than `pages` free pages is refused with NoMem
    // unless it asks for AllocFlags::System or `may_use()` (asked with
    // interrupts off; null: nobody else) says the caller may dip in: the
    // kernel lets its own processes and init use the reserve
    // (kernel/vm/vm_pageout_oom.cpp, docs/memory.md "Out of memory").
    void set_reserve(uint64_t pages, bool (*may_use)() = nullptr);
    uint64_t reserved_pages() const { return reserve_; }
    // Allocations refused because of the reserve, and allocation calls
    // made at all (a test's proof that a path allocates nothing).
    uint64_t reserve_refusals() const { return reserve_refusals_; }
    uint64_t alloc_calls() const { return alloc_calls_; }

    // Fault injection (see FailPoint): the allocation after n more
    // successes returns NoMem.
    void fail_after(long n) { fail_.fail_after(n); }
    uint64_t injected_failures() const { return fail_.injected(); }

private:
    struct Segment {
        uint64_t base_pfn = 0;
        uint64_t npages = 0;
        Page* pages = nullptr;
        PhysRange meta;
    };

    Segment* segment_of(uint64_t pfn);
    Page* find_page_slow(uint64_t pfn);
    PhysAddr phys_of_slow(const Page* pg) const;
    Result<void> make_segments(const PhysRangeSet& ram, const PhysRangeSet& usable);
    Result<void> place_metadata(PhysRangeSet& usable);
    void init_segment(size_t i);
    void add_free_range(PhysRange r);
    Page* take_block(unsigned order);
    Page* cache_take();
    void release_block(Page* pg);
    void release_page(Page* pg);
    Page* allocated_head(PhysAddr pa, const char* what);
    void check_ref(PhysAddr pa, const Page* pg, const char* what);
    uint64_t pfn_of(const Page* pg) const;
    bool reserve_allows(unsigned order, AllocFlags flags);

    Segment segs_[MAX_SEGMENTS];
    size_t nsegs_ = 0;
    List<Page, &Page::link> free_[MAX_ORDER + 1];
    List<Page, &Page::link> cache_;
    size_t cache_limit_ = 0;
    uint64_t total_pages_ = 0;
    uint64_t free_pages_ = 0;
    uint64_t peak_in_use_ = 0;
    bool initialized_ = false;
    FailPoint fail_;
    uint64_t reserve_ = 0;
    bool (*may_use_reserve_)() = nullptr;
    uint64_t reserve_refusals_ = 0;
    uint64_t alloc_calls_ = 0;
};
