#include <mm/boot_memory.h>

#include <arch/pte.h>

namespace {
// Whole pages touching r.
PhysRange pages_around(PhysRange r)
{
    const PhysAddr lo = r.base.align_down(arch::PAGE_SIZE);
    return {lo, r.end().align_up(arch::PAGE_SIZE) - lo};
}
} // namespace

size_t BootMemory::allocator_exclusions(PhysRange* out) const
{
    size_t n = 0;
    out[n++] = kernel;
    out[n++] = dtb;
    if (initrd.size) out[n++] = initrd;
    for (size_t i = 0; i < nfirmware; i++) out[n++] = firmware[i];
    return n;
}

Result<void> BootMemory::direct_map(PhysRangeSet& out) const
{
    for (size_t i = 0; i < nram; i++) TRY(out.add(ram[i]));
    out.shrink_to(arch::PAGE_SIZE);
    for (size_t i = 0; i < nfirmware; i++) TRY(out.subtract(pages_around(firmware[i])));
    const PhysRange keep[] = {dtb, initrd};
    for (const PhysRange& k : keep)
        if (k.size) TRY(out.add(pages_around(k)));
    return {};
}
