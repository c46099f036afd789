// Pages zeroed ahead of time by the pagezero kernel process while the
// system idles (FreeBSD's vm_pagezero), so that a request for a zeroed
// page, such as a new page-table page, need not clear one on the spot.
// Pooled pages are allocated from the page allocator (they are not free)
// and linked through their metadata.
#pragma once

#include <stddef.h>
#include <lib/list.h>
#include <lib/result.h>
#include <mm/intr_off.h>
#include <mm/page_alloc.h>
#include <mm/page_copy.h>

class ZeroPool {
public:
    explicit ZeroPool(PageAllocator& pages, size_t target) : pages_(pages), target_(target) {}
    ZeroPool(const ZeroPool&) = delete;
    ZeroPool& operator=(const ZeroPool&) = delete;

    // A zeroed page: from the pool when it has one, else cleared now.
    Result<PhysAddr> take()
    {
        IntrOff off; // pagezero fills the pool with interrupts on
        return take_locked();
    }
    // take() for a caller that has interrupts off already (the quick
    // fault path, into which it is inlined): no critical section of its own.
    Result<PhysAddr> take_locked()
    {
        assert_intr_off("ZeroPool::take_locked");
        if (Page* pg = pop()) return pages_.phys_of(pg);
        const PhysAddr pa = TRY(pages_.alloc_page_locked());
        pmap_zero_page(pa);
        return pa;
    }
    // The daemon's step: zeroes one more page into the pool.  False when
    // the pool is full or no page is free (try again later).
    bool fill_one();
    // Gives every pooled page back to the allocator (memory is short).
    void drain();
    // Takes in an allocated page its owner knows to be all zeros (a
    // page-table page left with no valid entry), so it need not be
    // cleared again: true if pooled, false (the caller frees it) when the
    // pool is at its target or free pages are down to the reserve.
    bool put(PhysAddr pa);

    // Whether the pool's pages come from (and go back to) `pages`.
    bool serves(const PageAllocator& pages) const { return &pages_ == &pages; }
    size_t size() const { return pool_.size(); }
    size_t target() const { return target_; }
    // Pages zeroed by fill_one() since boot, and requests served from the pool.
    uint64_t zeroed() const { return zeroed_; }
    uint64_t hits() const { return hits_; }
    // Pages taken in by put() since boot.
    uint64_t returned() const { return returned_; }

private:
    Page* pop()
    {
        Page* pg = pool_.pop_front();
        if (pg) hits_++;
        return pg;
    }

    PageAllocator& pages_;
    size_t target_;
    List<Page, &Page::link> pool_;
    uint64_t zeroed_ = 0;
    uint64_t hits_ = 0;
    uint64_t returned_ = 0;
};
