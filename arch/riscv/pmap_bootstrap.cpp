#include "pmap_bootstrap.h"

#include <arch/csr.h>
#include <kernel/machdep.h>
#include <lib/format.h>
#include <mm/kmem.h>

extern "C" char _start_image[], _etext[], _srodata[], _erodata[], _sdata[], _end[];

namespace riscv {

namespace {

using namespace arch::pte;

unsigned g_asid_bits = 0;

uint64_t va_of(const char* sym) { return reinterpret_cast<uint64_t>(sym); }

void map_or_panic(VirtAddr va, PhysAddr pa, uint64_t len, uint64_t perms, PageSizes sizes,
                  const char* what)
{
    auto r = kernel_pmap().map(va, pa, len, perms, sizes);
    if (!r.ok())
        panic("pmap_bootstrap: mapping %s (va %#lx pa %#lx len %#lx) failed: %s", what,
              va.value(), pa.value(), len, errno_name(r.error()));
    // The table is not live yet: satp still points at the boot table, and
    // the switch flushes everything.
    r.value().dismiss();
}

// The kernel image, section by section: text R+X, rodata (and the symbol
// table) R, data and bss R+W.
void map_image(const KernelImage& image)
{
    const uint64_t base = va_of(_start_image);
    auto pa = [&](const char* sym) { return image.load + (va_of(sym) - base); };
    const uint64_t page = arch::PAGE_SIZE;
    const uint64_t text_end = (va_of(_etext) + page - 1) & ~(page - 1);
    const uint64_t ro_end = (va_of(_erodata) + page - 1) & ~(page - 1);
    KASSERT(va_of(_srodata) == text_end && va_of(_sdata) == ro_end,
            "linker/kernel.ld must page-align every permission boundary");
    map_or_panic(VirtAddr(base), pa(_start_image), text_end - base, R | X | G, PageSizes::Small,
                 "kernel text");
    map_or_panic(VirtAddr(text_end), pa(_srodata), ro_end - text_end, R | G, PageSizes::Small,
                 "kernel rodata");
    map_or_panic(VirtAddr(ro_end), pa(_sdata), va_of(_end) - ro_end, R | W | G,
                 PageSizes::Small, "kernel data");
}

// The direct map, with the alias of the image's read-only part read-only.
void map_dmap(const KernelImage& image, const PhysRangeSet& dmap)
{
    const PhysRange ro{image.load, va_of(_sdata) - va_of(_start_image)};
    for (const PhysRange& r : dmap) {
        KASSERT(r.end().value() <= arch::DMAP_SIZE, "RAM at %#lx beyond the direct map",
                r.base.value());
        PhysRangeSet pieces;
        (void)pieces.add(r);
        (void)pieces.subtract(ro);
        for (const PhysRange& p : pieces)
            map_or_panic(VirtAddr(arch::DMAP_BASE + p.base.value()), p.base, p.size, R | W | G,
                         PageSizes::Super, "direct map");
        if (r.overlaps(ro))
            map_or_panic(VirtAddr(arch::DMAP_BASE + ro.base.value()), ro.base, ro.size, R | G,
                         PageSizes::Small, "direct map of kernel text");
    }
}

unsigned probe_asid_bits(uint64_t satp)
{
    csr_write(satp, satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
    const uint64_t back = csr_read(satp);
    csr_write(satp, satp);
    sfence_vma_all();
    const uint64_t asids = (back >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
    unsigned bits = 0;
    while (asids >> bits) bits++;
    return bits;
}

} // namespace

void pmap_bootstrap(const KernelImage& image, const PhysRangeSet& dmap)
{
    map_image(image);
    map_dmap(image, dmap);
    // Regions mapped after boot get their level-1 tables now, so that
    // every later address space shares them (PageTable::create_user).
    struct Region {
        uint64_t base, size;
    };
    const Region later[] = {{arch::KSTACK_REGION, arch::KSTACK_REGION_SIZE},
                            {arch::MMIO_REGION, arch::MMIO_REGION_SIZE}};
    for (const Region& region : later) {
        auto r = kernel_pmap().reserve_kernel_roots(VirtAddr(region.base), region.size);
        if (!r.ok())
            panic("pmap_bootstrap: reserving %#lx: %s", region.base, errno_name(r.error()));
    }
    const uint64_t satp = SATP_MODE_SV39 | (kernel_pmap().root().value() >> arch::PAGE_SHIFT);
    sfence_vma_all();
    csr_write(satp, satp);
    sfence_vma_all();
    g_asid_bits = probe_asid_bits(satp);
}

unsigned asid_bits() { return g_asid_bits; }

bool check_kernel_mappings(char* why, unsigned long len)
{
    struct Expect {
        const char* what;
        uint64_t va;
        uint64_t want; // R W X U G
    };
    const PageTable& kpt = kernel_pmap();
    const uint64_t text_pa = kpt.lookup(VirtAddr(va_of(_start_image))).pa.value();
    const uint64_t data_pa = kpt.lookup(VirtAddr(va_of(_sdata))).pa.value();
    const Expect cases[] = {
        {"kernel text", va_of(_start_image), R | X | G},
        {"kernel rodata", va_of(_srodata), R | G},
        {"kernel data", va_of(_sdata), R | W | G},
        {"kernel bss end", va_of(_end) - 1, R | W | G},
        {"direct-map alias of text", arch::DMAP_BASE + text_pa, R | G},
        {"direct-map alias of data", arch::DMAP_BASE + data_pa, R | W | G},
        {"user half", 0x10000, 0},
        {"page 0", 0, 0},
        {"kernel-stack region", arch::KSTACK_REGION, 0},
    };
    for (const Expect& e : cases) {
        const Translation t = kpt.lookup(VirtAddr(e.va));
        const uint64_t got = t.valid() ? t.flags & (R | W | X | U | G) : 0;
        if (got != e.want) {
            snformat(why, len, "%s at %#lx has flags %#lx, wanted %#lx", e.what, e.va, got, e.want);
            return false;
        }
        if (t.valid() && !(t.flags & A)) {
            snformat(why, len, "%s at %#lx lacks the A bit", e.what, e.va);
            return false;
        }
    }
    return true;
}

} // namespace riscv
