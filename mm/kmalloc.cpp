#include <mm/kmalloc.h>

#include <kernel/machdep.h>
#include <mm/intr_off.h>

#include <bit>
#include <string.h>

namespace {

using arch::PAGE_SIZE;

KmallocArena* g_arena = nullptr;

// Order of the smallest block of pages holding `size` bytes.
unsigned order_for(size_t size)
{
    const size_t npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    return static_cast<unsigned>(std::bit_width(npages - 1));
}

} // namespace

KmallocArena::KmallocArena(PageAllocator& pages)
    : pages_(pages),
      zones_{Zone("kmalloc-16", 16, 16, pages),     Zone("kmalloc-32", 32, 32, pages),
             Zone("kmalloc-64", 64, 64, pages),     Zone("kmalloc-128", 128, 128, pages),
             Zone("kmalloc-256", 256, 256, pages),  Zone("kmalloc-512", 512, 512, pages),
             Zone("kmalloc-1024", 1024, 1024, pages), Zone("kmalloc-2048", 2048, 2048, pages)}
{
    static_assert(MIN_SIZE << (NZONES - 1) == MAX_ZONE_SIZE, "one zone per power of two");
}

KmallocArena::~KmallocArena()
{
    KASSERT(objects_in_use_ == 0 && large_pages_ == 0,
            "kmalloc arena destroyed with %zu objects (%zu bytes) in use", objects_in_use_,
            bytes_in_use_);
}

Zone* KmallocArena::zone_for(size_t size)
{
    const size_t cls = sprig::max(std::bit_ceil(sprig::max<size_t>(size, 1)), MIN_SIZE);
    return &zones_[std::countr_zero(cls) - std::countr_zero(MIN_SIZE)];
}

Result<void*> KmallocArena::alloc(size_t size, AllocFlags flags)
{
    if (size > MAX_SIZE) return Errno::NoMem;
    {
        IntrOff off;
        if (fail_.should_fail() || fail_site_hit(FailSite::Kmalloc)) return Errno::NoMem;
    }
    void* p;
    if (size > MAX_ZONE_SIZE) {
        p = TRY(alloc_large(size, flags));
    } else {
        Zone* z = zone_for(size);
        p = TRY(z->alloc(flags));
        IntrOff off;
        bytes_in_use_ += z->object_size();
        objects_in_use_++;
    }
    IntrOff off;
    fail_.succeeded();
    return p;
}

// A whole block, marked in its first page's metadata as kmalloc's.
Result<void*> KmallocArena::alloc_large(size_t size, AllocFlags flags)
{
    const unsigned order = order_for(size);
    const PhysAddr pa = TRY(pages_.alloc(order, flags));
    IntrOff off;
    Page* pg = pages_.page_of(pa);
    pg->owner = this;
    pg->flags = page_flag::KMALLOC;
    large_pages_ += size_t{1} << order;
    bytes_in_use_ += PAGE_SIZE << order;
    objects_in_use_++;
    return arch::phys_to_virt(pa);
}

// The first page of the big block at p, checked to be one of ours.
Page* KmallocArena::large_head(const void* p)
{
    const PhysAddr pa = arch::virt_to_phys(p);
    Page* pg = pages_.find_page(pa);
    KASSERT(pg != nullptr, "kfree(%p): not kmalloc memory", p);
    KASSERT(pa.is_aligned(PAGE_SIZE), "kfree(%p): not the start of a kmalloc block", p);
    KASSERT(pg->state == PageState::Allocated, "kfree(%p): not an allocated block (double free?)",
            p);
    KASSERT(pg->flags & page_flag::KMALLOC, "kfree(%p): not a kmalloc block", p);
    KASSERT(pg->owner == this, "kfree(%p): block belongs to another arena", p);
    return pg;
}

void KmallocArena::free_large(void* p)
{
    IntrOff off;
    Page* pg = large_head(p);
    const unsigned order = pg->order;
    pg->owner = nullptr;
    pg->flags = 0;
    pages_.free(pages_.phys_of(pg), order);
    large_pages_ -= size_t{1} << order;
    bytes_in_use_ -= PAGE_SIZE << order;
    objects_in_use_--;
}

// The zone of ours that p's slab belongs to, or nullptr when p is not in a
// slab at all.
Zone* KmallocArena::own_zone(const void* p)
{
    Zone* z = Zone::owner_of(pages_, p);
    if (!z) return nullptr;
    KASSERT(z >= zones_ && z < zones_ + NZONES, "kfree(%p): object of zone %s", p, z->name());
    return z;
}

void KmallocArena::free(void* p)
{
    if (!p) return;
    Zone* z = own_zone(p);
    if (!z) {
        free_large(p);
        return;
    }
    z->free(p);
    IntrOff off;
    bytes_in_use_ -= z->object_size();
    objects_in_use_--;
}

size_t KmallocArena::usable_size(const void* p)
{
    if (Zone* z = own_zone(p)) return z->object_size();
    return PAGE_SIZE << large_head(p)->order;
}

void KmallocArena::drain()
{
    for (Zone& z : zones_) z.drain();
}

size_t KmallocArena::pages_in_use() const
{
    size_t n = large_pages_;
    for (const Zone& z : zones_) n += z.pages_in_use();
    return n;
}

void kmalloc_set_arena(KmallocArena* arena) { g_arena = arena; }
KmallocArena* kmalloc_arena() { return g_arena; }

Result<void*> kmalloc(size_t size, AllocFlags flags)
{
    KASSERT(g_arena != nullptr, "kmalloc before kmalloc_set_arena");
    return g_arena->alloc(size, flags);
}

void kfree(void* p)
{
    if (!p) return;
    KASSERT(g_arena != nullptr, "kfree before kmalloc_set_arena");
    g_arena->free(p);
}
