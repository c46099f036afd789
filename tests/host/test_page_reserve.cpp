// The free-page reserve (FreeBSD's v_free_reserved): ordinary allocations
// stop at it, System ones and privileged callers may take it, the
// pre-zeroed pool never fills from it, and vm_free_reserved_for follows
// FreeBSD's formula.
#include "mem_test_util.h"

#include <kernel/vm/vm_pageout_oom.h>
#include <mm/page_alloc.h>
#include <mm/zero_pool.h>

#include <vector>

using namespace memtest;

namespace {

bool g_privileged = false;
bool privileged() { return g_privileged; }

// Allocates single pages with flags until the allocator refuses.
std::vector<PhysAddr> take_all(PageAllocator& pa, AllocFlags flags = AllocFlags::None)
{
    std::vector<PhysAddr> out;
    for (;;) {
        Result<PhysAddr> r = pa.alloc(0, flags);
        if (!r.ok()) {
            CHECK(r.error() == Errno::NoMem);
            return out;
        }
        out.push_back(r.value());
    }
}

void give_back(PageAllocator& pa, std::vector<PhysAddr>& v)
{
    for (PhysAddr p : v) pa.free(p, 0);
    v.clear();
}

} // namespace

TEST_CASE("page reserve: ordinary allocations stop at it; System ones take it to the last page")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    const uint64_t total = pa.total_pages();
    constexpr uint64_t RESERVE = 20;
    pa.set_reserve(RESERVE);
    CHECK(pa.reserved_pages() == RESERVE);

    std::vector<PhysAddr> normal = take_all(pa);
    CHECK(normal.size() == total - RESERVE);
    CHECK(pa.free_pages() == RESERVE);
    CHECK(pa.reserve_refusals() == 1);
    // A block that would dip below it is refused too, even with room for it.
    CHECK(pa.alloc(2).error() == Errno::NoMem);
    CHECK(pa.reserve_refusals() == 2);

    std::vector<PhysAddr> sys = take_all(pa, AllocFlags::System);
    CHECK(sys.size() == RESERVE);
    CHECK(pa.free_pages() == 0);
    CHECK(pa.reserve_refusals() == 2); // plain exhaustion is not a reserve refusal

    // Freeing above the reserve lets ordinary allocations in again.
    give_back(pa, sys);
    pa.free(normal.back(), 0);
    normal.pop_back();
    const PhysAddr again = pa.alloc(0).value();
    CHECK(pa.free_pages() == RESERVE);
    pa.free(again, 0);
    give_back(pa, normal);
    CHECK(pa.free_pages() == total);
}

TEST_CASE("page reserve: a caller the hook names privileged may use it, others may not")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    constexpr uint64_t RESERVE = 8;
    pa.set_reserve(RESERVE, privileged);
    g_privileged = false;
    std::vector<PhysAddr> normal = take_all(pa);
    CHECK(pa.free_pages() == RESERVE);
    g_privileged = true;
    std::vector<PhysAddr> priv = take_all(pa);
    CHECK(priv.size() == RESERVE);
    g_privileged = false;
    give_back(pa, priv);
    give_back(pa, normal);
    pa.set_reserve(0);
    std::vector<PhysAddr> every = take_all(pa);
    CHECK(every.size() == pa.total_pages()); // no reserve: every page
    give_back(pa, every);
}

TEST_CASE("page reserve: pagezero's pool never fills out of the reserve")
{
    MemEnv env(0x80000000, 2 * MiB);
    PageAllocator& pa = env.pages;
    constexpr uint64_t RESERVE = 16;
    pa.set_reserve(RESERVE);
    std::vector<PhysAddr> normal = take_all(pa);
    // Leave the pool four pages above the reserve to take.
    for (int i = 0; i < 4; i++) {
        pa.free(normal.back(), 0);
        normal.pop_back();
    }
    ZeroPool pool(pa, 64);
    unsigned filled = 0;
    while (pool.fill_one()) filled++;
    CHECK(filled == 4);
    CHECK(pool.size() == 4);
    CHECK(pa.free_pages() == RESERVE);
    pool.drain();
    give_back(pa, normal);
    CHECK(pa.free_pages() == pa.total_pages());
}

TEST_CASE("page reserve: FreeBSD's v_free_reserved, 34 pages plus one in 768")
{
    CHECK(vm_free_reserved_for(0) == 34);
    CHECK(vm_free_reserved_for(767) == 34);
    CHECK(vm_free_reserved_for(768) == 35);
    CHECK(vm_free_reserved_for(65536) == 34 + 85); // 256 MiB
}
