// lib/bits.h against the compiler's own count of trailing zeros.
#include <doctest/doctest.h>

#include <lib/bits.h>

#include <random>

TEST_CASE("lowest_bit: every single bit, and random words, agree with ctz")
{
    for (unsigned i = 0; i < 64; i++) {
        CAPTURE(i);
        CHECK(sprig::lowest_bit(uint64_t{1} << i) == i);
        CHECK(sprig::lowest_bit(~uint64_t{0} << i) == i);
    }
    std::mt19937_64 rng(15);
    for (int n = 0; n < 100000; n++) {
        const uint64_t v = rng() | (uint64_t{1} << (rng() % 64));
        CAPTURE(v);
        CHECK(sprig::lowest_bit(v) == unsigned(__builtin_ctzll(v)));
    }
}
