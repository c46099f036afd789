// Building the kernel's page table at boot (FreeBSD's pmap_bootstrap).
#pragma once

#include <stdint.h>
#include <lib/addr.h>
#include <mm/phys_ranges.h>

namespace riscv {

// Where the kernel image sits physically.
struct KernelImage {
    PhysAddr load;   // physical address of KERNBASE
    uint64_t size;   // _end - KERNBASE, .bss included
    PhysRange range() const { return {load, size}; }
};

// Builds the kernel page table: the image at KERNBASE with per-section
// permissions, `dmap` (RAM minus firmware) in the direct map with the
// alias of text and rodata read-only, and level-1 tables for the
// kernel-stack and device regions; then switches satp to it.  Panics on
// failure: without it the kernel cannot go on.
void pmap_bootstrap(const KernelImage& image, const PhysRangeSet& dmap);

// Number of ASID bits the hart implements (0 on the JH7110), probed by
// writing all ones into satp.ASID.
unsigned asid_bits();

// Checks of the live kernel table, for the boot self-test.
bool check_kernel_mappings(char* why, unsigned long len);

} // namespace riscv
