#include <mm/kmem.h>

#include <kernel/machdep.h>
#include <lib/kassert.h>
#include <mm/fail_point.h>

namespace {
KernelMemory g_km;
} // namespace

ZeroPool* kmem_detail::zero_pool = nullptr;

void kmem_set_zero_pool(ZeroPool* pool) { kmem_detail::zero_pool = pool; }

Result<PhysAddr> PageAllocatorPtSource::alloc_table_page()
{
    if (fail_site_hit(FailSite::PtPage)) return Errno::NoMem;
    if (!has_direct())
        set_direct(pages_.first_segment_pages(), pages_.first_segment_base_pfn(),
                   pages_.first_segment_npages());
    const PhysAddr pa = TRY(zero_pool_ ? zero_pool_->take() : pages_.alloc(0, AllocFlags::Zero));
    pt_counts(pa) = Page::PtCounts{};
    in_use_++;
    return pa;
}

void PageAllocatorPtSource::free_table_page(PhysAddr pa)
{
    KASSERT(in_use_ > 0, "freeing table page %#lx, none in use", pa.value());
    KASSERT(share_count(pa) == 0, "freeing table page %#lx that %u other spaces still share",
            pa.value(), unsigned(share_count(pa)));
    in_use_--;
    if (zero_pool_ && valid_count(pa) == 0) {
        auto* words = static_cast<uint64_t*>(arch::phys_to_virt(pa));
        if constexpr (INVARIANTS) {
            for (size_t i = 1; i < arch::PAGE_SIZE / sizeof(uint64_t); i++)
                KASSERT(words[i] == 0, "table page %#lx with no valid entry holds %#lx at word %zu",
                        pa.value(), words[i], i);
        }
        words[0] = 0; // the flush's free-list link
        if (zero_pool_->put(pa)) return;
    }
    pages_.free(pa, 0);
}

void kmem_install(const KernelMemory& km)
{
    KASSERT(km.pages && km.kmalloc && km.pt_pages && km.pmap, "kmem_install: missing object");
    g_km = km;
    kmalloc_set_arena(km.kmalloc);
}

PageAllocator& vm_pages()
{
    KASSERT(g_km.pages, "no page allocator installed");
    return *g_km.pages;
}

PtPageSource& kernel_pt_pages()
{
    KASSERT(g_km.pt_pages, "no page-table page source installed");
    return *g_km.pt_pages;
}

PageTable& kernel_pmap()
{
    KASSERT(g_km.pmap, "no kernel page table installed");
    return *g_km.pmap;
}

void kmem_drain()
{
    KASSERT(g_km.kmalloc, "no kmalloc arena installed");
    g_km.kmalloc->drain();
}
