#include "mem_test_util.h"

#include <mm/page.h>
#include <mm/page_alloc.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string.h>

using namespace memtest;

namespace {

constexpr unsigned MAX_ORDER = PageAllocator::MAX_ORDER;

// Whether every byte of [lo, hi) lies in some range (ranges may touch or
// overlap: the walk hops from one to the next).
bool covered(const std::vector<PhysRange>& ranges, uint64_t lo, uint64_t hi)
{
    while (lo < hi) {
        const PhysRange* next = nullptr;
        for (const PhysRange& r : ranges)
            if (r.contains(PhysAddr(lo)) && (!next || r.end() > next->end())) next = &r;
        if (!next) return false;
        lo = next->end().value();
    }
    return true;
}

bool overlaps_any(const std::vector<PhysRange>& ranges, uint64_t lo, uint64_t hi)
{
    for (const PhysRange& r : ranges)
        if (r.size && lo < r.end().value() && r.base.value() < hi) return true;
    return false;
}

std::vector<PhysRange> metadata_of(PageAllocator& pa)
{
    std::vector<PhysRange> out;
    for (size_t i = 0; i < pa.segment_count(); i++) out.push_back(pa.metadata(i));
    return out;
}

// The pages that must be handed out, worked out page by page from the
// inputs: whole pages of RAM, touching no exclusion and no metadata array.
std::set<uint64_t> expected_pages(const std::vector<PhysRange>& ram,
                                  const std::vector<PhysRange>& exclude,
                                  const std::vector<PhysRange>& meta)
{
    std::set<uint64_t> out;
    for (const PhysRange& r : ram)
        for (uint64_t p = r.base.value() & ~(PG - 1); p < r.end().value(); p += PG)
            if (covered(ram, p, p + PG) && !overlaps_any(exclude, p, p + PG) &&
                !overlaps_any(meta, p, p + PG))
                out.insert(p);
    return out;
}

// The metadata arrays must be whole pages of RAM outside every exclusion
// and each other, exactly big enough for their segment.
void check_metadata(PageAllocator& pa, const std::vector<PhysRange>& ram,
                    const std::vector<PhysRange>& exclude)
{
    const std::vector<PhysRange> meta = metadata_of(pa);
    for (size_t i = 0; i < meta.size(); i++) {
        const PhysRange m = meta[i];
        const uint64_t npages = pa.segment(i).size / PG;
        CAPTURE(i);
        CHECK(m.base.is_aligned(PG));
        CHECK(m.size == (npages * sizeof(Page) + PG - 1) / PG * PG);
        CHECK(covered(ram, m.base.value(), m.end().value()));
        CHECK_FALSE(overlaps_any(exclude, m.base.value(), m.end().value()));
        for (size_t j = 0; j < i; j++) CHECK_FALSE(m.overlaps(meta[j]));
    }
}

// Allocates blocks of `order` until NoMem.
std::vector<PhysAddr> exhaust(PageAllocator& pa, unsigned order, AllocFlags flags = AllocFlags::None)
{
    std::vector<PhysAddr> out;
    for (;;) {
        Result<PhysAddr> r = pa.alloc(order, flags);
        if (!r.ok()) {
            CHECK(r.error() == Errno::NoMem);
            return out;
        }
        out.push_back(r.value());
    }
}

void free_all(PageAllocator& pa, std::vector<PhysAddr>& blocks, unsigned order)
{
    for (PhysAddr b : blocks) pa.free(b, order);
    blocks.clear();
}

// Hands out all memory, first in blocks of `order` and then single pages,
// and checks it is exactly the expected set, every page once.
void check_hands_out_exactly(PageAllocator& pa, const std::set<uint64_t>& expect, unsigned order)
{
    CHECK(pa.total_pages() == expect.size());
    CHECK(pa.free_pages() == expect.size());
    std::set<uint64_t> got;
    std::vector<PhysAddr> big = exhaust(pa, order);
    for (PhysAddr b : big) {
        CHECK(b.is_aligned(PG << order));
        for (uint64_t i = 0; i < (uint64_t{1} << order); i++) {
            CHECK(got.insert(b.value() + i * PG).second);
            CHECK(expect.count(b.value() + i * PG) == 1);
        }
    }
    std::vector<PhysAddr> small = exhaust(pa, 0);
    for (PhysAddr p : small) {
        CHECK(got.insert(p.value()).second);
        CHECK(expect.count(p.value()) == 1);
    }
    CHECK(got == expect);
    CHECK(pa.free_pages() == 0);
    CHECK(pa.pages_in_use() == expect.size());
    free_all(pa, big, order);
    free_all(pa, small, 0);
    CHECK(pa.free_pages() == expect.size());
}

void check_layout(uint64_t base, uint64_t size, const std::vector<PhysRange>& ram,
                  const std::vector<PhysRange>& exclude)
{
    MemEnv env(base, size, ram, exclude);
    check_metadata(env.pages, ram, exclude);
    const std::set<uint64_t> expect = expected_pages(ram, exclude, metadata_of(env.pages));
    REQUIRE(!expect.empty());
    for (unsigned order : {0u, 3u, MAX_ORDER}) {
        CAPTURE(order);
        check_hands_out_exactly(env.pages, expect, order);
    }
}

std::vector<size_t> free_block_counts(PageAllocator& pa)
{
    std::vector<size_t> out;
    for (unsigned k = 0; k <= MAX_ORDER; k++) out.push_back(pa.free_blocks(k));
    return out;
}

} // namespace

TEST_CASE("page_alloc: QEMU virt layout, exclusions at the edges, overlapping and unaligned")
{
    const uint64_t B = 0x80000000;
    const std::vector<PhysRange> ram = {R(B, 64 * MiB)};
    const std::vector<PhysRange> exclude = {
        R(B, 0x40000),                    // OpenSBI at the start of RAM
        R(0x7fff0000, 0x11000),           // reaches below RAM, overlaps OpenSBI
        R(B + 0x200000, 0x153abc),        // the kernel, unaligned end
        R(B + 0x1000123, 0x100333),       // an initrd, unaligned both ends
        R(B + 0x1000000, 0x20000),        // overlaps the initrd
        R(B + 64 * MiB - 0x1800, 0x4000), // device tree across the end of RAM
        R(0x90000000, 0x1000),            // entirely outside RAM
        R(B + 0x2345678, 0),              // empty
    };
    check_layout(B, 64 * MiB, ram, exclude);
}

TEST_CASE("page_alloc: VisionFive 2 layout at 0x4000_0000, discontiguous and unaligned RAM")
{
    const uint64_t B = 0x40000000;
    // Two ranges with a 32 MiB hole, the second with unaligned ends, plus a
    // range touching the first (merged) and one duplicated.
    const std::vector<PhysRange> ram = {R(B, 24 * MiB), R(B + 24 * MiB, 8 * MiB),
                                        R(B + 64 * MiB + 0x800, 16 * MiB - 0x1000),
                                        R(B, 4 * MiB)};
    const std::vector<PhysRange> exclude = {
        R(B, 0x200000),                      // firmware, PMP-protected
        R(B + 0x200000, 0x2f1234),           // kernel
        R(B + 66 * MiB + 0x10, 0x3000),      // device tree
        R(B + 70 * MiB, 3 * MiB + 0x123),    // initrd
        R(B + 31 * MiB, 40 * MiB),           // reserved, across the hole
    };
    HostArena* arena_seen = nullptr;
    {
        MemEnv env(B, 96 * MiB, ram, exclude);
        arena_seen = HostArena::current();
        // Zero everything that can be handed out: neither the hole nor an
        // excluded page may be touched.
        std::vector<PhysAddr> all = exhaust(env.pages, 0, AllocFlags::Zero);
        std::set<PhysAddr> handed(all.begin(), all.end());
        for (PhysAddr p : all) {
            const unsigned char* b = env.bytes(p);
            CHECK(std::all_of(b, b + PG, [](unsigned char c) { return c == 0; }));
        }
        const std::vector<PhysRange> meta = metadata_of(env.pages);
        for (uint64_t p = B; p < B + 96 * MiB; p += PG) {
            if (handed.count(PhysAddr(p)) || overlaps_any(meta, p, p + PG)) continue;
            const unsigned char* b = env.bytes(PhysAddr(p));
            CAPTURE(p);
            REQUIRE(std::all_of(b, b + PG, [](unsigned char c) { return c == 0xa5; }));
        }
        free_all(env.pages, all, 0);
    }
    CHECK(arena_seen != nullptr);
    check_layout(B, 96 * MiB, ram, exclude);
}

TEST_CASE("page_alloc: RAM reaching above 4 GiB")
{
    const uint64_t B = 0xffc00000; // 4 MiB below 4 GiB
    const std::vector<PhysRange> ram = {R(B, 16 * MiB)};
    const std::vector<PhysRange> exclude = {R(0xfffff000, 0x2000)}; // across 4 GiB
    check_layout(B, 16 * MiB, ram, exclude);
    MemEnv env(B, 16 * MiB, ram, exclude);
    // Of the three aligned 4 MiB blocks above 4 GiB, the first holds the
    // exclusion and the last the metadata (at the top of RAM).
    std::vector<PhysAddr> big = exhaust(env.pages, MAX_ORDER);
    REQUIRE(big.size() == 1);
    CHECK(big[0].value() == 0x100400000);
    CHECK(env.pages.metadata(0).end().value() == 0x100c00000);
    free_all(env.pages, big, MAX_ORDER);
}

TEST_CASE("page_alloc: one metadata array per RAM range, none for the hole")
{
    const uint64_t B = 0x80000000;
    const std::vector<PhysRange> ram = {R(B, 16 * MiB), R(B + 64 * MiB, 16 * MiB)};
    MemEnv env(B, 80 * MiB, ram, {});
    REQUIRE(env.pages.segment_count() == 2);
    for (size_t i = 0; i < 2; i++) {
        CHECK(env.pages.segment(i).base == ram[i].base);
        CHECK(env.pages.segment(i).size == ram[i].size);
        // Each array sits in its own range.
        CHECK(ram[i].contains(env.pages.metadata(i).base));
        CHECK(env.pages.metadata(i).size == 16 * MiB / PG * sizeof(Page));
    }
    const uint64_t meta_pages = 2 * (16 * MiB / PG * sizeof(Page)) / PG;
    CHECK(env.pages.total_pages() == 32 * MiB / PG - meta_pages);
    // find_page: the first segment inline, the second through the scan,
    // the hole and the ends in neither; distinct metadata for each page.
    Page* first = env.pages.find_page(PhysAddr(B + 5 * PG));
    Page* second = env.pages.find_page(PhysAddr(B + 64 * MiB + 5 * PG));
    REQUIRE(first != nullptr);
    REQUIRE(second != nullptr);
    CHECK(first != second);
    CHECK(env.pages.phys_of(first) == PhysAddr(B + 5 * PG));
    CHECK(env.pages.phys_of(second) == PhysAddr(B + 64 * MiB + 5 * PG));
    CHECK(env.pages.find_page(PhysAddr(B + 16 * MiB)) == nullptr);
    CHECK(env.pages.find_page(PhysAddr(B + 64 * MiB - PG)) == nullptr);
    CHECK(env.pages.find_page(PhysAddr(B + 80 * MiB)) == nullptr);
    CHECK(env.pages.find_page(PhysAddr(B - PG)) == nullptr);
}

TEST_CASE("page_alloc: segments skip excluded pages at their ends")
{
    const uint64_t B = 0x80000000;
    const std::vector<PhysRange> ram = {R(B, 16 * MiB)};
    const std::vector<PhysRange> exclude = {R(B, 2 * MiB), R(B + 15 * MiB, MiB)};
    MemEnv env(B, 16 * MiB, ram, exclude);
    REQUIRE(env.pages.segment_count() == 1);
    CHECK(env.pages.segment(0).base == PhysAddr(B + 2 * MiB));
    CHECK(env.pages.segment(0).size == 13 * MiB);
    CHECK(env.pages.find_page(PhysAddr(B)) == nullptr);
    CHECK(env.pages.find_page(PhysAddr(B + 2 * MiB)) != nullptr);
}

TEST_CASE("page_alloc: metadata goes to another range when its own has no room")
{
    const uint64_t B = 0x80000000;
    // The second range is 200 pages with only its first and last page
    // usable: its 2-page metadata array must go into the first range.
    const uint64_t r2 = B + 8 * MiB;
    const std::vector<PhysRange> ram = {R(B, 4 * MiB), R(r2, 200 * PG)};
    const std::vector<PhysRange> exclude = {R(r2 + PG, 198 * PG)};
    MemEnv env(B, 8 * MiB + 200 * PG, ram, exclude);
    REQUIRE(env.pages.segment_count() == 2);
    CHECK(env.pages.metadata(1).size == 2 * PG);
    CHECK(ram[0].contains(env.pages.metadata(1).base));
    check_metadata(env.pages, ram, exclude);
    const std::set<uint64_t> expect = expected_pages(ram, exclude, metadata_of(env.pages));
    CHECK(expect.count(r2) == 1);
    CHECK(expect.count(r2 + 199 * PG) == 1);
    check_hands_out_exactly(env.pages, expect, 0);
}

TEST_CASE("page_alloc: init errors leave nothing taken")
{
    HostArena arena(PhysAddr(0x80000000), 2 * MiB);
    const PhysRange ram = arena.range();
    SUBCASE("no RAM")
    {
        PageAllocator pa;
        CHECK(pa.init(nullptr, 0, nullptr, 0).error() == Errno::NoMem);
    }
    SUBCASE("RAM smaller than a page")
    {
        PageAllocator pa;
        const PhysRange tiny = R(0x80000800, 0x1000);
        CHECK(pa.init(&tiny, 1, nullptr, 0).error() == Errno::NoMem);
    }
    SUBCASE("everything excluded")
    {
        PageAllocator pa;
        const PhysRange all = R(0x7ffff800, 3 * MiB);
        CHECK(pa.init(&ram, 1, &all, 1).error() == Errno::NoMem);
        CHECK(pa.segment_count() == 0);
    }
    SUBCASE("no free range big enough for the metadata")
    {
        // 200 pages with only the first and the last usable: the 2-page
        // array fits nowhere.
        PageAllocator pa;
        const PhysRange r = R(0x80000000, 200 * PG);
        const PhysRange middle = R(0x80000000 + PG, 198 * PG);
        CHECK(pa.init(&r, 1, &middle, 1).error() == Errno::NoMem);
        CHECK(pa.segment_count() == 0);
    }
    SUBCASE("more pieces than a range set holds")
    {
        PageAllocator pa;
        const PhysRange r = R(0x80000000, 200 * PG);
        std::vector<PhysRange> holes;
        for (uint64_t i = 1; i < 200; i += 2) holes.push_back(R(0x80000000 + i * PG, PG));
        CHECK(pa.init(&r, 1, holes.data(), holes.size()).error() == Errno::NoSpc);
        CHECK(pa.segment_count() == 0);
    }
    SUBCASE("too many RAM ranges")
    {
        PageAllocator pa;
        std::vector<PhysRange> many;
        for (uint64_t i = 0; i <= PageAllocator::MAX_SEGMENTS; i++)
            many.push_back(R(0x80000000 + 2 * i * 16 * PG, 16 * PG));
        CHECK(pa.init(many.data(), many.size(), nullptr, 0).error() == Errno::NoSpc);
        many.pop_back();
        CHECK(pa.init(many.data(), many.size(), nullptr, 0).ok());
        CHECK(pa.segment_count() == PageAllocator::MAX_SEGMENTS);
    }
    // The arena outside the metadata is untouched by a failed init.
    const unsigned char* b = static_cast<unsigned char*>(arena.host_ptr(arena.base()));
    CHECK(b[0] == 0xa5);
}

TEST_CASE("page_alloc: 256 MiB initialises quickly, metadata at the top")
{
    const uint64_t B = 0x80000000, size = 256 * MiB;
    HostArena arena(PhysAddr(B), size);
    PageAllocator pa;
    const PhysRange ram = arena.range();
    const PhysRange kernel = R(B + 0x200000, 0x400000);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(pa.init(&ram, 1, &kernel, 1).ok());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
    MESSAGE("init of 256 MiB: ", ms, " ms");
    // Generous: only a quadratic init (65536 pages squared) gets near it.
    CHECK(ms < 2000);
    const uint64_t meta = size / PG * sizeof(Page);
    CHECK(pa.metadata(0).base.value() == B + size - meta);
    CHECK(pa.total_pages() == (size - meta - 0x400000) / PG);
    // Whole 4 MiB blocks: all but the two the kernel touches ([0, 8M)) and
    // the one holding the array.
    CHECK(pa.free_blocks(MAX_ORDER) == size / (4 * MiB) - 3);
}

TEST_CASE("page_alloc: buddies split and merge")
{
    // 8 MiB at 0x8000_0000: 2048 pages, 64 KiB of metadata at the top.
    // Free memory is [0, 4M) as one 4 MiB block and [4M, 8M - 64K) as
    // blocks of 2M, 1M, 512K, 256K, 128K and 64K, in address order.
    const uint64_t B = 0x80000000;
    MemEnv env(B, 8 * MiB);
    PageAllocator& pa = env.pages;
    const std::vector<size_t> initial = free_block_counts(pa);
    CHECK(initial == std::vector<size_t>{0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1});

    // A single page comes from splitting the smallest block (64K at 8M-128K).
    const uint64_t small = B + 8 * MiB - 128 * KiB;
    const PhysAddr a = pa.alloc(0).value();
    CHECK(a.value() == small);
    CHECK(free_block_counts(pa) == std::vector<size_t>{1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1});
    const PhysAddr b = pa.alloc(0).value();
    CHECK(b.value() == small + PG); // its buddy
    const PhysAddr c = pa.alloc(1).value();
    CHECK(c.value() == small + 2 * PG);
    pa.free(a, 0);
    pa.free(c, 1);
    CHECK(pa.free_blocks(0) == 1); // a cannot merge while b is out
    pa.free(b, 0);
    CHECK(free_block_counts(pa) == initial);
    // The whole 64K block is back in one piece.
    const PhysAddr d = pa.alloc(4).value();
    CHECK(d.value() == small);
    pa.free(d, 4);
    // A 4 MiB block is the first one.
    const PhysAddr e = pa.alloc(MAX_ORDER).value();
    CHECK(e.value() == B);
    CHECK(pa.alloc(MAX_ORDER).error() == Errno::NoMem);
    pa.free(e, MAX_ORDER);
    CHECK(free_block_counts(pa) == initial);
}

TEST_CASE("page_alloc: reference counts")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    const uint64_t free0 = pa.free_pages();
    const PhysAddr p = pa.alloc(0).value();
    CHECK(pa.ref_count(p) == 1);
    pa.ref(p);
    pa.ref(p);
    CHECK(pa.ref_count(p) == 3);
    CHECK_FALSE(pa.unref(p));
    CHECK_FALSE(pa.unref(p));
    CHECK(pa.free_pages() == free0 - 1);
    CHECK(pa.page_of(p)->state == PageState::Allocated);
    CHECK(pa.unref(p)); // the last one frees
    CHECK(pa.free_pages() == free0);
    CHECK(pa.page_of(p)->state == PageState::Free);
    // A block's count lives on its first page, and unref frees the block.
    const PhysAddr q = pa.alloc(2).value();
    pa.ref(q);
    CHECK_FALSE(pa.unref(q));
    CHECK(pa.unref(q));
    CHECK(pa.free_pages() == free0);
}

TEST_CASE("page_alloc: metadata lookups")
{
    MemEnv env(0x40000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    const PhysAddr p = pa.alloc(1).value();
    Page* pg = pa.page_of(p);
    CHECK(pa.phys_of(pg) == p);
    CHECK(pa.phys_of(pa.page_of(p + PG)) == p + PG);
    CHECK(pa.page_of(p + PG) == pg + 1);
    CHECK(pa.page_of(p + 123) == pg); // any address inside the page
    CHECK(pg->order == 1);
    CHECK(pg->ref_count == 1);
    CHECK(pg->owner == nullptr);
    CHECK(pa.find_page(PhysAddr(0x40000000 + 2 * MiB)) == nullptr);
    CHECK(pa.find_page(PhysAddr(0x3ffff000)) == nullptr);
    pa.free(p, 1);
}

TEST_CASE("page_alloc: zeroed allocations are zero, others are not cleared")
{
    MemEnv env(0x80000000, 4 * MiB);
    PageAllocator& pa = env.pages;
    auto all_bytes = [&](PhysAddr p, uint64_t n, unsigned char v) {
        const unsigned char* b = env.bytes(p);
        return std::all_of(b, b + n, [v](unsigned char c) { return c == v; });
    };
    // Fresh arena memory is 0xa5 garbage: a plain alloc leaves it.
    const PhysAddr p = pa.alloc(0).value();
    CHECK(all_bytes(p, PG, 0xa5));
    memset(env.bytes(p), 0x5a, PG);
    pa.free(p, 0);
    // The same page comes back first, cleared this time.
    const PhysAddr q = pa.alloc(0, AllocFlags::Zero).value();
    CHECK(q == p);
    CHECK(all_bytes(q, PG, 0));
    pa.free(q, 0);
    const PhysAddr big = pa.alloc(5, AllocFlags::Zero).value();
    CHECK(all_bytes(big, PG << 5, 0));
    pa.free(big, 5);
}

TEST_CASE("page_alloc: NoMem when exhausted or too fragmented, then recovery")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    std::vector<PhysAddr> all = exhaust(pa, 0);
    CHECK(all.size() == pa.total_pages());
    CHECK(pa.alloc(0).error() == Errno::NoMem);
    CHECK(pa.alloc(3).error() == Errno::NoMem);
    // Every other page back: half the memory is free, yet no pair is.
    std::sort(all.begin(), all.end());
    std::vector<PhysAddr> kept;
    for (size_t i = 0; i < all.size(); i++) {
        if (all[i].value() / PG % 2 == 0)
            pa.free(all[i], 0);
        else
            kept.push_back(all[i]);
    }
    CHECK(pa.free_pages() > 0);
    CHECK(pa.alloc(1).error() == Errno::NoMem);
    const PhysAddr one = pa.alloc(0).value();
    pa.free(one, 0);
    free_all(pa, kept, 0);
    const PhysAddr two = pa.alloc(1).value();
    pa.free(two, 1);
    CHECK(pa.peak_pages_in_use() == pa.total_pages());
    pa.reset_peak();
    CHECK(pa.peak_pages_in_use() == 0);
}

TEST_CASE("page_alloc: fail_after injects one failure after n successes")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    pa.fail_after(0);
    CHECK(pa.alloc(0).error() == Errno::NoMem);
    CHECK(pa.injected_failures() == 1);
    // One-shot: the next one works again.
    PhysAddr p = pa.alloc(0).value();
    pa.free(p, 0);
    pa.fail_after(2);
    PhysAddr a = pa.alloc(0).value();
    PhysAddr b = pa.alloc(3).value();
    CHECK(pa.alloc(0).error() == Errno::NoMem);
    pa.free(a, 0);
    pa.free(b, 3);
    pa.fail_after(1);
    pa.fail_after(-1); // off again
    for (int i = 0; i < 3; i++) pa.free(pa.alloc(0).value(), 0);
    CHECK(pa.injected_failures() == 2);
}

TEST_CASE("page_alloc: fail_after loop over a multi-allocation operation")
{
    MemEnv env(0x80000000, 16 * MiB);
    PageAllocator& pa = env.pages;
    const unsigned orders[] = {0, 3, 0, 1, MAX_ORDER, 2};
    constexpr size_t N = sizeof orders / sizeof orders[0];
    PhysAddr got[N];
    // All or nothing: on failure, what was taken is given back.
    auto op = [&]() -> Result<void> {
        for (size_t i = 0; i < N; i++) {
            Result<PhysAddr> r = pa.alloc(orders[i], AllocFlags::Zero);
            if (!r.ok()) {
                while (i-- > 0) pa.free(got[i], orders[i]);
                return r.error();
            }
            got[i] = r.value();
        }
        return {};
    };
    const uint64_t free0 = pa.free_pages();
    const std::vector<size_t> blocks0 = free_block_counts(pa);
    for (long n = 0; n <= long(N) + 1; n++) {
        CAPTURE(n);
        pa.fail_after(n);
        Result<void> r = op();
        pa.fail_after(-1);
        if (n < long(N)) {
            CHECK(r.error() == Errno::NoMem);
        } else {
            REQUIRE(r.ok());
            for (size_t i = 0; i < N; i++) pa.free(got[i], orders[i]);
        }
        CHECK(pa.free_pages() == free0);
        CHECK(pa.pages_in_use() == 0);
        CHECK(free_block_counts(pa) == blocks0);
    }
    CHECK(pa.injected_failures() == N);
}

TEST_CASE("page_alloc: random storm returns every counter and block to its start")
{
    const uint64_t B = 0x80000000;
    const std::vector<PhysRange> ram = {R(B, 24 * MiB), R(B + 28 * MiB, 4 * MiB)};
    const std::vector<PhysRange> exclude = {R(B, 0x80000), R(B + 0x1234567, 0x89abc)};
    MemEnv env(B, 32 * MiB, ram, exclude);
    PageAllocator& pa = env.pages;
    const std::vector<size_t> blocks0 = free_block_counts(pa);
    const uint64_t total = pa.total_pages();

    struct Block {
        PhysAddr pa;
        unsigned order;
        uint32_t refs;
        uint64_t tag;
    };
    std::vector<Block> live;
    uint64_t model_in_use = 0, model_peak = 0;
    Prng rng(12345);
    auto words = [&](const Block& b) {
        uint64_t* first = reinterpret_cast<uint64_t*>(env.bytes(b.pa));
        uint64_t* last = reinterpret_cast<uint64_t*>(env.bytes(b.pa + (PG << b.order) - 8));
        return std::pair<uint64_t*, uint64_t*>(first, last);
    };
    auto release = [&](size_t i, bool by_unref) {
        Block b = live[i];
        auto [first, last] = words(b);
        CHECK(*first == b.tag); // no other block overlapped this one
        CHECK(*last == ~b.tag);
        if (by_unref)
            CHECK(pa.unref(b.pa));
        else
            pa.free(b.pa, b.order);
        model_in_use -= uint64_t{1} << b.order;
        live[i] = live.back();
        live.pop_back();
    };
    int nomem = 0;
    for (int step = 0; step < 20000; step++) {
        const uint64_t dice = rng.below(100);
        if (dice < 45 || live.empty()) {
            const unsigned order = rng.below(8) == 0 ? unsigned(rng.below(MAX_ORDER + 1))
                                                     : unsigned(rng.below(3));
            const bool zero = rng.below(4) == 0;
            Result<PhysAddr> r = pa.alloc(order, zero ? AllocFlags::Zero : AllocFlags::None);
            if (!r.ok()) {
                CHECK(r.error() == Errno::NoMem);
                nomem++;
                continue;
            }
            Block b{r.value(), order, 1, rng.next()};
            CHECK(b.pa.is_aligned(PG << order));
            auto [first, last] = words(b);
            if (zero) CHECK((*first == 0 && *last == 0));
            *first = b.tag;
            *last = ~b.tag;
            live.push_back(b);
            model_in_use += uint64_t{1} << order;
            model_peak = std::max(model_peak, model_in_use);
        } else if (dice < 88) {
            const size_t i = rng.below(live.size());
            if (live[i].refs > 1) {
                CHECK_FALSE(pa.unref(live[i].pa));
                live[i].refs--;
            } else {
                release(i, rng.below(2) == 0);
            }
        } else {
            const size_t i = rng.below(live.size());
            pa.ref(live[i].pa);
            live[i].refs++;
            CHECK(pa.ref_count(live[i].pa) == live[i].refs);
        }
        REQUIRE(pa.pages_in_use() == model_in_use);
        REQUIRE(pa.free_pages() + pa.pages_in_use() == total);
    }
    MESSAGE("storm: ", nomem, " NoMem, peak ", model_peak, " of ", total, " pages");
    CHECK(pa.peak_pages_in_use() == model_peak);
    while (!live.empty()) {
        while (live.back().refs > 1) {
            CHECK_FALSE(pa.unref(live.back().pa));
            live.back().refs--;
        }
        release(live.size() - 1, false);
    }
    CHECK(pa.free_pages() == total);
    CHECK(free_block_counts(pa) == blocks0);
}

TEST_CASE("page_alloc: misuse panics")
{
    MemEnv env(0x80000000, 4 * MiB, {R(0x80000000, 3 * MiB)}, {R(0x80100000, PG)});
    PageAllocator& pa = env.pages;
    const PhysAddr p = pa.alloc(0).value();
    const PhysAddr q = pa.alloc(2).value();
    CHECK(panics([&] { pa.free(p, 0); pa.free(p, 0); }, "double free"));
    CHECK(panics([&] { pa.free(q + PG, 0); }, "not an allocated block"));
    CHECK(panics([&] { pa.free(q, 1); }, "freed as order 1"));
    CHECK(panics([&] { pa.free(p + 8, 0); }, "misaligned"));
    CHECK(panics([&] { pa.free(PhysAddr(0x80300000), 0); }, "not from the page allocator"));
    CHECK(panics([&] { pa.free(PhysAddr(0x90000000), 0); }, "not from the page allocator"));
    CHECK(panics([&] { pa.free(PhysAddr(0x80100000), 0); }, "reserved page"));
    CHECK(panics([&] { pa.ref(q + PG); }, "ref: pa"));
    CHECK(panics([&] { pa.ref(p); pa.free(p, 0); }, "2 references"));
    CHECK(panics([&] { pa.free(p, 0); pa.unref(p); }, "unref"));
    CHECK(panics([&] { pa.page_of(p)->owner = &pa; pa.free(p, 0); }, "owner"));
    CHECK(panics([&] { pa.alloc(MAX_ORDER + 1).release_value(); }, "order"));
    pa.free(p, 0);
    pa.free(q, 2);
}
