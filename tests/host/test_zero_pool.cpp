#include <doctest/doctest.h>

#include <arch/host_arena.h>
#include <kernel/machdep.h>
#include <mm/kmem.h>
#include <mm/page_alloc.h>
#include <mm/pagetable.h>
#include <mm/zero_pool.h>

#include <string.h>
#include <vector>

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

// The kernel's page-table source over a pool: table pages an unmap left
// empty are zero, so they go back to the pool (while it is below target)
// instead of to the allocator, and the next table is taken from there.
TEST_CASE("zero pool: emptied page-table pages come back to it, the rest to the allocator")
{
    HostArena arena(PhysAddr(0x80000000), 4 << 20);
    PageAllocator pages;
    const PhysRange ram = arena.range();
    REQUIRE(pages.init(&ram, 1, nullptr, 0).ok());
    const uint64_t baseline = pages.free_pages();
    {
        ZeroPool pool(pages, 2);
        PageAllocatorPtSource src(pages);
        src.attach_zero_pool(&pool);
        PageTable k = PageTable::create_kernel(src).release_value();
        PageTable u = PageTable::create_user(src, 5, k).release_value();
        // Three level-0 tables under one level-1 table.
        const uint64_t MiB2 = 2 << 20;
        for (uint64_t i = 0; i < 3; i++) {
            Result<TlbFlush> r = u.map(VirtAddr(i * MiB2), PhysAddr(0x100000000 + i * 4096), 4096,
                                       arch::pte::R | arch::pte::U);
            REQUIRE(r.ok());
            r.value().execute();
        }
        CHECK(src.pages_in_use() == 2 + 1 + 3);
        CHECK(pool.size() == 0);
        // Dirty the arena's free pages, so that a page cleared twice or
        // not at all would show.
        std::vector<PhysAddr> junk;
        for (auto p = pages.alloc(0); p.ok(); p = pages.alloc(0)) {
            memset(arch::phys_to_virt(p.value()), 0x77, arch::PAGE_SIZE);
            junk.push_back(p.value());
        }
        for (PhysAddr p : junk) pages.free(p, 0);
        const uint64_t free_before = pages.free_pages();
        // All three level-0 tables and the level-1 table empty: two fit.
        Result<TlbFlush> r = u.unmap(VirtAddr(0), 4 * MiB2);
        REQUIRE(r.ok());
        r.value().execute();
        CHECK(src.pages_in_use() == 2);
        CHECK(pool.size() == 2);
        CHECK(pool.returned() == 2);
        CHECK(pages.free_pages() == free_before + 2); // the other two
        // Allocated as far as the allocator is concerned; free as counted.
        CHECK(pages.free_pages() + pool.size() + src.pages_in_use() == baseline);
        // The next tables come from the pool, zeroed.
        const uint64_t hits = pool.hits();
        r = u.map(VirtAddr(5 * MiB2), PhysAddr(0x100000000), 4096, arch::pte::R | arch::pte::U);
        REQUIRE(r.ok());
        r.value().execute();
        CHECK(pool.hits() == hits + 2);
        CHECK(pool.size() == 0);
        CHECK(u.lookup(VirtAddr(5 * MiB2)).pa == PhysAddr(0x100000000));
        CHECK(!u.lookup(VirtAddr(5 * MiB2 + 4096)));
        u.destroy().execute();
        k.destroy().execute();
        CHECK(src.pages_in_use() == 0);
        pool.drain();
    }
    CHECK(pages.free_pages() == baseline);
}
