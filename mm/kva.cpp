#include <mm/kva.h>

#include <arch/param.h>
#include <mm/kmem.h>

namespace {
uint64_t g_next = arch::MMIO_REGION;
}

Result<void*> pmap_mapdev(PhysAddr pa, size_t size)
{
    const PhysAddr base = pa.align_down(arch::PAGE_SIZE);
    const uint64_t len = (pa + size).align_up(arch::PAGE_SIZE) - base;
    if (size == 0 || g_next + len > arch::MMIO_REGION + arch::MMIO_REGION_SIZE) return Errno::NoMem;
    const VirtAddr va(g_next);
    TlbFlush fl = TRY(kernel_pmap().map(va, base, len, arch::pte::R | arch::pte::W | arch::pte::G));
    fl.execute();
    g_next += len;
    return reinterpret_cast<void*>(va.value() + (pa - base));
}
