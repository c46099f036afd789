// PageAllocator's order-0 page cache (set_cache_limit): cached pages are
// free pages to every counter, an allocation neither splits nor merges
// while the cache serves it, alloc_page keeps alloc's checks, and a
// larger block the cache's pages could make up is still found.
#include "mem_test_util.h"

#include <mm/fail_point.h>
#include <mm/page.h>
#include <mm/page_alloc.h>

#include <set>
#include <string>
#include <vector>

using namespace memtest;

namespace {

constexpr size_t BATCH = size_t{1} << PageAllocator::CACHE_BATCH_ORDER;

void check_counts(PageAllocator& pa)
{
    const char* why = nullptr;
    CHECK_MESSAGE(pa.check_free_counts(&why), (why ? why : ""));
}

} // namespace

TEST_CASE("page cache: off by default, the buddy lists alone")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    CHECK(pa.cache_limit() == 0);
    const PhysAddr p = pa.alloc(0).value();
    pa.free(p, 0);
    CHECK(pa.cached_pages() == 0);
    check_counts(pa);
}

TEST_CASE("page cache: a refill takes one block of a batch, frees stay cached and count as free")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    pa.set_cache_limit(2 * BATCH);
    const uint64_t free0 = pa.free_pages();
    const size_t order0_blocks = pa.free_blocks(0);

    const PhysAddr a = pa.alloc(0).value();
    // The rest of the batch is cached, and still free.
    CHECK(pa.cached_pages() == BATCH - 1);
    CHECK(pa.free_pages() == free0 - 1);
    CHECK(pa.free_blocks(0) == order0_blocks); // no order-0 split left behind
    check_counts(pa);
    // The next pages come from that batch, next to a.
    std::set<uint64_t> batch;
    batch.insert(a.value());
    std::vector<PhysAddr> held{a};
    for (size_t i = 1; i < BATCH; i++) {
        const PhysAddr p = pa.alloc_page().value();
        CHECK(p.value() / (BATCH * PG) == a.value() / (BATCH * PG));
        batch.insert(p.value());
        held.push_back(p);
    }
    CHECK(batch.size() == BATCH);
    CHECK(pa.cached_pages() == 0);
    CHECK(pa.free_pages() == free0 - BATCH);
    CHECK(pa.pages_in_use() == BATCH);
    CHECK(pa.peak_pages_in_use() == BATCH);

    // Freed pages go to the cache (up to its limit) and are free again.
    for (const PhysAddr p : held) pa.free(p, 0);
    CHECK(pa.cached_pages() == BATCH);
    CHECK(pa.free_pages() == free0);
    CHECK(pa.page_of(a)->state == PageState::Cached);
    check_counts(pa);
    // The newest cached page comes back first.
    CHECK(pa.alloc_page().value() == held.back());
    pa.free(held.back(), 0);
    // Drained, every page merges back.
    pa.drain_cache();
    CHECK(pa.cached_pages() == 0);
    CHECK(pa.free_pages() == free0);
    CHECK(pa.page_of(a)->state == PageState::Free);
    check_counts(pa);
}

TEST_CASE("page cache: full, a freed page goes to the buddy lists")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    pa.set_cache_limit(BATCH);
    std::vector<PhysAddr> held;
    for (size_t i = 0; i < 3 * BATCH; i++) held.push_back(pa.alloc(0).value());
    for (const PhysAddr p : held) pa.free(p, 0);
    CHECK(pa.cached_pages() == BATCH);
    check_counts(pa);
    // A smaller limit gives the surplus back at once.
    pa.set_cache_limit(0);
    CHECK(pa.cached_pages() == 0);
    check_counts(pa);
}

TEST_CASE("page cache: ref counts and unref's last reference")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    pa.set_cache_limit(BATCH);
    const uint64_t free0 = pa.free_pages();
    const PhysAddr p = pa.alloc_page().value();
    CHECK(pa.ref_count(p) == 1);
    pa.ref(p);
    CHECK_FALSE(pa.unref(p));
    CHECK(pa.unref(p));
    CHECK(pa.page_of(p)->state == PageState::Cached);
    CHECK(pa.free_pages() == free0);
    // A cached page is free: freeing it again is a double free.
    CHECK(panics([&] { pa.free(p, 0); }, "double free"));
    CHECK(panics([&] { pa.unref(p); }, "unref"));
    check_counts(pa);
}

TEST_CASE("page cache: a larger block its pages make up is found (drained on demand)")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    pa.set_cache_limit(1024);
    // Every page out, then every page back: all of them sit in the cache.
    std::vector<PhysAddr> all;
    while (true) {
        Result<PhysAddr> r = pa.alloc(0);
        if (!r.ok()) break;
        all.push_back(r.value());
    }
    CHECK(all.size() == pa.total_pages());
    CHECK(pa.alloc_page().error() == Errno::NoMem);
    for (const PhysAddr p : all) pa.free(p, 0);
    CHECK(pa.free_pages() == pa.total_pages());
    // Every free page is in the cache: the buddy lists are empty.
    CHECK(pa.cached_pages() == pa.total_pages());
    for (unsigned k = 0; k <= PageAllocator::MAX_ORDER; k++) CHECK(pa.free_blocks(k) == 0);
    check_counts(pa);
    // A block of 8 pages: the cache gives its pages back and they merge.
    const PhysAddr big = pa.alloc(3).value();
    CHECK(pa.cached_pages() == 0);
    pa.free(big, 3);
    check_counts(pa);
}

TEST_CASE("page cache: alloc_page keeps alloc's fail points, reserve and counts")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    pa.set_cache_limit(BATCH);
    pa.free(pa.alloc(0).value(), 0); // the cache has pages now
    REQUIRE(pa.cached_pages() == BATCH);

    const uint64_t calls = pa.alloc_calls();
    pa.fail_after(0);
    CHECK(pa.alloc_page().error() == Errno::NoMem);
    CHECK(pa.injected_failures() == 1);
    CHECK(pa.alloc_calls() == calls + 1);
    CHECK(pa.cached_pages() == BATCH); // nothing taken

    REQUIRE(fail_site_set(FailSite::Page, FailSetting::Nth, 1));
    CHECK(pa.alloc_page().error() == Errno::NoMem);
    fail_sites_reset();

    // The reserve: every page but the reserve out, then alloc_page refuses.
    pa.set_reserve(pa.free_pages() - 1);
    const PhysAddr last = pa.alloc_page().value();
    const uint64_t refusals = pa.reserve_refusals();
    CHECK(pa.alloc_page().error() == Errno::NoMem);
    CHECK(pa.reserve_refusals() == refusals + 1);
    pa.set_reserve(0);
    pa.free(last, 0);
    check_counts(pa);
}

TEST_CASE("page cache: random storm keeps the counts exact, then drains to the start")
{
    MemEnv env(0x80000000, 4 * MiB);
    PageAllocator& pa = env.pages;
    pa.set_cache_limit(64);
    const uint64_t free0 = pa.free_pages();
    const std::vector<size_t> blocks0 = [&] {
        std::vector<size_t> v;
        for (unsigned k = 0; k <= PageAllocator::MAX_ORDER; k++) v.push_back(pa.free_blocks(k));
        return v;
    }();
    Prng rng(7);
    std::vector<std::pair<PhysAddr, unsigned>> held;
    for (int i = 0; i < 5000; i++) {
        if (held.empty() || rng.below(3) != 0) {
            const unsigned order = rng.below(4) == 0 ? unsigned(rng.below(4)) : 0;
            Result<PhysAddr> r = order == 0 && rng.below(2) ? pa.alloc_page() : pa.alloc(order);
            if (!r.ok()) continue;
            held.push_back({r.value(), order});
        } else {
            const size_t j = rng.below(held.size());
            pa.free(held[j].first, held[j].second);
            held[j] = held.back();
            held.pop_back();
        }
        if (i % 97 == 0) check_counts(pa);
    }
    for (const auto& [p, order] : held) pa.free(p, order);
    CHECK(pa.free_pages() == free0);
    check_counts(pa);
    pa.drain_cache();
    for (unsigned k = 0; k <= PageAllocator::MAX_ORDER; k++) CHECK(pa.free_blocks(k) == blocks0[k]);
}

TEST_CASE("page cache: check_free_counts finds a cached page that is not one")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    pa.set_cache_limit(BATCH);
    const PhysAddr p = pa.alloc(0).value();
    pa.free(p, 0);
    const char* why = nullptr;
    REQUIRE(pa.check_free_counts(&why));
    Page* pg = pa.page_of(p);
    REQUIRE(pg->state == PageState::Cached);
    pg->state = PageState::Free; // as if it were on a buddy list too
    CHECK_FALSE(pa.check_free_counts(&why));
    REQUIRE(why != nullptr);
    CHECK(std::string(why).find("not a Cached order-0 page") != std::string::npos);
    pg->state = PageState::Cached;
    CHECK(pa.check_free_counts(&why));
}
