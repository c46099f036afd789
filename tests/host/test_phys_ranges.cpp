#include <doctest/doctest.h>

#include <mm/phys_ranges.h>

#include <set>

namespace {
PhysRange R(uint64_t base, uint64_t size) { return {PhysAddr(base), size}; }

// The set as a plain set of 4 KiB page numbers, to compare against a model.
std::set<uint64_t> pages(const PhysRangeSet& s)
{
    std::set<uint64_t> out;
    for (const PhysRange& r : s)
        for (uint64_t a = r.base.value(); a < r.end().value(); a += 0x1000) out.insert(a >> 12);
    return out;
}

void check_sorted_disjoint(const PhysRangeSet& s)
{
    for (size_t i = 0; i + 1 < s.size(); i++) CHECK(s[i].end() < s[i + 1].base);
    for (const PhysRange& r : s) CHECK(r.size > 0);
}
} // namespace

TEST_CASE("phys ranges: add merges touching and overlapping ranges")
{
    PhysRangeSet s;
    REQUIRE(s.add(R(0x80000000, 0x1000)).ok());
    REQUIRE(s.add(R(0x80002000, 0x1000)).ok());
    CHECK(s.size() == 2);
    REQUIRE(s.add(R(0x80001000, 0x1000)).ok()); // fills the gap
    CHECK(s.size() == 1);
    CHECK(s[0].base == PhysAddr(0x80000000));
    CHECK(s[0].size == 0x3000);
    REQUIRE(s.add(R(0x40000000, 0x1000)).ok()); // before everything
    CHECK(s[0].base == PhysAddr(0x40000000));
    CHECK(s.total() == 0x4000);
}

TEST_CASE("phys ranges: subtract splits, trims and removes")
{
    PhysRangeSet s;
    REQUIRE(s.add(R(0x80000000, 0x10000000)).ok());
    REQUIRE(s.subtract(R(0x80000000, 0x80000)).ok()); // firmware at the start
    REQUIRE(s.subtract(R(0x8fe00000, 0x200000)).ok()); // at the end
    REQUIRE(s.subtract(R(0x84000000, 0x1000)).ok());   // a hole in the middle
    check_sorted_disjoint(s);
    REQUIRE(s.size() == 2);
    CHECK(s[0].base == PhysAddr(0x80080000));
    CHECK(s[0].end() == PhysAddr(0x84000000));
    CHECK(s[1].base == PhysAddr(0x84001000));
    CHECK(s[1].end() == PhysAddr(0x8fe00000));
    CHECK(!s.contains(PhysAddr(0x84000800)));
    CHECK(s.contains(PhysAddr(0x84001000)));
    REQUIRE(s.subtract(R(0x70000000, 0x30000000)).ok()); // covers all
    CHECK(s.size() == 0);
}

TEST_CASE("phys ranges: a random sequence agrees with a page-set model")
{
    PhysRangeSet s;
    std::set<uint64_t> model;
    uint64_t seed = 12345;
    auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
    for (int step = 0; step < 400; step++) {
        const uint64_t page = (next() >> 33) % 256;
        const uint64_t len = 1 + (next() >> 33) % 16;
        const PhysRange r = R(0x80000000 + page * 0x1000, len * 0x1000);
        if ((next() >> 40) % 3) {
            if (!s.add(r).ok()) continue;
            for (uint64_t p = 0; p < len; p++) model.insert((0x80000000 >> 12) + page + p);
        } else {
            REQUIRE(s.subtract(r).ok());
            for (uint64_t p = 0; p < len; p++) model.erase((0x80000000 >> 12) + page + p);
        }
        check_sorted_disjoint(s);
        REQUIRE(pages(s) == model);
    }
}

TEST_CASE("phys ranges: clip and shrink_to")
{
    PhysRangeSet s;
    REQUIRE(s.add(R(0x80000000, 0x3000)).ok());
    REQUIRE(s.add(R(0x80010800, 0x2000)).ok()); // unaligned
    s.clip(R(0x80001000, 0x100000));
    REQUIRE(s.size() == 2);
    CHECK(s[0].base == PhysAddr(0x80001000));
    CHECK(s[0].size == 0x2000);
    s.shrink_to(0x1000);
    REQUIRE(s.size() == 2);
    CHECK(s[1].base == PhysAddr(0x80011000));
    CHECK(s[1].end() == PhysAddr(0x80012000));
    s.shrink_to(0x4000); // nothing of a whole 16 KiB block is left
    CHECK(s.size() == 0);
}

TEST_CASE("phys ranges: a full set reports NoSpc instead of losing ranges")
{
    PhysRangeSet s;
    for (size_t i = 0; i < PhysRangeSet::CAPACITY; i++)
        REQUIRE(s.add(R(0x80000000 + i * 0x2000, 0x1000)).ok());
    CHECK(s.add(R(0x90000000, 0x1000)).error() == Errno::NoSpc);
    CHECK(s.size() == PhysRangeSet::CAPACITY);
    // Splitting needs a slot too.
    PhysRangeSet t;
    REQUIRE(t.add(R(0x80000000, 0x100000)).ok());
    for (size_t i = 1; i < PhysRangeSet::CAPACITY; i++)
        REQUIRE(t.add(R(0x90000000 + i * 0x2000, 0x1000)).ok());
    CHECK(t.subtract(R(0x80001000, 0x1000)).error() == Errno::NoSpc);
    CHECK(t.size() == PhysRangeSet::CAPACITY);
    CHECK(t[0].base == PhysAddr(0x80000000));
    CHECK(t[0].size == 0x100000);
}
