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
//
// Stack pages are not zeroed: a thread's stack is written before it is
// read, like any stack.  Freed stacks of the default size are kept whole
// and mapped in a small cache (FreeBSD's kstack cache), so a fork after an
// exit takes one without allocating, mapping or flushing anything.  Such
// a stack still holds the old thread's frames: that is fine inside the
// kernel (FreeBSD's cache does the same), and nothing of it may ever reach
// user space: the kernel copies out only what it initialized itself
// (copyout from a stack buffer must fill the buffer first).
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
// How many freed KSTACK_PAGES stacks the kernel's allocator keeps mapped.
inline constexpr unsigned KSTACK_CACHE_MAX = 8;

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

    // Slots per 2 MiB stretch: the stacks that share one level-0 table.
    static constexpr uint32_t SLOTS_PER_TABLE = uint32_t(arch::level_size(1) / SLOT_SIZE);

    // Stacks from `pages`, mapped in `pt` (the kernel's table) in the
    // first `nslots` slots of the region (tests pass a few to reach
    // exhaustion), keeping up to `cache_max` freed stacks of KSTACK_PAGES
    // pages mapped for reuse.  Both objects must outlive this one.
    KStackAllocator(PageAllocator& pages, PageTable& pt, uint32_t nslots = MAX_SLOTS,
                    unsigned cache_max = 0);
    KStackAllocator(const KStackAllocator&) = delete;
    KStackAllocator& operator=(const KStackAllocator&) = delete;

    // A stack of `pages` pages (contents undefined), mapped and flushed: a
    // cached one when there is one of that size, else new pages in the
    // lowest free slot.  With memory down to the reserve the cache is
    // drained first, so the allocator's reserve rules decide.  The kstack fail site is asked once per stack,
    // first.  Errors, each leaving nothing allocated, mapped or taken:
    //   Inval  pages is 0 or above KSTACK_MAX_PAGES;
    //   NoMem  an injected failure, no free slot, no page, or no
    //          page-table page (the cache is drained and the stack tried
    //          again before a missing page is reported).
    Result<KStack> alloc(unsigned pages);
    // Keeps the stack in the cache if it has room, memory is not down to
    // the allocator's reserve, and the stack is of the cached size in the
    // first 2 MiB stretch (whose level-0 table the
    // boot stacks keep, so a cached stack holds no table page alive);
    // else unmaps it, runs the flush, and frees its pages and its slot.
    // The stack must be one this allocator handed out and not yet freed,
    // and nothing may run on it any more.
    void free(const KStack& ks);
    // Unmaps and frees every cached stack (memory is short, or a caller
    // counts pages).  Returns the pages freed.
    uint64_t drain();

    // Stacks handed out and not freed (cached ones are not in use).
    size_t in_use() const { return in_use_; }
    // Pages mapped as stacks: those in use and those cached.
    uint64_t pages_mapped() const { return pages_mapped_; }
    unsigned cached() const { return ncached_; }
    uint64_t cached_pages() const { return uint64_t{ncached_} * KSTACK_PAGES; }
    unsigned cache_max() const { return cache_max_; }
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
    Result<KStack> alloc_new(unsigned pages);
    void free_now(const KStack& ks);
    bool cache_put(const KStack& ks);
    bool short_of_pages() const;
    KStack cache_take();
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
    unsigned cache_max_;
    unsigned ncached_ = 0;
    KStack cache_[KSTACK_CACHE_MAX]; // a stack, slot busy, all pages mapped
};

// The kernel's allocator, over vm_pages() and kernel_pmap() as installed
// (mm/kmem.h).  When those objects have been replaced since the last call
// (a host test installing its own), it is rebuilt over the new ones, which
// requires that no stack of the old ones is still in use.
KStackAllocator& kernel_kstacks();
// kernel_kstacks().alloc(pages) and .free(ks): what fork1 and kproc use.
// The kernel's allocator caches up to KSTACK_CACHE_MAX stacks.
Result<KStack> kstack_alloc(unsigned pages = KSTACK_PAGES);
void kstack_free(const KStack& ks);
// The kernel's cache: pages it holds (counted as free, like the pre-zeroed
// pool: lowmem gives them back), and draining it (vm_lowmem).  Both are 0
// before the kernel's allocator exists.
uint64_t kstack_cached_pages();
uint64_t kstack_cache_drain();
