#include <doctest/doctest.h>

#include <arch/host_arena.h>
#include <arch/machdep.h>
#include <mm/page_alloc.h>
#include <mm/zero_pool.h>

#include <string.h>

namespace {
bool all_zero(PhysAddr pa)
{
    const auto* p = static_cast<const unsigned char*>(arch::phys_to_virt(pa));
    for (size_t i = 0; i < arch::PAGE_SIZE; i++)
        if (p[i]) return false;
    return true;
}
} // namespace

TEST_CASE("zero pool: fills to its target with zeroed pages and serves them first")
{
    HostArena arena(PhysAddr(0x80000000), 4 << 20);
    PageAllocator pages;
    const PhysRange ram = arena.range();
    REQUIRE(pages.init(&ram, 1, nullptr, 0).ok());
    const uint64_t baseline = pages.free_pages();
    {
        ZeroPool pool(pages, 8);
        int filled = 0;
        while (pool.fill_one()) filled++;
        CHECK(filled == 8);
        CHECK(pool.size() == 8);
        CHECK(pool.zeroed() == 8);
        CHECK(pages.free_pages() == baseline - 8);

        auto a = pool.take();
        REQUIRE(a.ok());
        CHECK(all_zero(a.value())); // the arena starts as 0xa5 garbage
        CHECK(pool.hits() == 1);
        CHECK(pool.size() == 7);
        memset(arch::phys_to_virt(a.value()), 0x5a, arch::PAGE_SIZE);
        pages.free(a.value(), 0);

        pool.drain();
        CHECK(pool.size() == 0);
        CHECK(pages.free_pages() == baseline);
        auto b = pool.take(); // empty pool: cleared on the spot
        REQUIRE(b.ok());
        CHECK(all_zero(b.value()));
        CHECK(pool.hits() == 1);
        pages.free(b.value(), 0);
    }
    CHECK(pages.free_pages() == baseline);
}

TEST_CASE("zero pool: out of memory stops filling and take() reports ENOMEM")
{
    HostArena arena(PhysAddr(0x40000000), 1 << 20);
    PageAllocator pages;
    const PhysRange ram = arena.range();
    REQUIRE(pages.init(&ram, 1, nullptr, 0).ok());
    const uint64_t total = pages.free_pages();
    ZeroPool pool(pages, total + 10);
    while (pool.fill_one()) {}
    CHECK(pool.size() == total);
    CHECK(pages.free_pages() == 0);
    // Everything is in the pool: take() still works from it.
    for (uint64_t i = 0; i < total; i++) {
        auto r = pool.take();
        REQUIRE(r.ok());
        pages.free(r.value(), 0);
    }
    pool.drain();
    CHECK(pages.free_pages() == total);
    pages.fail_after(0);
    CHECK(pool.take().error() == Errno::NoMem);
}
