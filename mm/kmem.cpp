#include <mm/kmem.h>

#include <mm/fail_point.h>

namespace {
KernelMemory g_km;
ZeroPool* g_zero_pool = nullptr;
} // namespace

void kmem_set_zero_pool(ZeroPool* pool) { g_zero_pool = pool; }
ZeroPool* kmem_zero_pool() { return g_zero_pool; }

Result<PhysAddr> PageAllocatorPtSource::alloc_table_page()
{
    if (fail_site_hit(FailSite::PtPage)) return Errno::NoMem;
    const PhysAddr pa = TRY(zero_pool_ ? zero_pool_->take() : pages_.alloc(0, AllocFlags::Zero));
    in_use_++;
    return pa;
}

void PageAllocatorPtSource::free_table_page(PhysAddr pa)
{
    KASSERT(in_use_ > 0, "freeing table page %#lx, none in use", pa.value());
    in_use_--;
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
