#include <arch/host_arena.h>
#include <kernel/machdep.h>
#include <lib/kassert.h>

#include <stdlib.h>
#include <string.h>

namespace {
HostArena* g_current = nullptr;
}

HostArena::HostArena(PhysAddr base, uint64_t size) : base_(base), size_(size), prev_(g_current)
{
    KASSERT(base.is_aligned(arch::PAGE_SIZE) && size % arch::PAGE_SIZE == 0,
            "arena must be page-aligned");
    mem_ = static_cast<unsigned char*>(aligned_alloc(arch::PAGE_SIZE, size));
    KASSERT(mem_ != nullptr, "host out of memory for a %lu-byte arena", size);
    // Garbage, not zeros: code that forgets to clear a page must fail.
    memset(mem_, 0xa5, size);
    g_current = this;
}

HostArena::~HostArena()
{
    KASSERT(g_current == this, "arenas must be destroyed in reverse order");
    g_current = prev_;
    free(mem_);
}

void* HostArena::host_ptr(PhysAddr pa) const
{
    return mem_ + (pa.value() - base_.value());
}

PhysAddr HostArena::phys_of(const void* p) const
{
    auto* b = static_cast<const unsigned char*>(p);
    KASSERT(b >= mem_ && b < mem_ + size_, "%p is not inside the arena", p);
    return base_ + static_cast<uint64_t>(b - mem_);
}

HostArena* HostArena::current() { return g_current; }

namespace arch {

void* phys_to_virt(PhysAddr pa)
{
    HostArena* a = g_current;
    KASSERT(a != nullptr, "phys_to_virt(%#lx) with no arena", pa.value());
    KASSERT(a->contains(pa), "pa %#lx outside the arena [%#lx, %#lx)", pa.value(),
            a->base().value(), a->base().value() + a->size());
    return a->host_ptr(pa);
}

PhysAddr virt_to_phys(const void* va)
{
    KASSERT(g_current != nullptr, "virt_to_phys(%p) with no arena", va);
    return g_current->phys_of(va);
}

} // namespace arch
