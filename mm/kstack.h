// Kernel stacks (FreeBSD's vm_thread_stack_create/dispose): each thread's
// stack is `pages` pages from the page allocator, mapped R|W|G into the
// kernel page table in the kernel-stack region (arch::KSTACK_REGION), never
// in the direct map, with the page below it left unmapped as a guard.  An
// overflow then faults on the guard instead of corrupting whatever lies
// below; the trap vector turns that fault into a panic naming the thread
// (arch::set_current_stack).
//
// The region is cut into fixed slots of SLOT_PAGES pages; a stack sits at
// the top of its slot, so everything below it in the slot (at least
// SLOT_PAGES - KSTACK_MAX_PAGES pages) stays unmapped: the guard is never
// smaller than that, whatever the stack's size.  The region's level-1
// tables are reserved at boot (pmap_bootstrap), so a stack mapped here is
// seen by every address space without touching a root entry.
//
// One hart: the slot map is changed with interrupts off; page allocation
// and mapping are not done from interrupt handlers.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <arch/param.h>
#include <arch/pte.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <mm/tlb_flush.h>

class PageAllocator;
class PageTable;

// fork1's default stack size, and the largest a caller may ask for.
inline constexpr unsigned KSTACK_PAGES = 4;
inline constexpr unsigned KSTACK_MAX_PAGES = 16;

// A kernel stack: a plain value (copy it freely; free it once).
class KStack {
public:
    KStack() = default; // no stack

    bool valid() const { return pages_ != 0; }
    // Lowest mapped address; the guard page is the page just below.
    VirtAddr lo() const { return top_ - uint64_t{pages_} * arch::PAGE_SIZE; }
    // One past the highest mapped byte: the initial stack pointer.
    VirtAddr top() const { return top_; }
    VirtAddr guard() const { return lo() - arch::PAGE_SIZE; }
    unsigned pages() const { return pages_; }
    uint64_t size() const { return uint64_t{pages_} * arch::PAGE_SIZE; }
    uint32_t slot() const { return slot_; }

private:
    friend class KStackAllocator;
    KStack(uint32_t slot, VirtAddr top, unsigned pages) : top_(top), slot_(slot), pages_(pages) {}

    VirtAddr top_;
    uint32_t slot_ = 0;
    unsigned pages_ = 0;
};

class KStackAllocator {
public:
    // Slot stride: twice the largest stack, so a power of two (stack tops
    // 128 KiB-aligned) and a guard of at least KSTACK_MAX_PAGES pages.
    static constexpr uint64_t SLOT_PAGES = 2 * KSTACK_MAX_PAGES;
    static constexpr uint64_t SLOT_SIZE = SLOT_PAGES * arch::PAGE_SIZE;
    static constexpr uint32_t MAX_SLOTS = uint32_t(arch::KSTACK_REGION_SIZE / SLOT_SIZE);

    // Stacks from `pages`, mapped in `pt` (the kernel's table) in the
    // first `nslots` slots of the region (tests pass a few to reach
    // exhaustion).  Both objects must outlive this one.
    KStackAllocator(PageAllocator& pages, PageTable& pt, uint32_t nslots = MAX_SLOTS);
    KStackAllocator(const KStackAllocator&) = delete;
    KStackAllocator& operator=(const KStackAllocator&) = delete;

    // A stack of `pages` zeroed pages in the lowest free slot, mapped and
    // flushed.  Errors, each leaving nothing allocated, mapped or taken:
    //   Inval  pages is 0 or above KSTACK_MAX_PAGES;
    //   NoMem  no free slot, no page, or no page-table page.
    Result<KStack> alloc(unsigned pages);
    // Unmaps the stack, runs the flush, then frees its pages and its slot.
    // The stack must be one this allocator handed out and not yet freed,
    // and nothing may run on it any more.
    void free(const KStack& ks);

    size_t in_use() const { return in_use_; }
    uint64_t pages_mapped() const { return pages_mapped_; }
    uint32_t slot_count() const { return nslots_; }
    bool slot_busy(uint32_t slot) const;
    // Whether this allocator draws from these objects (kernel_kstacks()).
    bool uses(const PageAllocator& pages, const PageTable& pt) const
    {
        return &pages_ == &pages && &pt_ == &pt;
    }

    // Where slot i begins (its lowest, never-mapped page) and ends (the top
    // of a stack in it).
    static VirtAddr slot_base(uint32_t i)
    {
        return VirtAddr(arch::KSTACK_REGION + uint64_t{i} * SLOT_SIZE);
    }
    static VirtAddr slot_top(uint32_t i) { return slot_base(i) + SLOT_SIZE; }

private:
    static constexpr unsigned WORD_BITS = 64;

    Result<uint32_t> take_slot();
    void release_slot(uint32_t slot);
    Result<TlbFlush> map_page(VirtAddr va, PhysAddr pa);
    Result<void> populate(VirtAddr lo, unsigned pages, PhysAddr* pas, unsigned& done);
    void depopulate(VirtAddr lo, const PhysAddr* pas, unsigned n);

    PageAllocator& pages_;
    PageTable& pt_;
    uint32_t nslots_;
    uint32_t hint_ = 0; // no free slot below this word index
    size_t in_use_ = 0;
    uint64_t pages_mapped_ = 0;
    uint64_t busy_[MAX_SLOTS / WORD_BITS] = {};
};

// The kernel's allocator, over vm_pages() and kernel_pmap() as installed
// (mm/kmem.h).  When those objects have been replaced since the last call
// (a host test installing its own), it is rebuilt over the new ones, which
// requires that no stack of the old ones is still in use.
KStackAllocator& kernel_kstacks();
// kernel_kstacks().alloc(pages) and .free(ks): what fork1 and kproc use.
Result<KStack> kstack_alloc(unsigned pages = KSTACK_PAGES);
void kstack_free(const KStack& ks);
