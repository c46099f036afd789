// A pending TLB shootdown, returned by every page-table operation that
// changes a translation (FreeBSD's pmap_invalidate_page/_all, gathered up).
// The caller decides when to run it, so several operations can share one
// flush, but it cannot be forgotten: destroying a token that still has work
// panics.  Run it before anything relies on the new state (before
// returning to user space, before touching the range).
//
// Table pages a page-table operation freed ride along and go back to their
// PtPageSource only after the flush: until then a translation cache may
// still walk through them, so they must not be reused.
//
// What execute() issues, through the arch seam:
//   - a few pages:     arch::tlb_flush_page(va, asid) each;
//   - more than MAX_PAGES, or any freed table (a cached non-leaf entry is
//     only dropped by an sfence.vma without an address):
//                      arch::tlb_flush_asid(asid), or arch::tlb_flush_all()
//                      for ASID 0, whose global kernel mappings a flush
//                      naming an ASID would miss.
#pragma once

#include <stdint.h>
#include <lib/addr.h>
#include <lib/kassert.h>

class PtPageSource;

class [[nodiscard]] TlbFlush {
public:
    static constexpr unsigned MAX_PAGES = 16;

    // An empty token: nothing to flush.
    TlbFlush() = default;
    TlbFlush(uint16_t asid, PtPageSource* src) : src_(src), asid_(asid) {}
    // Inline, as tokens are moved up through every layer of a page fault.
    TlbFlush(TlbFlush&& o) { take(o); }
    TlbFlush& operator=(TlbFlush&& o)
    {
        if (this != &o) {
            KASSERT(!pending(), "overwriting a TLB flush that was never run");
            take(o);
        }
        return *this;
    }
    TlbFlush(const TlbFlush&) = delete;
    TlbFlush& operator=(const TlbFlush&) = delete;
    // Panics if work is still pending: a missed flush is a stale TLB.
    ~TlbFlush()
    {
        KASSERT(!pending(), "TLB flush token (asid %u, %u pages%s) destroyed without execute()",
                unsigned(asid_), npages_, all_ ? ", whole space" : "");
    }

    // The translation of va changed (any page of a superpage will do).
    void add_page(VirtAddr va);
    // Flush the whole address space.
    void add_all();
    // A table page left the tree: free it after the flush (implies add_all).
    void defer_free(PhysAddr table);
    // Takes over o's work (same address space).
    void merge(TlbFlush&& o);

    bool pending() const { return all_ || npages_ > 0 || nfree_ > 0; }
    bool whole_space() const { return all_; }
    unsigned page_count() const { return npages_; }
    VirtAddr page(unsigned i) const { return VirtAddr(pages_[i]); }
    unsigned deferred_frees() const { return nfree_; }
    uint16_t asid() const { return asid_; }

    // Issues the flush, then frees the deferred table pages.
    void execute();
    // For a caller that guarantees no translation cache holds entries of
    // this address space (never activated since the last full flush, or it
    // flushes everything itself right now): frees the deferred pages
    // without flushing.
    void dismiss();

private:
    void release_tables();
    void reset()
    {
        free_head_ = PhysAddr();
        nfree_ = 0;
        all_ = false;
        npages_ = 0;
    }
    void take(TlbFlush& o)
    {
        src_ = o.src_;
        free_head_ = o.free_head_;
        nfree_ = o.nfree_;
        asid_ = o.asid_;
        all_ = o.all_;
        npages_ = o.npages_;
        for (unsigned i = 0; i < npages_; i++) pages_[i] = o.pages_[i];
        o.reset();
    }

    PtPageSource* src_ = nullptr;
    PhysAddr free_head_;   // deferred table pages, linked through their first word
    unsigned nfree_ = 0;
    uint16_t asid_ = 0;
    bool all_ = false;
    unsigned npages_ = 0;
    // Only [0, npages_) is ever read: left uninitialized, as clearing it
    // on every token (several per page fault) cost more than the fault's
    // own page-table work.
    uint64_t pages_[MAX_PAGES];
};
