// What the RISC-V kernel's machine seam has that the host's does not: the
// direct map and the interrupt enable state, inline.  Machine-independent
// code includes kernel/machdep.h, which declares the rest of the seam and
// includes this.  Nothing here may be needed before paging is on.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <lib/addr.h>
#include <lib/kassert.h>
#include <arch/param.h>

namespace arch {

// The direct map: every page of usable RAM at DMAP_BASE + pa.
inline void* phys_to_virt(PhysAddr pa)
{
    KASSERT(pa.value() < DMAP_SIZE, "pa %#lx beyond the direct map", pa.value());
    return reinterpret_cast<void*>(DMAP_BASE + pa.value());
}
inline PhysAddr virt_to_phys(const void* va)
{
    const uint64_t v = reinterpret_cast<uint64_t>(va);
    KASSERT(v >= DMAP_BASE && v < DMAP_BASE + DMAP_SIZE, "%p is not a direct-map address", va);
    return PhysAddr(v - DMAP_BASE);
}

// Interrupt enable state, for the RAII guard IntrOff (mm/intr_off.h).
// Inline: every sleep, wakeup and short critical section pays for these.
// (SIE by its value: csr.h is for arch/ alone; machdep.cpp checks the two agree.)
inline constexpr uint64_t SSTATUS_SIE_BIT = 1u << 1;

inline uint64_t intr_disable()
{
    uint64_t s;
    __asm__ volatile("csrrc %0, sstatus, %1" : "=r"(s) : "rK"(SSTATUS_SIE_BIT) : "memory");
    return s & SSTATUS_SIE_BIT;
}

inline void intr_enable() { __asm__ volatile("csrs sstatus, %0" ::"rK"(SSTATUS_SIE_BIT) : "memory"); }

inline void intr_restore(uint64_t saved)
{
    if (saved) intr_enable();
}

} // namespace arch
