// What boot code hands to the page allocator and what it puts in the
// direct map, from the facts the device tree gave (FreeBSD's
// physmem/pmap_bootstrap bookkeeping).  Machine-independent so the host
// tests can check the rules:
//   - the allocator never gets the kernel image, the firmware's regions,
//     the device tree or the initrd;
//   - RAM from the base of the kernel's bank up to the kernel's load
//     address is firmware territory on every board Sprig boots on (OpenSBI
//     and booti put the kernel at RAM base + 2 MiB, above the firmware):
//     it is neither handed out nor mapped, whatever the tree reserves.  The
//     VisionFive 2's OpenSBI PMP-protects 0x4000_0000-0x401f_ffff while its
//     tree reserves only the first 512 KiB: a touch above that faults;
//   - the direct map covers RAM minus the firmware's regions (whole pages:
//     a page that holds any firmware byte is left out), yet the device
//     tree and initrd stay mapped even if a loader listed them as reserved,
//     since the kernel goes on reading them.
#pragma once

#include <stddef.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <mm/phys_ranges.h>

struct BootMemory {
    static constexpr size_t MAX_FIRMWARE = 32;

    const PhysRange* ram = nullptr;
    size_t nram = 0;
    PhysRange firmware[MAX_FIRMWARE]; // /reserved-memory and /memreserve/
    size_t nfirmware = 0;
    PhysRange kernel;
    PhysRange dtb;
    PhysRange initrd; // size 0: none

    // Kernel, tree, initrd, the RAM below the kernel, the firmware's.
    static constexpr size_t MAX_EXCLUSIONS = MAX_FIRMWARE + 4;

    // Fills out[] with the ranges the page allocator must leave alone;
    // returns how many (at most MAX_EXCLUSIONS).
    size_t allocator_exclusions(PhysRange* out) const;
    // RAM from the base of the bank holding the kernel up to the kernel
    // (size 0 when the kernel sits at the bank's base).  The kernel must
    // lie in RAM.
    PhysRange below_kernel() const;
    // The direct map's ranges, page-aligned.  NoSpc if the set overflows.
    Result<void> direct_map(PhysRangeSet& out) const;
};
