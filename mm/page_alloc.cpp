#include <mm/page_alloc.h>

#include <kernel/machdep.h>
#include <lib/utility.h>
#include <mm/intr_off.h>
#include <mm/page_copy.h>
#include <mm/phys_ranges.h>

#include <bit>
#include <new>
#include <string.h>

namespace {

using arch::PAGE_SHIFT;
using arch::PAGE_SIZE;

constexpr uint64_t pfn_of_pa(PhysAddr pa) { return pa.value() >> PAGE_SHIFT; }
constexpr PhysAddr pa_of_pfn(uint64_t pfn) { return PhysAddr(pfn << PAGE_SHIFT); }

// Bytes of metadata for npages pages, in whole pages.
constexpr uint64_t metadata_bytes(uint64_t npages)
{
    return sprig::align_up<uint64_t>(npages * sizeof(Page), PAGE_SIZE);
}

} // namespace

// vm_page_startup: works out the segments and the free ranges, and checks
// that everything fits before it writes anything, so a failed init leaves
// the allocator empty and RAM untouched.
Result<void> PageAllocator::init(const PhysRange* ram, size_t nram, const PhysRange* exclude,
                                 size_t nexclude)
{
    KASSERT(!initialized_, "PageAllocator::init called twice");
    PhysRangeSet rams;
    for (size_t i = 0; i < nram; i++) TRY(rams.add(ram[i]));
    rams.shrink_to(PAGE_SIZE);

    PhysRangeSet usable = rams;
    for (size_t i = 0; i < nexclude; i++) {
        const PhysRange& e = exclude[i];
        if (e.size == 0) continue;
        KASSERT(e.end() > e.base, "exclusion %#lx + %#lx wraps", e.base.value(), e.size);
        const PhysAddr lo = e.base.align_down(PAGE_SIZE);
        const PhysAddr hi = e.end().align_up(PAGE_SIZE);
        TRY(usable.subtract({lo, hi - lo}));
    }
    if (usable.size() == 0) return Errno::NoMem;

    TRY(make_segments(rams, usable));
    TRY(place_metadata(usable));

    // From here on nothing can fail.
    for (size_t i = 0; i < nsegs_; i++) init_segment(i);
    for (const PhysRange& r : usable) add_free_range(r);
    total_pages_ = free_pages_ = usable.total() / PAGE_SIZE;
    peak_in_use_ = 0;
    initialized_ = true;
    return {};
}

// One segment per RAM range that has usable pages, spanning only from its
// first usable page to its last: no metadata for pages that can never be
// handed out at either end, and none at all for the holes between ranges.
Result<void> PageAllocator::make_segments(const PhysRangeSet& rams, const PhysRangeSet& usable)
{
    size_t n = 0;
    for (const PhysRange& r : rams) {
        PhysAddr lo, hi;
        bool any = false;
        for (const PhysRange& u : usable) {
            if (!r.overlaps(u)) continue;
            if (!any) lo = u.base;
            hi = u.end();
            any = true;
        }
        if (!any) continue;
        if (n == MAX_SEGMENTS) {
            nsegs_ = 0;
            return Errno::NoSpc;
        }
        segs_[n].base_pfn = pfn_of_pa(lo);
        segs_[n].npages = (hi - lo) / PAGE_SIZE;
        n++;
    }
    nsegs_ = n;
    return {};
}

// Each segment's metadata goes at the top of the highest usable range of
// that segment that can hold it, or else of the highest such range anywhere.
// Carving from the end of a range never splits it.
Result<void> PageAllocator::place_metadata(PhysRangeSet& usable)
{
    for (size_t i = 0; i < nsegs_; i++) {
        Segment& s = segs_[i];
        const uint64_t bytes = metadata_bytes(s.npages);
        const PhysRange span{pa_of_pfn(s.base_pfn), s.npages * PAGE_SIZE};
        const PhysRange* inside = nullptr;
        const PhysRange* anywhere = nullptr;
        for (const PhysRange& u : usable) {
            if (u.size < bytes) continue;
            anywhere = &u;
            if (span.overlaps(u)) inside = &u;
        }
        const PhysRange* from = inside ? inside : anywhere;
        if (!from) {
            nsegs_ = 0;
            return Errno::NoMem;
        }
        s.meta = {from->end() - bytes, bytes};
        TRY(usable.subtract(s.meta));
    }
    return {};
}

// Every page of the segment starts Reserved; add_free_range() frees the
// usable ones.
void PageAllocator::init_segment(size_t i)
{
    Segment& s = segs_[i];
    s.pages = static_cast<Page*>(arch::phys_to_virt(s.meta.base));
    for (uint64_t k = 0; k < s.npages; k++) {
        Page* pg = new (&s.pages[k]) Page{};
        pg->segind = static_cast<uint8_t>(i);
    }
}

// Marks a usable range free and cuts it into the largest aligned blocks.
void PageAllocator::add_free_range(PhysRange r)
{
    uint64_t pfn = pfn_of_pa(r.base);
    const uint64_t end = pfn_of_pa(r.end());
    Segment* s = segment_of(pfn);
    KASSERT(s != nullptr && end <= s->base_pfn + s->npages, "free range %#lx outside segments",
            r.base.value());
    for (uint64_t p = pfn; p < end; p++) s->pages[p - s->base_pfn].state = PageState::Free;
    while (pfn < end) {
        unsigned order = sprig::min<unsigned>(MAX_ORDER, std::countr_zero(pfn));
        while (pfn + (uint64_t{1} << order) > end) order--;
        Page* head = &s->pages[pfn - s->base_pfn];
        head->order = static_cast<uint8_t>(order);
        free_[order].push_back(head);
        pfn += uint64_t{1} << order;
    }
}

PageAllocator::Segment* PageAllocator::segment_of(uint64_t pfn)
{
    // A handful of segments: a linear scan beats anything cleverer.
    for (size_t i = 0; i < nsegs_; i++) {
        Segment& s = segs_[i];
        if (pfn >= s.base_pfn && pfn - s.base_pfn < s.npages) return &s;
    }
    return nullptr;
}

Page* PageAllocator::find_page_slow(uint64_t pfn)
{
    Segment* s = segment_of(pfn);
    return s ? &s->pages[pfn - s->base_pfn] : nullptr;
}

Page* PageAllocator::page_of(PhysAddr pa)
{
    Page* pg = find_page(pa);
    KASSERT(pg != nullptr, "pa %#lx is not in any page allocator segment", pa.value());
    return pg;
}

uint64_t PageAllocator::pfn_of(const Page* pg) const
{
    KASSERT(pg->segind < nsegs_, "page metadata %p has a bad segment", pg);
    const Segment& s = segs_[pg->segind];
    KASSERT(pg >= s.pages && pg < s.pages + s.npages, "%p is not page metadata", pg);
    return s.base_pfn + static_cast<uint64_t>(pg - s.pages);
}

PhysAddr PageAllocator::phys_of_slow(const Page* pg) const { return pa_of_pfn(pfn_of(pg)); }

// Pops the smallest free block of at least `order` and splits it down,
// putting the upper halves back on the lists.  nullptr when none is free.
Page* PageAllocator::take_block(unsigned order)
{
    unsigned k = order;
    while (k <= MAX_ORDER && free_[k].empty()) k++;
    if (k > MAX_ORDER) return nullptr;
    Page* pg = free_[k].pop_front();
    while (k > order) {
        k--;
        Page* upper = pg + (uint64_t{1} << k); // a block never leaves its segment's array
        upper->order = static_cast<uint8_t>(k);
        free_[k].push_front(upper);
    }
    pg->order = static_cast<uint8_t>(order);
    return pg;
}

// An order-0 page from the cache, which an empty cache refills with a
// whole block of 2^CACHE_BATCH_ORDER pages (one split instead of one per
// page), or with a single page when no such block is left.  State Free
// on return, as take_block's.  Interrupts off.
Page* PageAllocator::cache_take()
{
    Page* pg = cache_.pop_front();
    if (!pg) {
        pg = take_block(CACHE_BATCH_ORDER);
        if (!pg) return take_block(0);
        // The block's pages stay free pages: free_pages_ is unchanged.
        for (uint64_t i = (uint64_t{1} << CACHE_BATCH_ORDER) - 1; i > 0; i--) {
            pg[i].state = PageState::Cached;
            pg[i].order = 0;
            cache_.push_front(&pg[i]);
        }
        pg->order = 0;
        return pg;
    }
    KASSERT(pg->state == PageState::Cached && pg->order == 0,
            "page cache holds pa %#lx in state %u, order %u", phys_of(pg).value(),
            unsigned(pg->state), pg->order);
    pg->state = PageState::Free;
    return pg;
}

void PageAllocator::set_cache_limit(size_t pages)
{
    KASSERT(pages == 0 || pages >= (size_t{1} << CACHE_BATCH_ORDER),
            "page cache of %zu pages holds less than one batch", pages);
    IntrOff off;
    cache_limit_ = pages;
    if (cache_.size() > cache_limit_) drain_cache();
}

void PageAllocator::drain_cache()
{
    IntrOff off;
    while (Page* pg = cache_.pop_front()) {
        pg->state = PageState::Allocated; // release_block's way in
        free_pages_--;
        release_block(pg);
    }
}

bool PageAllocator::check_free_counts(const char** why)
{
    IntrOff off;
    uint64_t n = cache_.size();
    for (unsigned k = 0; k <= MAX_ORDER; k++) n += free_[k].size() << k;
    if (n != free_pages_) {
        *why = "the buddy lists and the page cache do not add up to free_pages";
        return false;
    }
    if (cache_.size() > cache_limit_ + (size_t{1} << CACHE_BATCH_ORDER)) {
        *why = "the page cache holds more than its limit and one batch";
        return false;
    }
    for (Page* pg : cache_) {
        if (pg->state != PageState::Cached || pg->order != 0 || pg->ref_count != 0) {
            *why = "the page cache holds a page that is not a Cached order-0 page";
            return false;
        }
    }
    return true;
}

Result<PhysAddr> PageAllocator::alloc(unsigned order, AllocFlags flags)
{
    KASSERT(initialized_, "page allocator used before init");
    KASSERT(order <= MAX_ORDER, "alloc of order %u > %u", order, MAX_ORDER);
    Page* pg;
    {
        IntrOff off;
        alloc_calls_++;
        if (fail_.should_fail() || fail_site_hit(FailSite::Page)) return Errno::NoMem;
        if (!reserve_allows(order, flags)) return Errno::NoMem;
        pg = order == 0 && cache_limit_ ? cache_take() : take_block(order);
        if (!pg && !cache_.empty()) {
            // The cache's pages may merge into the block wanted.
            drain_cache();
            pg = take_block(order);
        }
        if (!pg) return Errno::NoMem;
        KASSERT(pg->state == PageState::Free, "free list holds a non-free page");
        pg->state = PageState::Allocated;
        pg->ref_count = 1;
        free_pages_ -= uint64_t{1} << order;
        peak_in_use_ = sprig::max(peak_in_use_, pages_in_use());
        fail_.succeeded();
    }
    const PhysAddr pa = phys_of(pg);
    if (has_flag(flags, AllocFlags::Zero))
        for (uint64_t i = 0; i < (uint64_t{1} << order); i++) pmap_zero_page(pa + i * PAGE_SIZE);
    return pa;
}

void PageAllocator::set_reserve(uint64_t pages, bool (*may_use)())
{
    IntrOff off;
    reserve_ = pages;
    may_use_reserve_ = may_use;
}

// Whether a block of 2^order pages may be taken now; the last reserve_
// free pages go only to System allocations and privileged callers.
// Interrupts off.
bool PageAllocator::reserve_allows(unsigned order, AllocFlags flags)
{
    const uint64_t n = uint64_t{1} << order;
    if (free_pages_ >= reserve_ + n) return true;
    if (has_flag(flags, AllocFlags::System)) return true;
    if (may_use_reserve_ && may_use_reserve_()) return true;
    reserve_refusals_++;
    return false;
}

// The first page of an allocated block at pa, after the checks every
// operation on one needs.
Page* PageAllocator::allocated_head(PhysAddr pa, const char* what)
{
    KASSERT(pa.is_aligned(PAGE_SIZE), "%s: misaligned pa %#lx", what, pa.value());
    Page* pg = find_page(pa);
    KASSERT(pg != nullptr, "%s: pa %#lx is not from the page allocator", what, pa.value());
    KASSERT(pg->state != PageState::Reserved, "%s: pa %#lx is a reserved page", what,
            pa.value());
    KASSERT(pg->state == PageState::Allocated,
            "%s: pa %#lx is not an allocated block (double free?)", what, pa.value());
    KASSERT(pg->ref_count > 0, "%s: pa %#lx has no references", what, pa.value());
    return pg;
}

void PageAllocator::check_ref(PhysAddr pa, const Page* pg, const char* what)
{
    KASSERT(allocated_head(pa, what) == pg, "%s: pa %#lx found at the wrong metadata", what,
            pa.value());
    KASSERT(pg->ref_count < UINT32_MAX, "%s: pa %#lx reference count overflows", what,
            pa.value());
}

void PageAllocator::free(PhysAddr pa, unsigned order)
{
    IntrOff off;
    Page* pg = allocated_head(pa, "free");
    KASSERT(order <= MAX_ORDER && pa.is_aligned(PAGE_SIZE << order),
            "free: pa %#lx is misaligned for order %u", pa.value(), order);
    KASSERT(pg->order == order, "free: pa %#lx has order %u, freed as order %u", pa.value(),
            pg->order, order);
    KASSERT(pg->ref_count == 1, "free: pa %#lx still has %u references", pa.value(),
            pg->ref_count);
    release_page(pg);
}

void PageAllocator::ref(PhysAddr pa)
{
    IntrOff off;
    Page* pg = allocated_head(pa, "ref");
    KASSERT(pg->ref_count < UINT32_MAX, "ref: pa %#lx reference count overflows", pa.value());
    pg->ref_count++;
}

bool PageAllocator::unref(PhysAddr pa)
{
    IntrOff off;
    Page* pg = allocated_head(pa, "unref");
    if (pg->ref_count > 1) {
        pg->ref_count--;
        return false;
    }
    release_page(pg);
    return true;
}

// A freed block: an order-0 page to the cache while it has room, anything
// else to the buddy lists.  Interrupts off.
void PageAllocator::release_page(Page* pg)
{
    if (pg->order != 0 || cache_.size() >= cache_limit_) {
        release_block(pg);
        return;
    }
    KASSERT(pg->owner == nullptr && pg->flags == 0,
            "freeing pa %#lx that still has an owner (flags %#x)", phys_of(pg).value(), pg->flags);
    pg->state = PageState::Cached;
    pg->ref_count = 0;
    free_pages_++;
    cache_.push_front(pg);
}

// One aligned load, which an interrupt cannot tear: no need to turn them
// off (the fault path asks this several times per fault).
uint32_t PageAllocator::ref_count(PhysAddr pa)
{
    return allocated_head(pa, "ref_count")->ref_count;
}

// Frees the allocated block headed by pg and merges it with its buddy, as
// long as the buddy is a free block of the same order in the same segment.
// A free page at the buddy's address is always the head of its block, so
// its order is exact (a larger free block there would contain pg too).
void PageAllocator::release_block(Page* pg)
{
    KASSERT(pg->owner == nullptr && pg->flags == 0,
            "freeing pa %#lx that still has an owner (flags %#x)", phys_of(pg).value(), pg->flags);
    Segment& s = segs_[pg->segind];
    unsigned order = pg->order;
    uint64_t pfn = pfn_of(pg);
    pg->state = PageState::Free;
    pg->ref_count = 0;
    free_pages_ += uint64_t{1} << order;
    while (order < MAX_ORDER) {
        const uint64_t buddy_pfn = pfn ^ (uint64_t{1} << order);
        if (buddy_pfn < s.base_pfn || buddy_pfn - s.base_pfn >= s.npages) break;
        Page* buddy = &s.pages[buddy_pfn - s.base_pfn];
        if (buddy->state != PageState::Free || buddy->order != order) break;
        free_[order].remove(buddy);
        pfn &= ~(uint64_t{1} << order);
        order++;
    }
    Page* head = &s.pages[pfn - s.base_pfn];
    head->order = static_cast<uint8_t>(order);
    free_[order].push_front(head);
}

size_t PageAllocator::free_blocks(unsigned order) const
{
    KASSERT(order <= MAX_ORDER, "order %u > %u", order, MAX_ORDER);
    return free_[order].size();
}

PhysRange PageAllocator::segment(size_t i) const
{
    KASSERT(i < nsegs_, "segment %zu of %zu", i, nsegs_);
    return {pa_of_pfn(segs_[i].base_pfn), segs_[i].npages * PAGE_SIZE};
}

PhysRange PageAllocator::metadata(size_t i) const
{
    KASSERT(i < nsegs_, "segment %zu of %zu", i, nsegs_);
    return segs_[i].meta;
}
