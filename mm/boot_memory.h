// What boot code hands to the page allocator and what it puts in the
// direct map, from the facts the device tree gave (FreeBSD's
// physmem/pmap_bootstrap bookkeeping).  Machine-independent so the host
// tests can check the rules:
//   - the allocator never gets the kernel image, the firmware's regions,
//     the device tree or the initrd;
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

    // Fills out[] with the ranges the page allocator must leave alone;
    // returns how many (at most MAX_FIRMWARE + 3).
    size_t allocator_exclusions(PhysRange* out) const;
    // The direct map's ranges, page-aligned.  NoSpc if the set overflows.
    Result<void> direct_map(PhysRangeSet& out) const;
};
