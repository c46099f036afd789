// Per-page metadata (FreeBSD's struct vm_page, much reduced): one entry for
// every page of each RAM segment the page allocator manages.  The entries
// live in an array inside RAM that the allocator sets aside at boot.
#pragma once

#include <stdint.h>
#include <lib/list.h>

enum class PageState : uint8_t {
    Reserved = 0, // not managed: excluded at boot, or the metadata itself
    Free,         // on a buddy free list, or inside a free block
    Allocated,    // first page of an allocated block
    Cached,       // free, in PageAllocator's order-0 cache (not on a buddy list)
};

// Bits of Page::flags, set and cleared by whoever owns the page.
namespace page_flag {
inline constexpr uint8_t SLAB = 1u << 0;    // part of a zone's slab; owner is the Slab
inline constexpr uint8_t KMALLOC = 1u << 1; // a big kmalloc block; owner is the arena
} // namespace page_flag

struct Page {
    // A buddy free list while the block is free; free for the owner's use
    // while it is allocated: a page-table page keeps its counts there
    // (PtPageSource::valid_count, share_count and write_protected,
    // mm/pt_pages.h), a page-index node its occupied slot groups
    // (PageIndex, mm/page_index.h).  Either must be 0 again when the page
    // is freed or pooled.
    struct PtCounts {
        uint16_t valid;       // valid entries
        uint16_t shares;      // level-1 entries pointing at it, less one
        bool write_protected; // no entry grants W (false is always safe)
    };
    union {
        ListNode link{};
        PtCounts pt;
        uint64_t pi_groups;
    };
    // Back pointer for whoever holds the page (a slab, a kmalloc arena):
    // how an address leads to its owner.  Must be null when freed.
    void* owner = nullptr;
    // Mappings and holders of the block (COW shares pages); the last
    // unref frees it.  Kept on the first page of a block only.
    uint32_t ref_count = 0;
    PageState state = PageState::Reserved;
    uint8_t order = 0;  // block size 2^order pages; valid on a block's first page
    uint8_t segind = 0; // which RAM segment's array holds this entry
    uint8_t flags = 0;  // page_flag bits; must be 0 when freed
};

// 8 GiB of RAM costs 64 MiB of metadata at this size: keep it there or below.
static_assert(sizeof(Page) <= 32, "struct Page grew");
