// Bit scans for the kernel's bitmaps.
#pragma once

#include <stdint.h>

namespace sprig {

// The index of v's lowest set bit (v not 0), by de Bruijn multiplication:
// a handful of instructions where __builtin_ctzll is a libgcc call (no Zbb
// on the U74; the loop in __ctzdi2 was 4% of a fork).
constexpr unsigned lowest_bit(uint64_t v)
{
    constexpr uint64_t DEBRUIJN = 0x03f79d71b4cb0a89ull;
    constexpr uint8_t index[64] = {
        0,  1,  48, 2,  57, 49, 28, 3,  61, 58, 50, 42, 38, 29, 17, 4,
        62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
        63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
        46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6};
    return index[((v & -v) * DEBRUIJN) >> 58];
}

static_assert(lowest_bit(1) == 0 && lowest_bit(uint64_t{1} << 63) == 63 && lowest_bit(0x50) == 4);

} // namespace sprig
