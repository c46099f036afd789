#include <mm/boot_memory.h>

#include <arch/pte.h>
#include <lib/kassert.h>

namespace {
// Whole pages touching r.
PhysRange pages_around(PhysRange r)
{
    const PhysAddr lo = r.base.align_down(arch::PAGE_SIZE);
    return {lo, r.end().align_up(arch::PAGE_SIZE) - lo};
}
} // namespace

PhysRange BootMemory::below_kernel() const
{
    for (size_t i = 0; i < nram; i++)
        if (ram[i].contains(kernel.base)) return {ram[i].base, kernel.base - ram[i].base};
    KASSERT(false, "kernel at %#lx lies in no RAM range", kernel.base.value());
    return {};
}

size_t BootMemory::allocator_exclusions(PhysRange* out) const
{
    size_t n = 0;
    out[n++] = kernel;
    out[n++] = dtb;
    if (initrd.size) out[n++] = initrd;
    if (const PhysRange low = below_kernel(); low.size) out[n++] = low;
    for (size_t i = 0; i < nfirmware; i++) out[n++] = firmware[i];
    KASSERT(n <= MAX_EXCLUSIONS, "%lu exclusions", static_cast<unsigned long>(n));
    return n;
}

Result<void> BootMemory::direct_map(PhysRangeSet& out) const
{
    for (size_t i = 0; i < nram; i++) TRY(out.add(ram[i]));
    out.shrink_to(arch::PAGE_SIZE);
    for (size_t i = 0; i < nfirmware; i++) TRY(out.subtract(pages_around(firmware[i])));
    if (const PhysRange low = below_kernel(); low.size) TRY(out.subtract(pages_around(low)));
    const PhysRange keep[] = {dtb, initrd};
    for (const PhysRange& k : keep)
        if (k.size) TRY(out.add(pages_around(k)));
    return {};
}
