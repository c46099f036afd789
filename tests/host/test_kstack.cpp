// mm/kstack: kernel stacks in the kernel-stack region, checked through the
// strict MMU simulator walking the real kernel table.
#include <doctest/doctest.h>

#include <arch/host_arena.h>
#include <kernel/machdep.h>
#include <arch/mmu_sim.h>
#include <arch/param.h>
#include <arch/pte.h>
#include <mm/kmalloc.h>
#include <mm/kmem.h>
#include <mm/fail_point.h>
#include <mm/kstack.h>
#include <mm/page_alloc.h>
#include <mm/pagetable.h>

#include "mem_test_util.h"
#include "pt_test_source.h"

#include <functional>
#include <set>
#include <string.h>
#include <vector>

namespace {

using memtest::PG;

constexpr uint64_t BASES[] = {0x80000000, 0x40000000};
constexpr uint64_t ARENA_PAGES = 2048;
// The first pages of the arena feed the page tables (ArenaPtSource hands
// them out from the base up); the page allocator gets the rest.
constexpr uint64_t PT_PAGES = 128;

// An arena split between a page-table source and a page allocator, a
// kernel table with the stack region's level-1 tables reserved as at boot,
// and an MMU simulator walking that table with the kernel's ASID.
struct Env {
    HostArena arena;
    ArenaPtSource src{arena};
    PageAllocator pages;
    PageTable pt;
    MmuSim sim;

    explicit Env(uint64_t base) : arena(PhysAddr(base), ARENA_PAGES * PG)
    {
        const PhysRange all = arena.range();
        const PhysRange tables{arena.base(), PT_PAGES * PG};
        REQUIRE(pages.init(&all, 1, &tables, 1).ok());
        pt = PageTable::create_kernel(src).release_value();
        REQUIRE(pt.reserve_kernel_roots(VirtAddr(arch::KSTACK_REGION), arch::KSTACK_REGION_SIZE)
                    .ok());
        sim.set_satp(pt.root(), 0);
    }
    ~Env()
    {
        CHECK(pages.pages_in_use() == 0);
        pt.destroy().execute();
        CHECK(src.in_use() == 0);
    }

    SimResult access(VirtAddr va, Access a) { return sim.translate(va, a, Priv::Supervisor); }
};

// Every counter the allocator and its memory keep.
struct Counters {
    uint64_t pages_in_use, pt_pages, mapped;
    size_t stacks;
    bool operator==(const Counters&) const = default;
};
Counters counters(Env& e, const KStackAllocator& ks)
{
    return {e.pages.pages_in_use(), e.src.in_use(), ks.pages_mapped(), ks.in_use()};
}

// Checks, through the simulator, that every page of the stack is readable
// and writable by the kernel, the guard page below it faults, and writes
// land in distinct physical pages that the page allocator handed out.
void check_stack(Env& e, const KStack& s, std::set<uint64_t>& seen_pages)
{
    REQUIRE(s.valid());
    CHECK(s.top() - s.lo() == s.pages() * PG);
    CHECK(s.guard() == s.lo() - PG);
    CHECK(s.lo().value() >= arch::KSTACK_REGION + PG);
    CHECK(s.top().value() <= arch::KSTACK_REGION + arch::KSTACK_REGION_SIZE);
    for (unsigned i = 0; i < s.pages(); i++) {
        const VirtAddr va = s.lo() + i * PG + 8;
        const SimResult rd = e.access(va, Access::Read);
        const SimResult wr = e.access(va, Access::Write);
        REQUIRE(rd.ok());
        REQUIRE(wr.ok());
        CHECK(rd.pa == wr.pa);
        CHECK(!e.access(va, Access::Execute).ok());
        const PhysAddr page = wr.pa.align_down(PG);
        CHECK(e.pages.ref_count(page) == 1);
        CHECK(seen_pages.insert(page.value()).second);
        // Stack pages are not zeroed (a stack is written before it is
        // read): any content will do, the write must land.
        auto* word = static_cast<uint64_t*>(arch::phys_to_virt(wr.pa));
        *word = 0x5354'4b00 + i;
        const Translation t = e.pt.lookup(va);
        CHECK(t.flags == (arch::pte::V | arch::pte::R | arch::pte::W | arch::pte::G |
                          arch::pte::A | arch::pte::D));
    }
    for (Access a : {Access::Read, Access::Write}) {
        const SimResult g = e.access(s.guard() + 0xff8, a);
        CHECK(g.fault == SimFault::Page);
        CHECK(g.why == FaultWhy::Invalid);
    }
    CHECK(!e.pt.lookup(s.guard()));
}

} // namespace

TEST_CASE("kstack: stacks of every size map R/W below an unmapped guard")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        KStackAllocator ks(e.pages, e.pt);
        const Counters before = counters(e, ks);
        std::vector<KStack> stacks;
        std::set<uint64_t> seen;
        uint64_t pages = 0;
        for (unsigned n : {1u, KSTACK_PAGES, 7u, KSTACK_MAX_PAGES}) {
            CAPTURE(n);
            Result<KStack> r = ks.alloc(n);
            REQUIRE(r.ok());
            const KStack s = r.value();
            CHECK(s.pages() == n);
            CHECK(s.slot() == stacks.size()); // first fit from slot 0
            CHECK(s.top() == VirtAddr(arch::KSTACK_REGION + (s.slot() + 1) * ks.SLOT_SIZE));
            check_stack(e, s, seen);
            pages += n;
            stacks.push_back(s);
        }
        CHECK(ks.in_use() == 4);
        CHECK(ks.pages_mapped() == pages);
        CHECK(e.pages.pages_in_use() == pages);
        // Even a maximal stack leaves the start of the region unmapped:
        // crash=load relies on KSTACK_REGION itself never being mapped.
        CHECK(!e.access(VirtAddr(arch::KSTACK_REGION), Access::Read).ok());
        for (const KStack& s : stacks) ks.free(s);
        CHECK(counters(e, ks) == before);
    }
}

TEST_CASE("kstack: bad sizes are refused without taking anything")
{
    Env e(BASES[0]);
    KStackAllocator ks(e.pages, e.pt);
    const Counters before = counters(e, ks);
    CHECK(ks.alloc(0).error() == Errno::Inval);
    CHECK(ks.alloc(KSTACK_MAX_PAGES + 1).error() == Errno::Inval);
    CHECK(ks.alloc(~0u).error() == Errno::Inval);
    CHECK(counters(e, ks) == before);
    CHECK(!ks.slot_busy(0));
}

TEST_CASE("kstack: freeing unmaps, and the simulator's TLB keeps nothing stale")
{
    Env e(BASES[0]);
    KStackAllocator ks(e.pages, e.pt);
    KStack s = ks.alloc(KSTACK_PAGES).release_value();
    // Fill the TLB with the stack's translations.
    for (unsigned i = 0; i < s.pages(); i++)
        REQUIRE(e.access(s.lo() + i * PG, Access::Write).ok());
    CHECK(e.access(s.lo(), Access::Read).from_tlb);
    const uint64_t flushes = e.sim.flushes();
    ks.free(s);
    CHECK(e.sim.flushes() > flushes);
    for (unsigned i = 0; i < s.pages(); i++) {
        CAPTURE(i);
        const SimResult r = e.access(s.lo() + i * PG, Access::Read);
        CHECK(r.fault == SimFault::Page);
        CHECK(!e.pt.lookup(s.lo() + i * PG));
    }
    CHECK(!ks.slot_busy(s.slot()));
    CHECK(e.pages.pages_in_use() == 0);
    // The level-0 table of the stack's 2 MiB is gone too; the reserved
    // level-1 tables stay.
    CHECK(e.src.in_use() == 1 + arch::KSTACK_REGION_SIZE / (uint64_t{1} << 30));
}

TEST_CASE("kstack: slots are reused lowest first, and run out with NoMem")
{
    Env e(BASES[1]);
    KStackAllocator ks(e.pages, e.pt, 3);
    CHECK(ks.slot_count() == 3);
    KStack a = ks.alloc(2).release_value();
    KStack b = ks.alloc(2).release_value();
    KStack c = ks.alloc(2).release_value();
    CHECK(a.slot() == 0);
    CHECK(b.slot() == 1);
    CHECK(c.slot() == 2);
    const Counters full = counters(e, ks);
    CHECK(ks.alloc(1).error() == Errno::NoMem);
    CHECK(counters(e, ks) == full);

    ks.free(b);
    KStack d = ks.alloc(5).release_value();
    CHECK(d.slot() == 1);
    CHECK(d.top() == b.top());
    CHECK(d.lo() == d.top() - 5 * PG);
    std::set<uint64_t> seen;
    check_stack(e, d, seen); // zeroed again, guard below the bigger stack
    // Its neighbours were not disturbed.
    CHECK(e.access(a.lo(), Access::Write).ok());
    CHECK(e.access(c.top() - 8, Access::Write).ok());

    ks.free(a);
    ks.free(c);
    ks.free(d);
    CHECK(ks.in_use() == 0);
    // All slots free again: a new run starts at slot 0.
    KStack f = ks.alloc(1).release_value();
    CHECK(f.slot() == 0);
    ks.free(f);
}

TEST_CASE("kstack: many slots, across several bitmap words and level-0 tables")
{
    Env e(BASES[0]);
    KStackAllocator ks(e.pages, e.pt, 200);
    std::vector<KStack> v;
    for (unsigned i = 0; i < 200; i++) v.push_back(ks.alloc(1).release_value());
    CHECK(ks.alloc(1).error() == Errno::NoMem);
    // 16 slots of 128 KiB share one 2 MiB level-0 table.
    const uint64_t l0 = (200 * ks.SLOT_SIZE + (uint64_t{2} << 20) - 1) / (uint64_t{2} << 20);
    CHECK(e.src.in_use() == 1 + 16 + l0);
    for (unsigned i : {130u, 3u, 64u}) ks.free(v[i]);
    CHECK(ks.alloc(1).value().slot() == 3);
    CHECK(ks.alloc(1).value().slot() == 64);
    CHECK(ks.alloc(1).value().slot() == 130);
    CHECK(ks.alloc(1).error() == Errno::NoMem);
    for (uint32_t i = 0; i < 200; i++) {
        CHECK(ks.slot_busy(i));
        CHECK(v[i].slot() == i);
        ks.free(v[i]); // a KStack is a value: the re-allocated ones equal v[i]
    }
    CHECK(ks.in_use() == 0);
    CHECK(e.src.in_use() == 1 + 16);
}

TEST_CASE("kstack: a failure at every allocation point unwinds completely")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        KStackAllocator ks(e.pages, e.pt);
        // A stack that keeps its 2 MiB's level-0 table alive, so the page
        // allocator's failure points are the stack pages alone; and the
        // same again with a fresh level-0 table (a slot 16 stacks away).
        for (bool share_table : {false, true}) {
            CAPTURE(share_table);
            KStack keep;
            if (share_table) keep = ks.alloc(1).release_value();
            const Counters before = counters(e, ks);
            const unsigned n = KSTACK_MAX_PAGES;
            unsigned failures = 0;
            for (long k = 0;; k++) {
                CAPTURE(k);
                e.pages.fail_after(k);
                Result<KStack> r = ks.alloc(n);
                e.pages.fail_after(-1);
                if (r.ok()) {
                    CHECK(k == long(n)); // one page allocation per stack page
                    std::set<uint64_t> seen;
                    check_stack(e, r.value(), seen);
                    ks.free(r.value());
                    break;
                }
                failures++;
                CHECK(r.error() == Errno::NoMem);
                CHECK(counters(e, ks) == before);
                CHECK(!ks.slot_busy(share_table ? 1 : 0));
                // Nothing was left mapped where the stack would have been.
                for (uint64_t i = 0; i < n; i++)
                    CHECK(!e.access(KStackAllocator::slot_top(share_table ? 1 : 0) - (i + 1) * PG,
                                    Access::Read)
                               .ok());
            }
            CHECK(failures == n);
            CHECK(counters(e, ks) == before);
            // Table pages: the level-0 table is the only one a stack may
            // need (the level-1 tables are reserved).
            for (long k = 0;; k++) {
                CAPTURE(k);
                e.src.fail_after(k);
                Result<KStack> r = ks.alloc(n);
                e.src.no_fail();
                if (r.ok()) {
                    CHECK(k == (share_table ? 0 : 1));
                    ks.free(r.value());
                    break;
                }
                CHECK(!share_table);
                CHECK(r.error() == Errno::NoMem);
                CHECK(counters(e, ks) == before);
            }
            CHECK(counters(e, ks) == before);
            if (share_table) ks.free(keep);
        }
        CHECK(ks.in_use() == 0);
    }
}

TEST_CASE("kstack: running out of pages for real is NoMem, not a panic")
{
    Env e(BASES[0]);
    KStackAllocator ks(e.pages, e.pt);
    std::vector<KStack> v;
    Result<KStack> r = Errno::NoMem;
    while ((r = ks.alloc(KSTACK_MAX_PAGES)).ok()) v.push_back(r.value());
    CHECK(r.error() == Errno::NoMem);
    CHECK(e.pages.free_pages() < KSTACK_MAX_PAGES);
    CHECK(v.size() == (e.pages.total_pages() - e.pages.free_pages()) / KSTACK_MAX_PAGES);
    const uint64_t free_before = e.pages.free_pages();
    for (const KStack& s : v) ks.free(s);
    CHECK(e.pages.free_pages() == free_before + v.size() * KSTACK_MAX_PAGES);
    CHECK(e.pages.pages_in_use() == 0);
}

TEST_CASE("kstack: misuse panics")
{
    using memtest::panics;
    CHECK(panics(
        [] {
            Env e(BASES[0]);
            KStackAllocator ks(e.pages, e.pt);
            KStack s = ks.alloc(2).release_value();
            ks.free(s);
            ks.free(s);
        },
        "freed twice"));
    CHECK(panics(
        [] {
            Env e(BASES[0]);
            KStackAllocator ks(e.pages, e.pt);
            ks.free(KStack());
        },
        "freeing no stack"));
}

TEST_CASE("kstack: the kernel-wide allocator follows the installed kernel memory")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        KmallocArena km(e.pages);
        kmem_install({&e.pages, &km, &e.src, &e.pt});
        KStackAllocator& k = kernel_kstacks();
        CHECK(k.uses(e.pages, e.pt));
        CHECK(&kernel_kstacks() == &k);
        KStack s = kstack_alloc().release_value();
        CHECK(s.pages() == KSTACK_PAGES);
        CHECK(k.in_use() == 1);
        std::set<uint64_t> seen;
        check_stack(e, s, seen);
        kstack_free(s);
        CHECK(k.in_use() == 0);
        // The kernel's allocator keeps it, counted as free memory held back.
        CHECK(k.cache_max() == KSTACK_CACHE_MAX);
        CHECK(kstack_cached_pages() == KSTACK_PAGES);
        CHECK(e.pages.pages_in_use() == KSTACK_PAGES);
        CHECK(kstack_cache_drain() == KSTACK_PAGES);
        CHECK(e.pages.pages_in_use() == 0);
    }
}

namespace {

// A table-page source through which a test plays an interrupt: the first
// allocation made while interrupts are on runs `preempt` first, as a
// thread switched to at that point would (on the hart, any interrupt taken
// with interrupts on may preempt).
class PreemptingSource final : public PtPageSource {
public:
    explicit PreemptingSource(ArenaPtSource& inner) : inner_(inner) {}
    Result<PhysAddr> alloc_table_page() override
    {
        asked_++;
        if (preempt && arch::host_intr_enabled()) {
            auto run = std::move(preempt);
            preempt = nullptr;
            preempted_++;
            run();
        }
        return inner_.alloc_table_page();
    }
    void free_table_page(PhysAddr pa) override { inner_.free_table_page(pa); }
    uint64_t pages_in_use() const override { return inner_.pages_in_use(); }
    Page::PtCounts& counts_slow(PhysAddr table) override { return inner_.pt_counts(table); }

    std::function<void()> preempt;
    unsigned asked() const { return asked_; }
    unsigned preempted() const { return preempted_; }

private:
    ArenaPtSource& inner_;
    unsigned asked_ = 0;
    unsigned preempted_ = 0;
};

bool stack_mapped(const PageTable& pt, const KStack& s)
{
    for (unsigned i = 0; i < s.pages(); i++) {
        const Translation t = pt.lookup(s.lo() + i * PG);
        if (!t.valid() || t.level != 0) return false;
    }
    return true;
}

} // namespace

// The fork-bomb panic "kstack: page 0 of the stack at ... not mapped":
// two stacks of one 2 MiB stretch made at once each created the stretch's
// level-0 table, and the second install dropped the first's leaves.
TEST_CASE("kstack: a stack made while another is being mapped keeps its pages")
{
    HostArena arena(PhysAddr(BASES[0]), ARENA_PAGES * PG);
    ArenaPtSource src(arena);
    PreemptingSource pre(src);
    PageAllocator pages;
    const PhysRange all = arena.range();
    const PhysRange tables{arena.base(), PT_PAGES * PG};
    REQUIRE(pages.init(&all, 1, &tables, 1).ok());
    PageTable pt = PageTable::create_kernel(pre).release_value();
    REQUIRE(pt.reserve_kernel_roots(VirtAddr(arch::KSTACK_REGION), arch::KSTACK_REGION_SIZE).ok());
    const uint64_t tables_before = src.in_use();
    {
        KStackAllocator ks(pages, pt);
        KStack other;
        pre.preempt = [&] { other = ks.alloc(KSTACK_PAGES).release_value(); };
        KStack first = ks.alloc(KSTACK_PAGES).release_value();
        CHECK(pre.asked() >= 1); // the first stack needed the level-0 table
        if (!other.valid()) other = ks.alloc(KSTACK_PAGES).release_value();
        CHECK(first.slot() != other.slot());
        const bool both = stack_mapped(pt, first) && stack_mapped(pt, other);
        CHECK(both);
        // A lost stack cannot be freed (its pages are gone from the table).
        if (both) {
            ks.free(first);
            ks.free(other);
            CHECK(ks.in_use() == 0);
        }
    }
    CHECK(src.in_use() == tables_before);
    pt.destroy().execute();
}

// The kstack fail site is asked once per stack, before anything is taken
// (a cached stack too), and a failure there leaves everything as it was.
TEST_CASE("kstack: the kstack fail site fails a stack, cached or new, cleanly")
{
    Env e(BASES[0]);
    KStackAllocator ks(e.pages, e.pt, KStackAllocator::MAX_SLOTS, 2);
    KStack cached = ks.alloc(KSTACK_PAGES).release_value();
    ks.free(cached);
    REQUIRE(ks.cached() == 1);
    for (unsigned n = 1; n <= KSTACK_MAX_PAGES; n++) {
        CAPTURE(n);
        const Counters before = counters(e, ks);
        const uint32_t injected = fail_site(FailSite::KStack).injected;
        REQUIRE(fail_site_set(FailSite::KStack, FailSetting::Nth, 1));
        Result<KStack> r = ks.alloc(n);
        fail_sites_reset();
        CHECK(fail_site(FailSite::KStack).injected == injected + 1);
        CHECK(!r.ok());
        CHECK(counters(e, ks) == before);
        CHECK(ks.cached() == 1);
        if (r.ok()) ks.free(r.value());
        const uint32_t seen = fail_site(FailSite::KStack).count;
        KStack s = ks.alloc(n).release_value();
        CHECK(fail_site(FailSite::KStack).count == seen + 1);
        CHECK((n == KSTACK_PAGES) == (ks.cached() == 0)); // the cached one was taken
        ks.free(s);
        CHECK(ks.cached() == 1);
    }
    CHECK(ks.drain() == KSTACK_PAGES);
}

// The kstack cache (FreeBSD's): a freed stack of the default size stays
// mapped in its slot and is the next one handed out, with no page
// allocated, no table page touched and no page freed.
TEST_CASE("kstack cache: a freed stack is reused whole, its guard still unmapped")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        KStackAllocator ks(e.pages, e.pt, KStackAllocator::MAX_SLOTS, 2);
        KStack a = ks.alloc(KSTACK_PAGES).release_value();
        auto* word = static_cast<uint64_t*>(arch::phys_to_virt(e.pt.lookup(a.lo()).pa));
        *word = 0x6f6c64;
        const uint64_t used = e.pages.pages_in_use();
        const uint64_t tables = e.src.in_use();
        const uint64_t tables_made = e.src.allocs();
        ks.free(a);
        CHECK(ks.in_use() == 0);
        CHECK(ks.cached() == 1);
        CHECK(ks.slot_busy(a.slot()));
        CHECK(ks.pages_mapped() == KSTACK_PAGES);
        CHECK(e.pages.pages_in_use() == used); // nothing freed
        CHECK(e.src.in_use() == tables);
        e.pages.fail_after(0); // any page allocation now fails
        KStack b = ks.alloc(KSTACK_PAGES).release_value();
        e.pages.fail_after(-1);
        CHECK(b.slot() == a.slot());
        CHECK(b.top() == a.top());
        CHECK(ks.cached() == 0);
        CHECK(ks.in_use() == 1);
        CHECK(e.src.allocs() == tables_made);
        // The same pages, mapped as before: an old thread's data is there
        // (kernel-internal; nothing of a stack is copied out unwritten).
        CHECK(*word == 0x6f6c64);
        std::set<uint64_t> seen;
        check_stack(e, b, seen); // R/W, not X, guard faults
        ks.free(b);
        CHECK(ks.drain() == KSTACK_PAGES);
        CHECK(ks.cached() == 0);
        CHECK(!ks.slot_busy(a.slot()));
        CHECK(ks.pages_mapped() == 0);
        CHECK(e.pages.pages_in_use() == 0);
        CHECK(ks.drain() == 0);
    }
}

TEST_CASE("kstack cache: bounded, default-size stacks of the first 2 MiB only")
{
    Env e(BASES[0]);
    constexpr unsigned MAX = 3;
    KStackAllocator ks(e.pages, e.pt, KStackAllocator::MAX_SLOTS, MAX);
    const uint64_t used0 = e.pages.pages_in_use();
    std::vector<KStack> v;
    // Fill the first stretch and one slot of the next.
    for (unsigned i = 0; i <= KStackAllocator::SLOTS_PER_TABLE; i++)
        v.push_back(ks.alloc(KSTACK_PAGES).release_value());
    CHECK(v.back().slot() == KStackAllocator::SLOTS_PER_TABLE);
    KStack odd = ks.alloc(KSTACK_PAGES + 1).release_value();
    const uint64_t tables = e.src.in_use();
    // Beyond the first stretch: freed at once, and its level-0 table is
    // pruned once nothing else lives in that stretch.
    ks.free(v.back());
    v.pop_back();
    CHECK(ks.cached() == 0);
    ks.free(odd); // not the cached size
    CHECK(ks.cached() == 0);
    CHECK(e.src.in_use() == tables - 1);
    uint64_t expect_used = e.pages.pages_in_use();
    for (unsigned i = 0; i < v.size(); i++) {
        CAPTURE(i);
        ks.free(v[i]);
        const bool kept = i < MAX;
        CHECK(ks.cached() == (kept ? i + 1 : MAX));
        if (!kept) expect_used -= KSTACK_PAGES;
        CHECK(e.pages.pages_in_use() == expect_used);
    }
    CHECK(ks.in_use() == 0);
    CHECK(ks.pages_mapped() == MAX * KSTACK_PAGES);
    // Last in, first out.
    KStack again = ks.alloc(KSTACK_PAGES).release_value();
    CHECK(again.slot() == v[MAX - 1].slot());
    ks.free(again);
    CHECK(ks.drain() == MAX * KSTACK_PAGES);
    CHECK(e.pages.pages_in_use() == used0);
}

// Memory pressure: a stack that finds no page takes the cached stacks'
// pages back first, instead of failing while the cache holds memory.
TEST_CASE("kstack cache: drained when a new stack finds no page")
{
    Env e(BASES[0]);
    KStackAllocator ks(e.pages, e.pt, KStackAllocator::MAX_SLOTS, 2);
    KStack c1 = ks.alloc(KSTACK_PAGES).release_value();
    KStack c2 = ks.alloc(KSTACK_PAGES).release_value();
    ks.free(c1);
    ks.free(c2);
    REQUIRE(ks.cached() == 2);
    // Use up every free page but those two stacks'.
    std::vector<PhysAddr> hog;
    for (Result<PhysAddr> p = e.pages.alloc(0); p.ok(); p = e.pages.alloc(0)) hog.push_back(p.value());
    // A bigger stack needs more than the free pages (none): the cache goes.
    Result<KStack> r = ks.alloc(2 * KSTACK_PAGES);
    REQUIRE(r.ok());
    CHECK(ks.cached() == 0);
    CHECK(e.pages.free_pages() == 0);
    ks.free(r.value()); // not the cached size: its pages are free again
    CHECK(e.pages.free_pages() == 2 * KSTACK_PAGES);
    // With nothing cached, too few pages is NoMem, cleanly.
    const Counters before = counters(e, ks);
    Result<KStack> none = ks.alloc(KSTACK_MAX_PAGES);
    CHECK(!none.ok());
    if (!none.ok()) CHECK(none.error() == Errno::NoMem);
    CHECK(counters(e, ks) == before);
    for (PhysAddr p : hog) e.pages.free(p, 0);
    CHECK(ks.drain() == 0);
}

// Down to the allocator's reserve, the cache holds nothing back: a freed
// stack goes back to the allocator, and a new one is had only as the
// reserve rules allow (the cached ones are given back first).
TEST_CASE("kstack cache: at the page reserve it is drained and not filled")
{
    Env e(BASES[0]);
    KStackAllocator ks(e.pages, e.pt, KStackAllocator::MAX_SLOTS, 4);
    KStack a = ks.alloc(KSTACK_PAGES).release_value();
    KStack b = ks.alloc(KSTACK_PAGES).release_value();
    ks.free(a);
    REQUIRE(ks.cached() == 1);
    // Leave exactly the reserve free.
    const uint64_t reserve = 8;
    e.pages.set_reserve(reserve, [] { return false; });
    std::vector<PhysAddr> hog;
    while (e.pages.free_pages() > reserve) hog.push_back(e.pages.alloc(0, AllocFlags::System).value());
    REQUIRE(e.pages.free_pages() == reserve);
    ks.free(b); // not cached: memory is short
    CHECK(ks.cached() == 1);
    CHECK(e.pages.free_pages() == reserve + KSTACK_PAGES);
    // One page into the reserve (a privileged caller's doing).
    for (unsigned i = 0; i <= KSTACK_PAGES; i++) hog.push_back(e.pages.alloc(0, AllocFlags::System).value());
    REQUIRE(e.pages.free_pages() == reserve - 1);
    // The cached stack goes back; a new one would then need a page the
    // reserve keeps from this caller: NoMem, with the cache's pages free.
    Result<KStack> r = ks.alloc(KSTACK_PAGES);
    CHECK(ks.cached() == 0);
    CHECK(!r.ok());
    if (!r.ok()) CHECK(r.error() == Errno::NoMem);
    CHECK(e.pages.free_pages() == reserve - 1 + KSTACK_PAGES);
    CHECK(ks.pages_mapped() == 0);
    for (PhysAddr p : hog) e.pages.free(p, 0);
    e.pages.set_reserve(0, nullptr);
    CHECK(ks.in_use() == 0);
    CHECK(e.pages.pages_in_use() == 0);
}
