#include <mm/zero_pool.h>

#include <kernel/machdep.h>
#include <mm/intr_off.h>
#include <mm/page_copy.h>

bool ZeroPool::fill_one()
{
    if (size() >= target_) return false;
    // Pooled pages are free pages by another name, but the allocator no
    // longer sees them: never fill the pool out of the reserve (pagezero
    // is a kernel process, which may use it).
    if (pages_.free_pages() <= pages_.reserved_pages()) return false;
    auto pa = pages_.alloc(0);
    if (!pa.ok()) return false;
    // Cleared with interrupts on: this is the slow part the pool hides.
    pmap_zero_page(pa.value());
    IntrOff off;
    pool_.push_back(pages_.page_of(pa.value()));
    zeroed_++;
    return true;
}

bool ZeroPool::put(PhysAddr pa)
{
    IntrOff off;
    if (pool_.size() >= target_) return false;
    // As fill_one: the pool never holds pages the reserve is short of.
    if (pages_.free_pages() <= pages_.reserved_pages()) return false;
    pool_.push_back(pages_.page_of(pa));
    returned_++;
    return true;
}

void ZeroPool::drain()
{
    IntrOff off;
    while (Page* pg = pool_.pop_front()) pages_.free(pages_.phys_of(pg), 0);
}
