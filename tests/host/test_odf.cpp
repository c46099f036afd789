// On-demand fork (issue 16; docs/memory.md, "Shared leaf tables"): a fork
// shares the parent's 2 MiB leaf tables with the child copy-on-write, and
// every change on either side first gives that side its own table.  Driven
// through vmspaces with ASIDs and the strict MMU simulator (a TLB that
// forgets only on a flush, switches that do not flush): a missing flush
// reads the other space's data or faults twice, and every access here must
// go through with at most one fault.  vm_check (sharer counts, no W in a
// shared table, every translation its object's page) runs after each step.
#include "mem_test_util.h"

#include <arch/mmu_sim.h>
#include <kernel/debug/invariant_report.h>
#include <mm/asid.h>
#include <mm/fail_point.h>
#include <mm/kmem.h>
#include <mm/swap_reserve.h>
#include <mm/vm_check.h>
#include <mm/vm_fault.h>
#include <mm/vmspace.h>

#include <algorithm>
#include <memory>
#include <vector>

using namespace memtest;

namespace {

constexpr vm_prot_t RW = VM_PROT_READ | VM_PROT_WRITE;
constexpr uint64_t SLOT = PageTable::LEAF_TABLE_SPAN;
constexpr uint64_t SLOT_PAGES = SLOT / PG;
constexpr uint64_t BASE = 0x40000000; // 2 MiB aligned

uint64_t value_of(uint64_t va, unsigned gen) { return va * 3 + gen; }

struct FailReset {
    ~FailReset() { fail_sites_reset(); }
};

// The threshold at which a fork defers a table's write-protect pass
// (PageTable::defer_pass_min), for one test.
struct DeferPass {
    unsigned saved = PageTable::defer_pass_min;
    explicit DeferPass(unsigned min) { PageTable::defer_pass_min = min; }
    ~DeferPass() { PageTable::defer_pass_min = saved; }
};
constexpr unsigned EAGER = arch::PT_ENTRIES + 1; // never deferred

struct OdfEnv {
    // First: the tests written for the eager pass keep it unless they ask.
    DeferPass defer;
    MemEnv mem{0x80000000, 32 * MiB};
    PageAllocatorPtSource src{mem.pages};
    PageTable kernel = PageTable::create_kernel(src).release_value();
    AsidAllocator asids{8};
    VmspaceZone zone{"vmspace", mem.pages};
    CommitAccount commit;
    MmuSim sim;
    std::vector<vmspace*> live;
    uint64_t pages0 = 0;
    unsigned faults = 0; // faults the accesses took

    explicit OdfEnv(unsigned defer_min = EAGER) : defer(defer_min)
    {
        zone.pt_pages = &src;
        zone.kernel_pt = &kernel;
        zone.asids = &asids;
        pages0 = mem.pages.pages_in_use();
    }
    ~OdfEnv() { kernel.destroy().execute(); }

    vmspace* space(uint64_t len, vm_prot_t prot = RW)
    {
        vmspace* vm = vmspace_alloc(zone, commit).value();
        REQUIRE(vmspace_map_anon(vm, BASE, len, prot).ok());
        live.push_back(vm);
        return vm;
    }
    // fork1's order: the copy, then its charge reserved.
    vmspace* fork(vmspace* vm)
    {
        uint64_t charged = 0;
        vmspace* c = vmspace_fork(vm, &charged).value();
        REQUIRE(c->vm_commit->reserve(charged));
        live.push_back(c);
        check();
        return c;
    }
    // vmspace_fork(parent) with each table-page allocation failed in turn
    // until one succeeds (its child freed at once): each failure is ENOMEM
    // and leaves no slot of [BASE, BASE + len) shared, and the pages, the
    // commit charge and the invariants as they were.  How many failed.
    int fork_failing_each_table_page(vmspace* parent, uint64_t len)
    {
        const uint64_t pages = mem.pages.pages_in_use();
        const uint64_t reserved = commit.reserved();
        int failed = 0;
        for (int n = 1;; n++) {
            CAPTURE(n);
            REQUIRE(fail_site_set(FailSite::PtPage, FailSetting::Nth, n));
            uint64_t charged = 0;
            Result<vmspace*> r = vmspace_fork(parent, &charged);
            fail_sites_reset();
            if (r.ok()) {
                REQUIRE(commit.reserve(charged)); // fork1's order: vmspace_free releases it
                vmspace_free(r.value());
                return failed;
            }
            failed++;
            CHECK(r.error() == Errno::NoMem);
            for (uint64_t va = BASE; va < BASE + len; va += SLOT) CHECK_FALSE(shared(parent, va));
            zone.drain();
            CHECK(mem.pages.pages_in_use() == pages);
            CHECK(commit.reserved() == reserved);
            check();
        }
    }
    void free(vmspace* vm)
    {
        live.erase(std::find(live.begin(), live.end(), vm));
        vmspace_free(vm);
        check();
    }

    // The hart switches to vm as the kernel does: activate, then a full
    // flush only when the ASID allocator says so.
    void run(vmspace* vm)
    {
        const bool flush = vm->vm_pmap.activate(asids);
        sim.set_satp(vm->vm_pmap.table().root(), vm->vm_pmap.asid());
        if (flush) sim.flush_all();
    }
    // A user access on vm: the quick path first, as the trap does, then
    // vm_fault; one fault at most.
    Errno access(vmspace* vm, uint64_t va, Access a, uint64_t* v)
    {
        run(vm);
        for (int tries = 0; tries < 2; tries++) {
            const SimResult r = sim.translate(VirtAddr(va), a, Priv::User);
            if (r.ok()) {
                auto* p = static_cast<uint64_t*>(arch::phys_to_virt(r.pa));
                if (a == Access::Write)
                    *p = *v;
                else
                    *v = *p;
                return Errno::Ok;
            }
            faults++;
            const vm_prot_t want = a == Access::Write ? VM_PROT_WRITE : VM_PROT_READ;
            if (IntrOff off; vm_fault_quick(vm->vm_map, vm->vm_pmap, VirtAddr(va), want)) continue;
            Result<TlbFlush> f = vmspace_fault(vm, VirtAddr(va), want);
            if (!f.ok()) return f.error();
            f.value().execute();
        }
        FAIL("the access at ", va, " still faults after the fault handler mapped it");
        return Errno::Fault;
    }
    uint64_t read(vmspace* vm, uint64_t va)
    {
        uint64_t v = ~uint64_t{0};
        REQUIRE(access(vm, va, Access::Read, &v) == Errno::Ok);
        return v;
    }
    void write(vmspace* vm, uint64_t va, uint64_t v)
    {
        REQUIRE(access(vm, va, Access::Write, &v) == Errno::Ok);
    }
    void fill(vmspace* vm, uint64_t len, unsigned gen)
    {
        for (uint64_t va = BASE; va < BASE + len; va += PG) write(vm, va, value_of(va, gen));
    }

    bool shared(vmspace* vm, uint64_t va) { return vm->vm_pmap.table().leaf_table_shared(VirtAddr(va)); }
    // The leaf table holding va's entry (the level-1 entry's target), or 0.
    uint64_t leaf_table(vmspace* vm, uint64_t va)
    {
        PhysAddr t = vm->vm_pmap.table().root();
        for (unsigned level = arch::PT_LEVELS - 1; level > 0; level--) {
            const arch::Pte e =
                static_cast<arch::Pte*>(arch::phys_to_virt(t))[arch::pt_index(VirtAddr(va), level)];
            if (!e.valid() && !(level == 1 && PageTable::pending(e))) return 0;
            t = e.pa();
        }
        return t.value();
    }
    // va's level-1 entry (its level-1 table must exist).
    arch::Pte& l1_entry(vmspace* vm, uint64_t va)
    {
        auto* root = static_cast<arch::Pte*>(arch::phys_to_virt(vm->vm_pmap.table().root()));
        const arch::Pte r = root[arch::pt_index(VirtAddr(va), 2)];
        REQUIRE(r.valid());
        return static_cast<arch::Pte*>(arch::phys_to_virt(r.pa()))[arch::pt_index(VirtAddr(va), 1)];
    }
    bool pending(vmspace* vm, uint64_t va) { return PageTable::pending(l1_entry(vm, va)); }
    // Whether the leaf of va in its (possibly shared) table grants W.
    bool leaf_writable(vmspace* vm, uint64_t va)
    {
        const auto* t = static_cast<const arch::Pte*>(arch::phys_to_virt(PhysAddr(leaf_table(vm, va))));
        return (t[arch::pt_index(VirtAddr(va), 0)].raw & arch::pte::W) != 0;
    }
    uint64_t tables() const { return src.pages_in_use(); }

    void check()
    {
        InvariantReport r;
        VmCheckInput in;
        in.spaces = live.data();
        in.nspaces = live.size();
        in.account = &commit;
        vm_check(mem.pages, in, r);
        CHECK(r.violations() == 0);
        CHECK(r.skips() == 0);
    }
    // Every space freed: pages, tables, objects, entries, ASIDs, charge.
    void check_baseline()
    {
        while (!live.empty()) free(live.back());
        CHECK(commit.reserved() == 0);
        CHECK(zone.all_in_use() == 0);
        CHECK(asids.in_use() == 0);
        zone.drain();
        CHECK(mem.pages.pages_in_use() == pages0);
    }
};

} // namespace

TEST_CASE("odf: fork shares the leaf tables; the child reads every page without a fault")
{
    OdfEnv env;
    const uint64_t len = 2 * SLOT + 64 * PG; // two whole tables and part of a third
    vmspace* parent = env.space(len);
    env.fill(parent, len, 1);
    const uint64_t tables = env.tables();
    const uint64_t flushes0 = env.sim.flushes();
    vmspace* child = env.fork(parent);
    CHECK(env.sim.flushes() > flushes0); // the parent's entries lost W
    // The child's root and one level-1 table; no leaf table copied.
    CHECK(env.tables() == tables + 2);
    for (uint64_t s = BASE; s < BASE + len; s += SLOT) {
        CHECK(env.shared(parent, s));
        CHECK(env.shared(child, s));
        CHECK(env.leaf_table(parent, s) == env.leaf_table(child, s));
        CHECK(env.src.share_count(PhysAddr(env.leaf_table(parent, s))) == 1);
    }
    for (uint64_t va = BASE; va < BASE + len; va += PG) {
        const Translation p = parent->vm_pmap.extract(VirtAddr(va));
        const Translation c = child->vm_pmap.extract(VirtAddr(va));
        REQUIRE(p.valid());
        CHECK(c.pa == p.pa);
        CHECK((p.flags & arch::pte::W) == 0); // write-protected once, in the shared table
    }
    env.faults = 0;
    for (uint64_t va = BASE; va < BASE + len; va += PG) CHECK(env.read(child, va) == value_of(va, 1));
    CHECK(env.faults == 0);
    // A second fork of an unchanged parent shares the same tables again,
    // with no pass over their entries: nothing to flush in the parent.
    const uint64_t flushes = env.sim.flushes();
    vmspace* second = env.fork(parent);
    CHECK(env.sim.flushes() == flushes);
    CHECK(env.tables() == tables + 4);
    CHECK(env.src.share_count(PhysAddr(env.leaf_table(parent, BASE))) == 2);
    for (uint64_t va = BASE; va < BASE + len; va += 97 * PG) CHECK(env.read(second, va) == value_of(va, 1));
    CHECK(env.faults == 0);
    env.check_baseline();
}

TEST_CASE("odf: a write on either side copies that side's table once, and only that table")
{
    OdfEnv env;
    const uint64_t len = 2 * SLOT;
    vmspace* parent = env.space(len);
    env.fill(parent, len, 1);
    vmspace* child = env.fork(parent);
    const uint64_t tables = env.tables();
    const uint64_t t0 = env.leaf_table(parent, BASE);

    env.write(parent, BASE + 5 * PG, 111); // the parent: a copy of table 0
    CHECK(env.tables() == tables + 1);
    CHECK(env.leaf_table(parent, BASE) != t0);
    CHECK(env.leaf_table(child, BASE) == t0);
    CHECK_FALSE(env.shared(parent, BASE));
    CHECK_FALSE(env.shared(child, BASE)); // the child holds the original alone
    CHECK(env.shared(parent, BASE + SLOT)); // table 1 untouched
    env.write(parent, BASE + 6 * PG, 112); // its own table now: no copy
    CHECK(env.tables() == tables + 1);
    env.write(child, BASE + SLOT + 3 * PG, 221); // the child: a copy of table 1
    CHECK(env.tables() == tables + 2);
    env.write(child, BASE + 7 * PG, 222); // table 0 is the child's alone: taken back, no copy
    CHECK(env.tables() == tables + 2);
    env.check();
    for (uint64_t va = BASE; va < BASE + len; va += PG) {
        const uint64_t want = value_of(va, 1);
        CHECK(env.read(parent, va) == (va == BASE + 5 * PG ? 111 : va == BASE + 6 * PG ? 112 : want));
        CHECK(env.read(child, va) ==
              (va == BASE + SLOT + 3 * PG ? 221 : va == BASE + 7 * PG ? 222 : want));
    }
    env.check_baseline();
}

TEST_CASE("odf: munmap, mprotect and a new mapping in a shared range unshare that side only")
{
    OdfEnv env;
    const uint64_t len = 3 * SLOT - SLOT / 2; // ends in the middle of table 2
    vmspace* parent = env.space(len);
    env.fill(parent, len, 1);
    vmspace* child = env.fork(parent);
    const uint64_t tables = env.tables();

    SUBCASE("munmap of part of a table: the child gets a copy without the hole")
    {
        REQUIRE(vmspace_unmap(child, BASE + 16 * PG, 8 * PG).ok());
        CHECK(env.tables() == tables + 1);
        CHECK_FALSE(env.shared(child, BASE));
        uint64_t v = 0;
        CHECK(env.access(child, BASE + 20 * PG, Access::Read, &v) == Errno::Fault);
        env.faults = 0;
        CHECK(env.read(child, BASE + 30 * PG) == value_of(BASE + 30 * PG, 1));
        CHECK(env.faults == 0); // the copy kept the other translations
        for (uint64_t va = BASE + 16 * PG; va < BASE + 24 * PG; va += PG)
            CHECK(env.read(parent, va) == value_of(va, 1));
    }
    SUBCASE("munmap of a whole table: the child drops its share, nothing copied")
    {
        REQUIRE(vmspace_unmap(child, BASE + SLOT, SLOT).ok());
        CHECK(env.tables() == tables);
        CHECK(env.leaf_table(child, BASE + SLOT) == 0);
        CHECK_FALSE(env.shared(parent, BASE + SLOT));
        for (uint64_t va = BASE + SLOT; va < BASE + 2 * SLOT; va += 31 * PG)
            CHECK(env.read(parent, va) == value_of(va, 1));
    }
    SUBCASE("mprotect: the parent's copy loses write, the child keeps copy-on-write")
    {
        REQUIRE(vmspace_protect(parent, BASE + SLOT, 4 * PG, VM_PROT_READ).ok());
        CHECK(env.tables() == tables + 1);
        uint64_t v = 7;
        CHECK(env.access(parent, BASE + SLOT, Access::Write, &v) == Errno::Acces);
        env.write(child, BASE + SLOT, 333);
        CHECK(env.read(child, BASE + SLOT) == 333);
        CHECK(env.read(parent, BASE + SLOT) == value_of(BASE + SLOT, 1));
    }
    SUBCASE("a new mapping past the end of the shared mapping, in the same table")
    {
        const uint64_t extra = BASE + len; // in table 2, which the fork shared
        REQUIRE(env.shared(child, extra));
        REQUIRE(vmspace_map_anon(child, extra, 4 * PG, RW).ok());
        env.write(child, extra + PG, 444);
        CHECK(env.tables() == tables + 1);
        CHECK_FALSE(env.shared(child, extra));
        CHECK(env.read(child, extra + PG) == 444);
        uint64_t v = 0;
        CHECK(env.access(parent, extra + PG, Access::Read, &v) == Errno::Fault);
        CHECK_FALSE(parent->vm_pmap.extract(VirtAddr(extra + PG)).valid());
        CHECK(env.read(child, BASE + len - PG) == value_of(BASE + len - PG, 1));
    }
    env.check();
    for (uint64_t va = BASE; va < BASE + len; va += 13 * PG)
        CHECK(env.read(parent, va) == value_of(va, 1));
    env.check_baseline();
}

TEST_CASE("odf: either side may exit first; the other keeps the table, and the last frees it")
{
    for (const bool parent_first : {true, false}) {
        CAPTURE(parent_first);
        OdfEnv env;
        const uint64_t len = SLOT + 32 * PG;
        vmspace* parent = env.space(len);
        env.fill(parent, len, 1);
        vmspace* child = env.fork(parent);
        vmspace* stays = parent_first ? child : parent;
        env.free(parent_first ? parent : child);
        const uint64_t tables = env.tables();
        env.faults = 0;
        for (uint64_t va = BASE; va < BASE + len; va += PG) CHECK(env.read(stays, va) == value_of(va, 1));
        CHECK(env.faults == 0);
        for (uint64_t va = BASE; va < BASE + len; va += SLOT) env.write(stays, va, 5);
        CHECK(env.tables() == tables); // the tables were taken back, not copied
        CHECK_FALSE(env.shared(stays, BASE));
        env.check_baseline();
    }
}

TEST_CASE("odf: three-way sharing after nested forks; each write copies until one is left")
{
    OdfEnv env;
    const uint64_t len = SLOT;
    vmspace* a = env.space(len);
    env.fill(a, len, 1);
    vmspace* b = env.fork(a);
    vmspace* c = env.fork(b);
    const uint64_t t0 = env.leaf_table(a, BASE);
    CHECK(env.leaf_table(b, BASE) == t0);
    CHECK(env.leaf_table(c, BASE) == t0);
    CHECK(env.src.share_count(PhysAddr(t0)) == 2);
    const uint64_t tables = env.tables();
    env.write(a, BASE, 10);
    CHECK(env.tables() == tables + 1);
    CHECK(env.src.share_count(PhysAddr(t0)) == 1);
    env.write(b, BASE + PG, 20);
    CHECK(env.tables() == tables + 2);
    CHECK(env.src.share_count(PhysAddr(t0)) == 0);
    env.write(c, BASE + 2 * PG, 30); // the last one: no copy
    CHECK(env.tables() == tables + 2);
    CHECK(env.leaf_table(c, BASE) == t0);
    env.check();
    const uint64_t v0 = value_of(BASE, 1), v1 = value_of(BASE + PG, 1), v2 = value_of(BASE + 2 * PG, 1);
    CHECK(env.read(a, BASE) == 10);
    CHECK(env.read(a, BASE + PG) == v1);
    CHECK(env.read(b, BASE) == v0);
    CHECK(env.read(b, BASE + PG) == 20);
    CHECK(env.read(c, BASE + PG) == v1);
    CHECK(env.read(c, BASE + 2 * PG) == 30);
    CHECK(env.read(a, BASE + 2 * PG) == v2);
    env.free(b);
    env.free(a);
    CHECK(env.read(c, BASE) == v0);
    env.check_baseline();
}

TEST_CASE("odf: a table with shared or uninherited memory in it is not shared; the child faults")
{
    OdfEnv env;
    vmspace* parent = env.space(64 * PG);
    const uint64_t other = BASE + 65 * PG; // a hole between: no entry merges
    SUBCASE("MAP_SHARED") { REQUIRE(vmspace_map_anon(parent, other, 4 * PG, RW, VmInherit::Share).ok()); }
    SUBCASE("inherit none")
    {
        REQUIRE(vmspace_map_anon(parent, other, 4 * PG, RW).ok());
        parent->vm_map.lookup(other)->inheritance = VmInherit::None; // minherit's effect
    }
    env.fill(parent, 64 * PG, 1);
    for (uint64_t va = other; va < other + 4 * PG; va += PG) env.write(parent, va, value_of(va, 1));
    vmspace* child = env.fork(parent);
    CHECK_FALSE(env.shared(parent, BASE));
    CHECK(env.leaf_table(child, BASE) == 0);
    CHECK((parent->vm_pmap.extract(VirtAddr(BASE)).flags & arch::pte::W) == 0);
    CHECK((parent->vm_pmap.extract(VirtAddr(other)).flags & arch::pte::W) != 0);
    env.faults = 0;
    CHECK(env.read(child, BASE + 3 * PG) == value_of(BASE + 3 * PG, 1));
    CHECK(env.faults == 1);
    uint64_t v = 0;
    const Errno e = env.access(child, other, Access::Read, &v);
    if (child->vm_map.lookup(other)) {
        CHECK(e == Errno::Ok);
        CHECK(v == value_of(other, 1));
    } else {
        CHECK(e == Errno::Fault);
    }
    env.check_baseline();
}

TEST_CASE("odf: every allocation failure during an unshare: the fault gets ENOMEM, munmap and "
          "mprotect drop the share instead, fork fails clean; nothing leaks")
{
    FailReset reset;
    OdfEnv env;
    const uint64_t len = 2 * SLOT;
    vmspace* parent = env.space(len);
    env.fill(parent, len, 1);

    // Fork: each table-page allocation failed in turn (the child's root,
    // its level-1 table), then one that succeeds.
    CHECK(env.fork_failing_each_table_page(parent, len) == 2);

    vmspace* child = env.fork(parent);
    const uint64_t tables = env.tables();

    SUBCASE("write fault: ENOMEM with nothing changed, then the retry copies")
    {
        for (const FailSite site : {FailSite::PtPage, FailSite::Page}) {
            REQUIRE(fail_site_set(site, FailSetting::Nth, 1));
            Result<TlbFlush> r = vmspace_fault(child, VirtAddr(BASE + PG), VM_PROT_WRITE);
            fail_sites_reset();
            REQUIRE_FALSE(r.ok());
            CHECK(r.error() == Errno::NoMem);
            CHECK(env.shared(child, BASE));
            CHECK(env.tables() == tables);
            env.check();
        }
        // The copy made, the COW page not: the table copy stays (correct
        // and unshared), the fault's error is ENOMEM, and the retry
        // completes.
        REQUIRE(fail_site_set(FailSite::Page, FailSetting::Nth, 2));
        Result<TlbFlush> r = vmspace_fault(child, VirtAddr(BASE + PG), VM_PROT_WRITE);
        fail_sites_reset();
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == Errno::NoMem);
        CHECK_FALSE(env.shared(child, BASE));
        CHECK(env.tables() == tables + 1);
        env.check();
        env.write(child, BASE + PG, 77);
        CHECK(env.read(child, BASE + PG) == 77);
    }
    SUBCASE("munmap and mprotect: no page for a copy, the share is dropped and faults refill")
    {
        REQUIRE(fail_site_set(FailSite::PtPage, FailSetting::Every, 1));
        CHECK(vmspace_unmap(child, BASE + 8 * PG, 2 * PG).ok());
        CHECK(vmspace_protect(child, BASE + SLOT + 8 * PG, 2 * PG, VM_PROT_READ).ok());
        fail_sites_reset();
        CHECK(env.leaf_table(child, BASE) == 0);
        CHECK(env.leaf_table(child, BASE + SLOT) == 0);
        CHECK(env.tables() == tables);
        env.check();
        env.faults = 0;
        CHECK(env.read(child, BASE) == value_of(BASE, 1));
        CHECK(env.faults == 1);
        uint64_t v = 0;
        CHECK(env.access(child, BASE + 8 * PG, Access::Read, &v) == Errno::Fault);
        v = 1;
        CHECK(env.access(child, BASE + SLOT + 8 * PG, Access::Write, &v) == Errno::Acces);
        CHECK(env.read(child, BASE + SLOT + 8 * PG) == value_of(BASE + SLOT + 8 * PG, 1));
    }
    env.check();
    for (uint64_t va = BASE; va < BASE + len; va += 17 * PG) CHECK(env.read(parent, va) == value_of(va, 1));
    env.check_baseline();
}

TEST_CASE("odf: vm_check finds a wrong share count, a missing hint and a writable shared entry")
{
    OdfEnv env;
    vmspace* parent = env.space(SLOT);
    env.fill(parent, 8 * PG, 1);
    vmspace* child = env.fork(parent);
    const PhysAddr t(env.leaf_table(child, BASE));
    const auto violations = [&] {
        InvariantReport r;
        r.set_quiet(true);
        VmCheckInput in;
        in.spaces = env.live.data();
        in.nspaces = env.live.size();
        in.account = &env.commit;
        vm_check(env.mem.pages, in, r);
        return r.violations();
    };
    REQUIRE(violations() == 0);
    env.src.share_count(t)++;
    CHECK(violations() == 1); // two sharers counted as three
    env.src.share_count(t)--;
    // The child's level-1 entry without the hint.
    auto* root = static_cast<arch::Pte*>(arch::phys_to_virt(child->vm_pmap.table().root()));
    auto* l1 = static_cast<arch::Pte*>(arch::phys_to_virt(root[arch::pt_index(VirtAddr(BASE), 2)].pa()));
    arch::Pte& e = l1[arch::pt_index(VirtAddr(BASE), 1)];
    e.raw &= ~PageTable::SHARED_HINT;
    CHECK(violations() == 1);
    e.raw |= PageTable::SHARED_HINT;
    // A writable leaf in the shared table (both spaces' walks see it too).
    auto* leaves = static_cast<arch::Pte*>(arch::phys_to_virt(t));
    leaves[0].raw |= arch::pte::W | arch::pte::D;
    CHECK(violations() >= 1);
    leaves[0].raw &= ~(arch::pte::W | arch::pte::D);
    CHECK(violations() == 0);
    env.check_baseline();
}

// The deferred write-protect pass (docs/memory.md, "Shared leaf tables"):
// a fork makes the entries at a full table pending (V clear) instead of
// taking W from each of its leaves; the first access on either side
// settles it.
TEST_CASE("odf pending: a fork of full tables defers the pass; the first access on either side "
          "does it once, small tables keep the eager pass")
{
    OdfEnv env(PageTable::DEFER_PASS);
    const uint64_t len = 2 * SLOT + 64 * PG; // two full tables, 64 entries in a third
    vmspace* parent = env.space(len);
    env.fill(parent, len, 1);
    const uint64_t tables = env.tables();
    vmspace* child = env.fork(parent);
    CHECK(env.tables() == tables + 2);
    for (uint64_t s = BASE; s < BASE + 2 * SLOT; s += SLOT) {
        CHECK(env.pending(parent, s));
        CHECK(env.pending(child, s));
        CHECK(env.shared(parent, s));
        CHECK(env.leaf_table(parent, s) == env.leaf_table(child, s));
        CHECK(env.leaf_writable(parent, s + 5 * PG)); // no pass yet
        CHECK_FALSE(parent->vm_pmap.extract(VirtAddr(s)).valid()); // as the MMU sees it
    }
    const uint64_t third = BASE + 2 * SLOT;
    CHECK_FALSE(env.pending(parent, third)); // below DEFER_PASS: passed at once
    CHECK_FALSE(env.leaf_writable(parent, third));

    SUBCASE("the child first")
    {
        env.faults = 0;
        for (uint64_t va = BASE; va < BASE + len; va += PG) CHECK(env.read(child, va) == value_of(va, 1));
        CHECK(env.faults == 2); // one a pending table, the pass done there
        CHECK_FALSE(env.leaf_writable(child, BASE + 5 * PG));
        CHECK(env.pending(parent, BASE)); // the parent's entry waits for its own access
        env.check();
        env.faults = 0;
        for (uint64_t va = BASE; va < BASE + len; va += PG) CHECK(env.read(parent, va) == value_of(va, 1));
        CHECK(env.faults == 2); // revalidated, no second pass, no copy
        CHECK(env.tables() == tables + 2);
    }
    SUBCASE("the parent first")
    {
        env.faults = 0;
        env.write(parent, BASE + 3 * PG, 42); // pass, then the parent's copy
        CHECK(env.tables() == tables + 3);
        CHECK_FALSE(env.shared(child, BASE));
        CHECK(env.pending(child, BASE));
        CHECK(env.read(child, BASE + 3 * PG) == value_of(BASE + 3 * PG, 1));
        CHECK_FALSE(env.pending(child, BASE));
        CHECK_FALSE(env.leaf_writable(child, BASE + 3 * PG));
    }
    env.check();
    env.write(child, BASE + SLOT + PG, 7);
    CHECK(env.read(child, BASE + SLOT + PG) == 7);
    CHECK(env.read(parent, BASE + SLOT + PG) == value_of(BASE + SLOT + PG, 1));
    env.check_baseline();
}

TEST_CASE("odf pending: the other side gone first (exit or exec), the table is revalidated with "
          "no pass and keeps its W")
{
    for (const bool child_goes : {true, false}) {
        CAPTURE(child_goes);
        OdfEnv env(PageTable::DEFER_PASS);
        vmspace* parent = env.space(SLOT);
        env.fill(parent, SLOT, 1);
        vmspace* child = env.fork(parent);
        vmspace* stays = child_goes ? parent : child;
        env.free(child_goes ? child : parent); // exec drops the space as exit does
        const uint64_t tables = env.tables();
        CHECK(env.pending(stays, BASE));
        CHECK_FALSE(env.shared(stays, BASE));
        env.faults = 0;
        env.write(stays, BASE, 9);
        CHECK(env.faults == 1); // the revalidation
        CHECK(env.tables() == tables);
        CHECK(env.leaf_writable(stays, BASE + PG)); // no pass was made
        for (uint64_t va = BASE + PG; va < BASE + SLOT; va += PG) env.write(stays, va, va);
        CHECK(env.faults == 1); // the other side's objects went with it: every page is this one's
        CHECK(env.read(stays, BASE) == 9);
        env.check_baseline();
    }
}

TEST_CASE("odf pending: nested fork while pending; three sharers, one pass")
{
    OdfEnv env(PageTable::DEFER_PASS);
    vmspace* a = env.space(SLOT);
    env.fill(a, SLOT, 1);
    vmspace* b = env.fork(a);
    vmspace* c = env.fork(b); // b's entry pending: c's is too
    const uint64_t t0 = env.leaf_table(a, BASE);
    CHECK(env.leaf_table(c, BASE) == t0);
    CHECK(env.src.share_count(PhysAddr(t0)) == 2);
    CHECK((env.pending(a, BASE) && env.pending(b, BASE) && env.pending(c, BASE)));
    const uint64_t tables = env.tables();
    env.write(c, BASE, 30); // the pass and c's copy
    CHECK(env.tables() == tables + 1);
    CHECK(env.src.share_count(PhysAddr(t0)) == 1);
    CHECK_FALSE(env.leaf_writable(a, BASE + PG));
    CHECK(env.read(b, BASE) == value_of(BASE, 1));
    CHECK(env.read(a, BASE) == value_of(BASE, 1));
    env.write(a, BASE + PG, 10);
    CHECK(env.tables() == tables + 2);
    env.write(b, BASE + 2 * PG, 20); // the last sharer: no copy
    CHECK(env.tables() == tables + 2);
    CHECK(env.read(c, BASE + PG) == value_of(BASE + PG, 1));
    CHECK(env.read(b, BASE + PG) == value_of(BASE + PG, 1));
    CHECK(env.read(a, BASE + 2 * PG) == value_of(BASE + 2 * PG, 1));
    env.free(b);
    env.free(c);
    env.free(a);
    env.check_baseline();
}

TEST_CASE("odf pending: munmap, mprotect, a new mapping and a second fork on a pending slot")
{
    OdfEnv env(PageTable::DEFER_PASS);
    const uint64_t len = 3 * SLOT - SLOT / 2;
    vmspace* parent = env.space(len);
    env.fill(parent, len, 1);
    vmspace* child = env.fork(parent);
    REQUIRE(env.pending(child, BASE));
    const uint64_t tables = env.tables();
    SUBCASE("munmap of part: the pass, then a copy without the hole")
    {
        REQUIRE(vmspace_unmap(child, BASE + 16 * PG, 8 * PG).ok());
        CHECK(env.tables() == tables + 1);
        CHECK_FALSE(env.pending(child, BASE));
        CHECK(env.pending(parent, BASE));
        uint64_t v = 0;
        CHECK(env.access(child, BASE + 20 * PG, Access::Read, &v) == Errno::Fault);
        env.faults = 0;
        CHECK(env.read(child, BASE + 30 * PG) == value_of(BASE + 30 * PG, 1));
        CHECK(env.faults == 0);
    }
    SUBCASE("munmap of a whole table: the pass, then the share dropped (the child's object "
            "still holds the pages copy-on-write)")
    {
        REQUIRE(vmspace_unmap(child, BASE, SLOT).ok());
        CHECK(env.leaf_table(child, BASE) == 0);
        CHECK_FALSE(env.leaf_writable(parent, BASE + PG));
        CHECK(env.pending(parent, BASE));
        env.faults = 0;
        env.write(parent, BASE + PG, 5); // revalidated and a COW break, one fault
        CHECK(env.faults == 1);
        CHECK(env.tables() == tables);
        CHECK(env.read(child, BASE + SLOT + PG) == value_of(BASE + SLOT + PG, 1));
    }
    SUBCASE("mprotect on the parent: the pass and its copy")
    {
        REQUIRE(vmspace_protect(parent, BASE + SLOT, 4 * PG, VM_PROT_READ).ok());
        CHECK(env.tables() == tables + 1);
        uint64_t v = 7;
        CHECK(env.access(parent, BASE + SLOT, Access::Write, &v) == Errno::Acces);
        env.write(child, BASE + SLOT, 333);
        CHECK(env.read(child, BASE + SLOT) == 333);
    }
    SUBCASE("a new mapping in the pending table (past the mapping's end)")
    {
        const uint64_t extra = BASE + len;
        REQUIRE(env.pending(child, extra));
        REQUIRE(vmspace_map_anon(child, extra, 4 * PG, RW).ok());
        env.write(child, extra + PG, 444);
        CHECK(env.read(child, extra + PG) == 444);
        uint64_t v = 0;
        CHECK(env.access(parent, extra + PG, Access::Read, &v) == Errno::Fault);
    }
    SUBCASE("a second fork of the parent while pending: shared again, still pending")
    {
        vmspace* second = env.fork(parent);
        CHECK(env.pending(second, BASE));
        CHECK(env.src.share_count(PhysAddr(env.leaf_table(parent, BASE))) == 2);
        env.write(second, BASE, 55);
        CHECK(env.read(second, BASE) == 55);
        CHECK(env.read(child, BASE) == value_of(BASE, 1));
        env.free(second);
    }
    env.check();
    for (uint64_t va = BASE; va < BASE + len; va += 13 * PG)
        CHECK(env.read(parent, va) == value_of(va, 1));
    for (uint64_t va = BASE + SLOT + 64 * PG; va < BASE + len; va += 13 * PG)
        CHECK(env.read(child, va) == value_of(va, 1));
    env.check_baseline();
}

TEST_CASE("odf pending: no page for the copy after the deferred pass; ENOMEM, then the retry")
{
    FailReset reset;
    OdfEnv env(PageTable::DEFER_PASS);
    vmspace* parent = env.space(SLOT);
    env.fill(parent, SLOT, 1);
    vmspace* child = env.fork(parent);
    const uint64_t tables = env.tables();
    REQUIRE(fail_site_set(FailSite::PtPage, FailSetting::Nth, 1));
    Result<TlbFlush> r = vmspace_fault(child, VirtAddr(BASE + PG), VM_PROT_WRITE);
    fail_sites_reset();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Errno::NoMem);
    // The entry was settled (the pass made, a translation-preserving
    // change), the table still shared, nothing allocated.
    CHECK_FALSE(env.pending(child, BASE));
    CHECK(env.shared(child, BASE));
    CHECK(env.tables() == tables);
    env.check();
    env.write(child, BASE + PG, 77);
    CHECK(env.read(child, BASE + PG) == 77);
    CHECK(env.read(parent, BASE + PG) == value_of(BASE + PG, 1));
    env.check_baseline();
}

TEST_CASE("odf pending: vm_check finds a valid entry at a shared table the pass has not reached")
{
    OdfEnv env(PageTable::DEFER_PASS);
    vmspace* parent = env.space(SLOT);
    env.fill(parent, SLOT, 1);
    vmspace* child = env.fork(parent);
    const auto violations = [&] {
        InvariantReport r;
        r.set_quiet(true);
        VmCheckInput in;
        in.spaces = env.live.data();
        in.nspaces = env.live.size();
        in.account = &env.commit;
        vm_check(env.mem.pages, in, r);
        return r.violations();
    };
    REQUIRE(violations() == 0);
    arch::Pte& e = env.l1_entry(child, BASE);
    REQUIRE(PageTable::pending(e));
    e.raw |= arch::pte::V; // the child's MMU would reach writable shared leaves
    CHECK(violations() >= 1);
    e.raw &= ~arch::pte::V;
    const PhysAddr t(env.leaf_table(child, BASE));
    env.src.share_count(t)++; // a pending entry is a sharer like any other
    CHECK(violations() == 1);
    env.src.share_count(t)--;
    CHECK(violations() == 0);
    env.check_baseline();
}

TEST_CASE("odf pending: a fork that fails for a table page leaves the parent's entries valid or "
          "pending, nothing leaked; the parent's pages read and write back")
{
    FailReset reset;
    OdfEnv env(PageTable::DEFER_PASS);
    const uint64_t len = 2 * SLOT;
    vmspace* parent = env.space(len);
    env.fill(parent, len, 1);
    CHECK(env.fork_failing_each_table_page(parent, len) == 2); // the child's root, its level-1 table
    // The successful fork's child is gone: a pending entry comes back with
    // its W, one fault a table.
    env.faults = 0;
    for (uint64_t va = BASE; va < BASE + len; va += PG) env.write(parent, va, value_of(va, 2));
    CHECK(env.faults == 2);
    for (uint64_t va = BASE; va < BASE + len; va += 61 * PG) CHECK(env.read(parent, va) == value_of(va, 2));
    env.check_baseline();
}
