// Whole-page clear and copy by physical address (FreeBSD's pmap_zero_page
// and pmap_copy_page), through the machine's fastest aligned primitives
// (arch::pagezero, arch::pagecopy): the zero-fill and copy-on-write
// faults, zeroed allocations and the pre-zeroed pool all come here.
#pragma once

#include <kernel/machdep.h>
#include <arch/pte.h>
#include <lib/addr.h>
#include <lib/kassert.h>

inline void pmap_zero_page(PhysAddr pa)
{
    KASSERT(pa.is_aligned(arch::PAGE_SIZE), "pmap_zero_page of %#lx", pa.value());
    arch::pagezero(arch::phys_to_virt(pa));
}

inline void pmap_copy_page(PhysAddr src, PhysAddr dst)
{
    KASSERT(src.is_aligned(arch::PAGE_SIZE) && dst.is_aligned(arch::PAGE_SIZE),
            "pmap_copy_page of %#lx to %#lx", src.value(), dst.value());
    arch::pagecopy(arch::phys_to_virt(src), arch::phys_to_virt(dst));
}
