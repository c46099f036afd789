// The kernel's memory objects, installed once at boot: the page
// allocator, kmalloc, the kernel page table and where its table pages
// come from.  The objects themselves are made by the boot code (or by a
// host test, which installs its own); code that needs "the kernel's"
// allocator asks here.
#pragma once

#include <mm/kmalloc.h>
#include <mm/page_alloc.h>
#include <mm/pagetable.h>
#include <mm/pt_pages.h>
#include <mm/zero_pool.h>

// Table pages for a PageTable from a PageAllocator, pre-zeroed ones
// first when a ZeroPool is attached.
class PageAllocatorPtSource final : public PtPageSource {
public:
    explicit PageAllocatorPtSource(PageAllocator& pages) : pages_(pages) {}
    Result<PhysAddr> alloc_table_page() override;
    // A page given back with no valid entry is zero (but the flush's link
    // word): it goes back to the attached pool while that is below target.
    void free_table_page(PhysAddr pa) override;
    void attach_zero_pool(ZeroPool* pool) { zero_pool_ = pool; }
    uint64_t pages_in_use() const override { return in_use_; }

private:
    // In the page's metadata (Page::pt): the first segment's by index
    // (set_direct, on the first allocation, once the allocator has its
    // segments), any other through find_page.
    Page::PtCounts& counts_slow(PhysAddr table) override
    {
        Page* pg = pages_.find_page(table);
        KASSERT(pg != nullptr, "page table %#lx is not from the page allocator", table.value());
        return pg->pt;
    }

    PageAllocator& pages_;
    ZeroPool* zero_pool_ = nullptr;
    uint64_t in_use_ = 0;
};

struct KernelMemory {
    PageAllocator* pages = nullptr;
    KmallocArena* kmalloc = nullptr;
    PtPageSource* pt_pages = nullptr;
    PageTable* pmap = nullptr;
};

// Installs the objects (each must outlive every user of them).
void kmem_install(const KernelMemory& km);
PageAllocator& vm_pages();
PtPageSource& kernel_pt_pages();
PageTable& kernel_pmap();
// The pool of pre-zeroed pages, once the pagezero thread runs (else null).
void kmem_set_zero_pool(ZeroPool* pool);
namespace kmem_detail {
extern ZeroPool* zero_pool;
} // namespace kmem_detail
// Inline: every zero-fill fault asks.
inline ZeroPool* kmem_zero_pool() { return kmem_detail::zero_pool; }
// Gives kmalloc's cached empty slabs back to the page allocator.
void kmem_drain();
