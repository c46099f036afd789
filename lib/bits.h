// Bit searches the kernel does in loops.  The U74 has no Zbb, so
// __builtin_ctzll is a call into libgcc's table-driven __ctzdi2 (some
// twenty instructions and a call); a de Bruijn multiply and one table
// load give the same answer inline.
#pragma once

#include <stdint.h>

namespace sprig {

namespace bits_detail {
// A de Bruijn sequence: the top six bits of DEBRUIJN << i differ for
// every i, and INDEX maps them back to i.
inline constexpr uint64_t DEBRUIJN = 0x03f79d71b4cb0a89ull;
inline constexpr uint8_t INDEX[64] = {
    0,  1,  48, 2,  57, 49, 28, 3,  61, 58, 50, 42, 38, 29, 17, 4,
    62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
    63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
    46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6};
} // namespace bits_detail

// The index of v's lowest set bit; v must not be 0.
constexpr unsigned lowest_bit(uint64_t v)
{
    return bits_detail::INDEX[((v & -v) * bits_detail::DEBRUIJN) >> 58];
}

// Every bit is checked at compile time against the shift that defines it.
consteval bool lowest_bit_is_exact()
{
    for (unsigned i = 0; i < 64; i++) {
        if (lowest_bit(uint64_t{1} << i) != i) return false;
        if (lowest_bit(~uint64_t{0} << i) != i) return false;
    }
    return true;
}
static_assert(lowest_bit_is_exact());

} // namespace sprig
