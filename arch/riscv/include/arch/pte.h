// The Sv39 page-table entry format (RISC-V privileged spec, "Sv39"), the
// PTE format the machine-independent walker in mm/ is written over.  The
// host tests use this very header, so they exercise the real format.
#pragma once

#include <stdint.h>
#include <lib/addr.h>

namespace arch {

inline constexpr unsigned PAGE_SHIFT = 12;
inline constexpr uint64_t PAGE_SIZE = uint64_t{1} << PAGE_SHIFT;
inline constexpr unsigned PT_LEVELS = 3;      // level 2 (root) .. level 0
inline constexpr unsigned PT_INDEX_BITS = 9;
inline constexpr unsigned PT_ENTRIES = 1u << PT_INDEX_BITS;
inline constexpr unsigned VA_BITS = 39;

// Bytes mapped by one leaf at `level`: 4 KiB, 2 MiB, 1 GiB.
constexpr uint64_t level_size(unsigned level)
{
    return uint64_t{1} << (PAGE_SHIFT + PT_INDEX_BITS * level);
}

// Index into the table at `level` for va.
constexpr unsigned pt_index(VirtAddr va, unsigned level)
{
    return (va.value() >> (PAGE_SHIFT + PT_INDEX_BITS * level)) & (PT_ENTRIES - 1);
}

// Sv39 requires bits 63..39 to equal bit 38.
constexpr bool va_canonical(VirtAddr va)
{
    const int64_t s = static_cast<int64_t>(va.value());
    return (s >> (VA_BITS - 1)) == 0 || (s >> (VA_BITS - 1)) == -1;
}

namespace pte {
inline constexpr uint64_t V = 1u << 0; // valid
inline constexpr uint64_t R = 1u << 1;
inline constexpr uint64_t W = 1u << 2;
inline constexpr uint64_t X = 1u << 3;
inline constexpr uint64_t U = 1u << 4; // user-accessible
inline constexpr uint64_t G = 1u << 5; // global (all address spaces)
inline constexpr uint64_t A = 1u << 6; // accessed
inline constexpr uint64_t D = 1u << 7; // dirty
inline constexpr uint64_t RWX = R | W | X;
inline constexpr unsigned PPN_SHIFT = 10;
inline constexpr uint64_t PPN_MASK = (uint64_t{1} << 44) - 1;
} // namespace pte

struct Pte {
    uint64_t raw = 0;

    constexpr bool valid() const { return raw & pte::V; }
    // A valid entry with any of R, W, X is a leaf; otherwise it points to
    // the next-level table.
    constexpr bool leaf() const { return valid() && (raw & pte::RWX); }
    constexpr uint64_t flags() const { return raw & ((uint64_t{1} << pte::PPN_SHIFT) - 1); }
    constexpr PhysAddr pa() const
    {
        return PhysAddr(((raw >> pte::PPN_SHIFT) & pte::PPN_MASK) << PAGE_SHIFT);
    }

    // Leaves carry A, and D when writable, from the start: SiFive U74 cores
    // raise a page fault instead of setting them in hardware.
    static constexpr Pte leaf(PhysAddr pa, uint64_t perms)
    {
        uint64_t f = pte::V | pte::A | perms;
        if (perms & pte::W) f |= pte::D;
        return Pte{((pa.value() >> PAGE_SHIFT) << pte::PPN_SHIFT) | f};
    }
    // Non-leaf entries must keep A, D and U clear.
    static constexpr Pte table(PhysAddr pa)
    {
        return Pte{((pa.value() >> PAGE_SHIFT) << pte::PPN_SHIFT) | pte::V};
    }
};

static_assert(sizeof(Pte) == 8);

} // namespace arch
