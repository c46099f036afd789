// User page faults and the copy-on-write fork of a map, driven through the
// strict MMU simulator: a "user access" translates through the real Sv39
// tables (A/D never set by the simulator, a TLB that forgets only on a
// flush), calls vm_fault on a page fault, runs its flush and retries, and
// then reads or writes the arena's memory.  A missing flush or a wrong
// permission shows up as a wrong value or a fault that never ends.
#include "mem_test_util.h"

#include <arch/icache_sim.h>
#include <arch/mmu_sim.h>
#include <arch/param.h>
#include <kernel/sysctl/sysctl.h>
#include <kernel/vm/vm_sysctl.h>
#include <mm/kmem.h>
#include <mm/pmap.h>
#include <mm/vm_fault.h>
#include <mm/vm_map.h>
#include <mm/vm_map_fork.h>
#include <mm/vm_object.h>
#include <mm/vmspace.h>
#include <mm/zero_pool.h>

#include <memory>
#include <string.h>

using namespace memtest;

namespace {

constexpr uint64_t UMIN = 0x10000;
constexpr vm_prot_t RW = VM_PROT_READ | VM_PROT_WRITE;

// One address space: a map, its pmap, and the hart that runs it.
struct Space {
    VmMap map;
    Pmap pmap;

    Space(VmMapEntryZone& entries, PtPageSource& src, PageTable& kernel, uint16_t asid)
        : map(entries, UMIN, arch::USER_TOP),
          pmap(Pmap::create(src, kernel, asid).release_value())
    {
    }
};

struct VmEnv {
    MemEnv mem{0x80000000, 16 * MiB};
    PageAllocatorPtSource src{mem.pages};
    PageTable kernel = PageTable::create_kernel(src).release_value();
    VmMapEntryZone entries{"vm_map_entry", mem.pages};
    VmObjectZone objects{"vm_object", mem.pages};
    MmuSim sim;
    uint64_t pages0 = 0;
    // access() tries vm_fault_quick before vm_fault, as the trap does;
    // false: vm_fault alone (its own cases and errors).
    bool quick = true;

    VmEnv() { pages0 = mem.pages.pages_in_use(); }
    ~VmEnv() { kernel.destroy().execute(); }

    // The hart switches to s (satp; a full flush, as with no ASIDs).
    void run(Space& s)
    {
        sim.set_satp(s.pmap.table().root(), s.pmap.asid());
        sim.flush_all();
    }

    // A user access at va through the hart's current table; on a page
    // fault, fault(va, access) and one retry (one fault must be enough: a
    // second would mean a stale TLB entry or a wrong permission).  Returns
    // the fault's error, or Ok once the access went through.
    template <typename Fault>
    Errno access_with(Fault fault, uint64_t va, Access a, uint64_t* value)
    {
        for (int tries = 0; tries < 2; tries++) {
            const SimResult r = sim.translate(VirtAddr(va), a, Priv::User);
            if (r.ok()) {
                auto* p = static_cast<uint64_t*>(arch::phys_to_virt(r.pa));
                if (a == Access::Write)
                    *p = *value;
                else
                    *value = *p;
                return Errno::Ok;
            }
            const vm_prot_t want = a == Access::Write   ? VM_PROT_WRITE
                                   : a == Access::Read ? VM_PROT_READ
                                                       : VM_PROT_EXECUTE;
            Result<TlbFlush> f = fault(VirtAddr(va), want);
            if (!f.ok()) return f.error();
            f.value().execute();
        }
        FAIL("the access still faults after the fault handler mapped it");
        return Errno::Fault;
    }
    Errno access(Space& s, uint64_t va, Access a, uint64_t* value)
    {
        return access_with(
            [&](VirtAddr at, vm_prot_t want) -> Result<TlbFlush> {
                if (IntrOff off; quick && vm_fault_quick(s.map, s.pmap, at, want)) return TlbFlush();
                return vm_fault(s.map, s.pmap, objects, at, want);
            },
            va, a, value);
    }
    uint64_t read(Space& s, uint64_t va)
    {
        uint64_t v = ~uint64_t{0};
        REQUIRE(access(s, va, Access::Read, &v) == Errno::Ok);
        return v;
    }
    void write(Space& s, uint64_t va, uint64_t v) { REQUIRE(access(s, va, Access::Write, &v) == Errno::Ok); }

    void map_anon(Space& s, uint64_t start, uint64_t end, vm_prot_t prot = RW,
                  VmInherit inh = VmInherit::Copy)
    {
        REQUIRE(s.map.insert(start, end, nullptr, 0, prot, VM_PROT_ALL, inh).ok());
    }
    // Tears a space down as exit does: translations, then the map.
    void destroy(Space& s)
    {
        s.pmap.destroy().execute();
        while (vm_map_entry* e = s.map.entries().front())
            REQUIRE(s.map.remove(e->start, e->end).ok());
    }
    // Everything given back: entries, objects, pages (zones drained).
    void check_baseline()
    {
        CHECK(entries.objects_in_use() == 0);
        CHECK(objects.objects_in_use() == 0);
        entries.zone().drain();
        objects.zone().drain();
        CHECK(mem.pages.pages_in_use() == pages0);
    }
};

} // namespace

TEST_CASE("vm_fault: first touch zero-fills; the page is then read and written in place")
{
    VmEnv env;
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    env.map_anon(s, 0x100000, 0x104000);
    const VmFaultStats st0 = vm_fault_stats();
    CHECK(env.read(s, 0x101008) == 0);
    CHECK(vm_fault_stats().v_zfod == st0.v_zfod + 1);
    env.write(s, 0x101008, 0xfeed);
    CHECK(env.read(s, 0x101008) == 0xfeed);
    env.write(s, 0x103ff8, 7);
    CHECK(vm_fault_stats().v_zfod == st0.v_zfod + 2);
    // A user page: U set, never G, A and D set from the start.
    const Translation t = s.pmap.extract(VirtAddr(0x101000));
    CHECK((t.flags & arch::pte::U) != 0);
    CHECK((t.flags & arch::pte::G) == 0);
    CHECK((t.flags & (arch::pte::A | arch::pte::D)) == (arch::pte::A | arch::pte::D));
    env.destroy(s);
    env.check_baseline();
}

TEST_CASE("vm_fault: a first touch takes a pre-zeroed page from the pool, else clears one")
{
    VmEnv env;
    ZeroPool pool(env.mem.pages, 2);
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    env.map_anon(s, 0x100000, 0x104000);
    env.write(s, 0x103000, 1); // the object and the table pages, made now
    REQUIRE(pool.fill_one());
    REQUIRE(pool.fill_one());
    kmem_set_zero_pool(&pool);
    const uint64_t calls = env.mem.pages.alloc_calls();
    env.write(s, 0x100008, 5);
    CHECK(env.read(s, 0x100000) == 0);
    CHECK(env.read(s, 0x100ff8) == 0);
    CHECK(pool.hits() == 1);
    CHECK(pool.size() == 1);
    env.write(s, 0x101000, 6);
    CHECK(pool.hits() == 2);
    CHECK(pool.size() == 0);
    CHECK(env.mem.pages.alloc_calls() == calls); // both from the pool
    // Empty pool: a page cleared on the spot (a dirty page freed first, so
    // that a clean one is not there by chance).
    const PhysAddr dirty = env.mem.pages.alloc().value();
    memset(arch::phys_to_virt(dirty), 0xa5, PG);
    env.mem.pages.free(dirty);
    env.write(s, 0x102010, 7);
    CHECK(env.mem.pages.alloc_calls() == calls + 2);
    CHECK(env.read(s, 0x102000) == 0);
    CHECK(env.read(s, 0x102ff8) == 0);
    CHECK(pool.hits() == 2);
    kmem_set_zero_pool(nullptr);
    env.destroy(s);
    env.check_baseline();
}

TEST_CASE("vm_fault: no entry is EFAULT; an access the entry forbids is EACCES")
{
    VmEnv env;
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    env.map_anon(s, 0x100000, 0x101000, VM_PROT_READ);
    uint64_t v = 1;
    CHECK(env.access(s, 0x200000, Access::Read, &v) == Errno::Fault);
    CHECK(env.access(s, 0x100000, Access::Write, &v) == Errno::Acces);
    CHECK(env.access(s, 0x100000, Access::Execute, &v) == Errno::Acces);
    CHECK(env.read(s, 0x100000) == 0);
    // Mapped read-only now, still no write.
    CHECK(env.access(s, 0x100000, Access::Write, &v) == Errno::Acces);
    env.destroy(s);
    env.check_baseline();
}

TEST_CASE("vm_fault: mprotect takes write away from mapped pages, and faults respect it")
{
    VmEnv env;
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    env.map_anon(s, 0x100000, 0x102000);
    env.write(s, 0x100000, 5);
    env.write(s, 0x101000, 6);
    REQUIRE(s.map.protect(0x101000, 0x102000, VM_PROT_READ).ok());
    s.pmap.protect(VirtAddr(0x101000), 0x1000, VM_PROT_READ).execute();
    uint64_t v = 9;
    CHECK(env.access(s, 0x101000, Access::Write, &v) == Errno::Acces);
    CHECK(env.read(s, 0x101000) == 6);
    env.write(s, 0x100000, 8); // the other page is still writable
    CHECK(env.read(s, 0x100000) == 8);
    env.destroy(s);
    env.check_baseline();
}

TEST_CASE("fork: private pages are shared read-only, and a write on either side copies")
{
    VmEnv env;
    Space parent(env.entries, env.src, env.kernel, 1);
    env.run(parent);
    env.map_anon(parent, 0x100000, 0x108000);
    for (uint64_t i = 0; i < 8; i++) env.write(parent, 0x100000 + i * PG, 100 + i);
    const uint64_t pages_before_fork = env.mem.pages.pages_in_use();

    Space child(env.entries, env.src, env.kernel, 2);
    vm_map_fork(parent.map, &parent.pmap, child.map, env.objects).value().execute();
    // Nothing copied at fork: the child's object holds the same pages.
    CHECK(env.mem.pages.pages_in_use() - pages_before_fork < 8);
    const VmFaultStats st0 = vm_fault_stats();

    // Both read the same data.
    env.run(child);
    for (uint64_t i = 0; i < 8; i++) CHECK(env.read(child, 0x100000 + i * PG) == 100 + i);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults);
    // The child writes page 0: copied, invisible to the parent.
    env.write(child, 0x100000, 555);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 1);
    env.run(parent);
    CHECK(env.read(parent, 0x100000) == 100);
    // The parent writes page 1: copied too, invisible to the child.
    env.write(parent, 0x101000, 777);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 2);
    env.run(child);
    CHECK(env.read(child, 0x101000) == 101);
    // Page 0 is the parent's alone now (the child has its copy): its write
    // takes the page back without copying.
    env.run(parent);
    env.write(parent, 0x100000, 1000);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 2);
    CHECK(vm_fault_stats().v_cow_optim == st0.v_cow_optim + 1);
    env.run(child);
    CHECK(env.read(child, 0x100000) == 555);

    env.destroy(child);
    // The parent's pages are its own again, every one of them.
    for (uint64_t i = 2; i < 8; i++) {
        env.run(parent);
        env.write(parent, 0x100000 + i * PG, i);
    }
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 2);
    env.destroy(parent);
    env.check_baseline();
}

TEST_CASE("vm_fault: a write to a page no longer shared raises the PTE's permission in place")
{
    VmEnv env;
    Space parent(env.entries, env.src, env.kernel, 1);
    env.run(parent);
    env.map_anon(parent, 0x100000, 0x102000);
    env.write(parent, 0x100000, 41);
    env.write(parent, 0x101000, 42);
    {
        Space child(env.entries, env.src, env.kernel, 2);
        vm_map_fork(parent.map, &parent.pmap, child.map, env.objects).value().execute();
        env.destroy(child);
    }
    env.run(parent);
    CHECK(env.read(parent, 0x100000) == 41); // the read-only entry is now cached
    const Translation before = parent.pmap.extract(VirtAddr(0x100000));
    const Translation other = parent.pmap.extract(VirtAddr(0x101000));
    REQUIRE(before);
    REQUIRE(!(before.flags & arch::pte::W));
    const VmFaultStats st0 = vm_fault_stats();
    const uint64_t calls = env.mem.pages.alloc_calls();
    const uint64_t in_use = env.mem.pages.pages_in_use();

    Result<TlbFlush> f = vm_fault(parent.map, parent.pmap, env.objects, VirtAddr(0x100008),
                                  VM_PROT_WRITE);
    REQUIRE(f.ok());
    // One page flush, naming the page: no whole-space flush, no table freed.
    CHECK(!f.value().whole_space());
    CHECK(f.value().deferred_frees() == 0);
    REQUIRE(f.value().page_count() == 1);
    CHECK(f.value().page(0) == VirtAddr(0x100000));
    // The same page, now writable (and dirty), every other bit kept.
    const Translation after = parent.pmap.extract(VirtAddr(0x100000));
    CHECK(after.pa == before.pa);
    CHECK(after.level == 0);
    CHECK(after.flags == (before.flags | arch::pte::W | arch::pte::D));
    CHECK(parent.pmap.extract(VirtAddr(0x101000)).flags == other.flags);
    CHECK(env.mem.pages.alloc_calls() == calls);
    CHECK(env.mem.pages.pages_in_use() == in_use);
    CHECK(vm_fault_stats().v_cow_optim == st0.v_cow_optim + 1);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults);
    CHECK(vm_fault_stats().v_zfod == st0.v_zfod);
    CHECK(vm_fault_stats().v_vm_faults == st0.v_vm_faults + 1);
    // Until the flush runs the TLB still holds the read-only entry: a
    // fault path that forgot the flush would fault again here.
    CHECK(env.sim.translate(VirtAddr(0x100000), Access::Write, Priv::User).why ==
          FaultWhy::NoWrite);
    f.value().execute();
    uint64_t v = 43;
    CHECK(env.access_with([](VirtAddr, vm_prot_t) -> Result<TlbFlush> { return Errno::Fault; },
                          0x100000, Access::Write, &v) == Errno::Ok);
    CHECK(env.read(parent, 0x100000) == 43);
    CHECK(env.read(parent, 0x101000) == 42);
    env.destroy(parent);
    env.check_baseline();
}

TEST_CASE("fork of a fork: three spaces share one page index; each write copies exactly once")
{
    VmEnv env;
    Space a(env.entries, env.src, env.kernel, 1);
    env.run(a);
    env.map_anon(a, 0x100000, 0x104000);
    for (uint64_t i = 0; i < 4; i++) env.write(a, 0x100000 + i * PG, 10 + i);
    Space b(env.entries, env.src, env.kernel, 2);
    Space c(env.entries, env.src, env.kernel, 3);
    const uint64_t in_use = env.mem.pages.pages_in_use();
    const uint64_t calls = env.mem.pages.alloc_calls();
    vm_map_fork(a.map, &a.pmap, b.map, env.objects).value().execute();
    vm_map_fork(b.map, nullptr, c.map, env.objects).value().execute();
    // No page, index node or table page taken by either fork (the objects
    // and entries come from slabs already there).
    CHECK(env.mem.pages.alloc_calls() == calls);
    CHECK(env.mem.pages.pages_in_use() == in_use);
    const VmFaultStats st0 = vm_fault_stats();

    // A read under the shared index maps the page read-only: the write
    // that follows faults again and copies.
    env.run(c);
    CHECK(env.read(c, 0x102000) == 12);
    CHECK(!(c.pmap.extract(VirtAddr(0x102000)).flags & arch::pte::W));
    env.write(c, 0x102000, 32);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 1);
    // b writes the same page: a, b and the old page are still shared
    // through a's index, so b copies too.
    env.run(b);
    env.write(b, 0x102000, 22);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 2);
    // a is the last holder of the original: its write takes it back.
    env.run(a);
    env.write(a, 0x102000, 12 + 100);
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 2);
    CHECK(vm_fault_stats().v_cow_optim == st0.v_cow_optim + 1);
    // A page first touched after the forks is each space's own.
    env.run(b);
    env.write(b, 0x100000 + 3 * PG + 8, 0); // page 3 is resident: a COW copy
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 3);

    const uint64_t want_a[] = {10, 11, 112, 13}, want_b[] = {10, 11, 22, 13},
                   want_c[] = {10, 11, 32, 13};
    for (uint64_t i = 0; i < 4; i++) {
        env.run(a);
        CHECK(env.read(a, 0x100000 + i * PG) == want_a[i]);
        env.run(b);
        CHECK(env.read(b, 0x100000 + i * PG) == want_b[i]);
        env.run(c);
        CHECK(env.read(c, 0x100000 + i * PG) == want_c[i]);
    }
    // Teardown in the middle first, then the others: all given back.
    env.destroy(b);
    env.run(a);
    for (uint64_t i = 0; i < 4; i++) CHECK(env.read(a, 0x100000 + i * PG) == want_a[i]);
    env.destroy(a);
    env.run(c);
    for (uint64_t i = 0; i < 4; i++) CHECK(env.read(c, 0x100000 + i * PG) == want_c[i]);
    env.destroy(c);
    env.check_baseline();
}

TEST_CASE("fork: shared memory stays shared, even for pages first touched after the fork")
{
    VmEnv env;
    Space parent(env.entries, env.src, env.kernel, 1);
    env.run(parent);
    env.map_anon(parent, 0x200000, 0x204000, RW, VmInherit::Share);
    env.write(parent, 0x200000, 1);
    Space child(env.entries, env.src, env.kernel, 2);
    vm_map_fork(parent.map, &parent.pmap, child.map, env.objects).value().execute();
    env.run(child);
    CHECK(env.read(child, 0x200000) == 1);
    env.write(child, 0x200000, 2);      // no copy: the parent sees it
    env.write(child, 0x203000, 3);      // first touched after the fork
    env.run(parent);
    CHECK(env.read(parent, 0x200000) == 2);
    CHECK(env.read(parent, 0x203000) == 3);
    env.write(parent, 0x202000, 4);
    env.run(child);
    CHECK(env.read(child, 0x202000) == 4);
    env.destroy(parent);
    env.run(child);
    CHECK(env.read(child, 0x203000) == 3); // the object lives on in the child
    env.destroy(child);
    env.check_baseline();
}

TEST_CASE("fork: VM_INHERIT_NONE leaves a hole; untouched private memory stays untouched")
{
    VmEnv env;
    Space parent(env.entries, env.src, env.kernel, 1);
    env.run(parent);
    env.map_anon(parent, 0x100000, 0x101000, RW, VmInherit::None);
    env.map_anon(parent, 0x300000, 0x310000); // never touched
    env.write(parent, 0x100000, 1);
    Space child(env.entries, env.src, env.kernel, 2);
    const uint64_t objects0 = env.objects.objects_in_use();
    vm_map_fork(parent.map, &parent.pmap, child.map, env.objects).value().execute();
    CHECK(env.objects.objects_in_use() == objects0); // nothing to copy
    CHECK(child.map.lookup(0x100000) == nullptr);
    REQUIRE(child.map.lookup(0x300000) != nullptr);
    CHECK(child.map.lookup(0x300000)->object == nullptr);
    env.run(child);
    uint64_t v = 0;
    CHECK(env.access(child, 0x100000, Access::Read, &v) == Errno::Fault);
    CHECK(env.read(child, 0x30f000) == 0);
    env.destroy(child);
    env.destroy(parent);
    env.check_baseline();
}

TEST_CASE("vm_fault and fork: every allocation failure is ENOMEM and a retry completes")
{
    VmEnv env;
    env.quick = false; // vm_fault's own errors (the quick path's: below)
    Space parent(env.entries, env.src, env.kernel, 1);
    env.run(parent);
    env.map_anon(parent, 0x100000, 0x102000);
    env.map_anon(parent, 0x400000, 0x401000, RW, VmInherit::Share);
    env.write(parent, 0x100000, 42);
    env.write(parent, 0x400000, 43);
    // A fault whose page, object node or page-table page cannot be had.
    long failures = 0;
    for (long n = 0;; n++) {
        env.objects.zone().drain();
        env.mem.pages.fail_after(n);
        uint64_t v = 9;
        const Errno e = env.access(parent, 0x101000, Access::Write, &v);
        env.mem.pages.fail_after(-1);
        if (e == Errno::Ok) break;
        failures++;
        CHECK(e == Errno::NoMem);
        REQUIRE(n < 10);
    }
    CHECK(failures > 0);
    CHECK(env.read(parent, 0x101000) == 9);
    // A fork whose object copy cannot be had: the child map is dropped,
    // the parent goes on with its data.
    for (long n = 0;; n++) {
        Space child(env.entries, env.src, env.kernel, 2);
        env.objects.zone().drain();
        env.entries.zone().drain();
        env.mem.pages.fail_after(n);
        Result<TlbFlush> r = vm_map_fork(parent.map, &parent.pmap, child.map, env.objects);
        env.mem.pages.fail_after(-1);
        if (r.ok()) {
            r.value().execute();
            env.run(child);
            CHECK(env.read(child, 0x100000) == 42);
            CHECK(env.read(child, 0x400000) == 43);
            env.destroy(child);
            break;
        }
        CHECK(r.error() == Errno::NoMem);
        env.destroy(child);
        env.run(parent);
        CHECK(env.read(parent, 0x100000) == 42);
        REQUIRE(n < 20);
    }
    env.run(parent);
    env.write(parent, 0x100000, 44);
    CHECK(env.read(parent, 0x100000) == 44);
    env.destroy(parent);
    env.check_baseline();
}

namespace {

// The hart switches to s as pmap_activate would: a full flush only when
// the allocator says so.  Returns whether it flushed.
bool switch_to(VmEnv& env, Space& s, AsidAllocator& asids)
{
    const bool flush = s.pmap.activate(asids);
    env.sim.set_satp(s.pmap.table().root(), s.pmap.asid());
    if (flush) env.sim.flush_all();
    return flush;
}

void end_space(VmEnv& env, Space& s, AsidAllocator& asids)
{
    env.destroy(s);
    s.pmap.release_asid(asids);
}

} // namespace

TEST_CASE("asid: spaces with ASIDs switch without flushing, and each sees its own pages")
{
    VmEnv env;
    auto asids = std::make_unique<AsidAllocator>(16);
    Space a(env.entries, env.src, env.kernel, 0), b(env.entries, env.src, env.kernel, 0);
    for (Space* s : {&a, &b}) env.map_anon(*s, 0x100000, 0x101000);
    CHECK(!switch_to(env, a, *asids));
    env.write(a, 0x100000, 0xa);
    CHECK(!switch_to(env, b, *asids));
    env.write(b, 0x100000, 0xb);
    CHECK(a.pmap.asid() != b.pmap.asid());
    const uint64_t flushes = env.sim.flushes();
    for (int i = 0; i < 4; i++) {
        CHECK(!switch_to(env, a, *asids));
        CHECK(env.read(a, 0x100000) == 0xa);
        CHECK(!switch_to(env, b, *asids));
        CHECK(env.read(b, 0x100000) == 0xb);
    }
    CHECK(env.sim.flushes() == flushes); // the TLB kept both, told apart by ASID
    end_space(env, a, *asids);
    end_space(env, b, *asids);
    CHECK(asids->in_use() == 0);
    env.check_baseline();
}

TEST_CASE("asid: without ASIDs every switch flushes, and must: a skipped flush reads the other space")
{
    VmEnv env;
    auto asids = std::make_unique<AsidAllocator>(0);
    Space a(env.entries, env.src, env.kernel, 0), b(env.entries, env.src, env.kernel, 0);
    for (Space* s : {&a, &b}) env.map_anon(*s, 0x100000, 0x101000);
    CHECK(switch_to(env, a, *asids));
    env.write(a, 0x100000, 0xa);
    CHECK(switch_to(env, b, *asids));
    env.write(b, 0x100000, 0xb);
    CHECK(switch_to(env, a, *asids));
    CHECK(env.read(a, 0x100000) == 0xa);
    // What a switch without the flush would do: b's satp, a's cached
    // translation (both are ASID 0).
    b.pmap.activate(*asids);
    env.sim.set_satp(b.pmap.table().root(), b.pmap.asid());
    CHECK(env.read(b, 0x100000) == 0xa); // stale: the reason for the rule
    end_space(env, a, *asids);
    end_space(env, b, *asids);
    env.check_baseline();
}

TEST_CASE("asid: when the ASIDs run out, a new generation flushes once and old spaces get new ASIDs")
{
    VmEnv env;
    auto asids = std::make_unique<AsidAllocator>(1); // a single user ASID
    Space a(env.entries, env.src, env.kernel, 0), b(env.entries, env.src, env.kernel, 0);
    for (Space* s : {&a, &b}) env.map_anon(*s, 0x100000, 0x101000);
    CHECK(!switch_to(env, a, *asids));
    env.write(a, 0x100000, 0xa);
    CHECK(switch_to(env, b, *asids)); // no ASID left: generation 2
    env.write(b, 0x100000, 0xb);
    CHECK(a.pmap.asid() == b.pmap.asid()); // a's is stale, to be renewed
    CHECK(switch_to(env, a, *asids)); // and again
    CHECK(env.read(a, 0x100000) == 0xa);
    CHECK(asids->rollovers() == 2);
    end_space(env, a, *asids);
    end_space(env, b, *asids);
    env.check_baseline();
}

TEST_CASE("vm.stats.vm: the fault counters are readable by name and follow the faults")
{
    VmEnv env;
    auto registry = std::make_unique<SysctlRegistry>();
    REQUIRE(vm_stats_sysctl_register(*registry).ok());
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    env.map_anon(s, 0x100000, 0x102000);
    const int zfod0 = registry->read("vm.stats.vm.v_zfod").value();
    const int faults0 = registry->read("vm.stats.vm.v_vm_faults").value();
    env.write(s, 0x100000, 1);
    env.write(s, 0x101000, 2);
    CHECK(registry->read("vm.stats.vm.v_zfod").value() == zfod0 + 2);
    CHECK(registry->read("vm.stats.vm.v_vm_faults").value() == faults0 + 2);
    CHECK(registry->read("vm.stats.vm.v_cow_faults").ok());
    CHECK(registry->write("vm.stats.vm.v_zfod", 0, true).error() == Errno::Perm);
    env.destroy(s);
    env.check_baseline();
}

namespace {

// A user access in a vmspace: as VmEnv::access, on the space's own table,
// faulting through vmspace_fault.
Errno vm_access(VmEnv& env, vmspace* vm, uint64_t va, Access a, uint64_t* value)
{
    env.sim.set_satp(vm->vm_pmap.table().root(), vm->vm_pmap.asid());
    return env.access_with(
        [vm](VirtAddr at, vm_prot_t want) { return vmspace_fault(vm, at, want); }, va, a, value);
}

} // namespace

TEST_CASE("vmspace_fork: parent and child read the same data; a write on either side stays its own")
{
    VmEnv env;
    VmspaceZone zone("vmspace", env.mem.pages);
    zone.pt_pages = &env.src;
    zone.kernel_pt = &env.kernel;
    CommitAccount commit;
    vmspace* parent = vmspace_alloc(zone, commit).value();
    REQUIRE(vmspace_map_anon(parent, 0x100000, 16 * PG, RW).ok());
    for (uint64_t i = 0; i < 16; i++) {
        uint64_t v = 1000 + i;
        REQUIRE(vm_access(env, parent, 0x100000 + i * PG, Access::Write, &v) == Errno::Ok);
    }
    env.sim.flush_all(); // both spaces run as ASID 0 here: a switch flushes
    uint64_t charged = 0;
    vmspace* child = vmspace_fork(parent, &charged).value();
    REQUIRE(commit.reserve(charged));
    CHECK(charged == 16 * PG);
    // Every page is shared until written.
    for (uint64_t i = 0; i < 16; i++) {
        uint64_t v = 0;
        env.sim.flush_all();
        REQUIRE(vm_access(env, child, 0x100000 + i * PG, Access::Read, &v) == Errno::Ok);
        CHECK(v == 1000 + i);
    }
    const uint64_t copies0 = vm_fault_stats().v_cow_faults;
    for (uint64_t i = 0; i < 16; i += 2) { // the child writes the even pages
        uint64_t v = 2000 + i;
        REQUIRE(vm_access(env, child, 0x100000 + i * PG, Access::Write, &v) == Errno::Ok);
    }
    env.sim.flush_all();
    for (uint64_t i = 1; i < 16; i += 2) { // the parent the odd ones
        uint64_t v = 3000 + i;
        REQUIRE(vm_access(env, parent, 0x100000 + i * PG, Access::Write, &v) == Errno::Ok);
    }
    CHECK(vm_fault_stats().v_cow_faults == copies0 + 16);
    for (uint64_t i = 0; i < 16; i++) {
        uint64_t pv = 0, cv = 0;
        env.sim.flush_all();
        REQUIRE(vm_access(env, parent, 0x100000 + i * PG, Access::Read, &pv) == Errno::Ok);
        env.sim.flush_all();
        REQUIRE(vm_access(env, child, 0x100000 + i * PG, Access::Read, &cv) == Errno::Ok);
        CHECK(pv == (i % 2 ? 3000 + i : 1000 + i));
        CHECK(cv == (i % 2 ? 1000 + i : 2000 + i));
    }
    vmspace_free(child);
    vmspace_free(parent);
    CHECK(commit.reserved() == 0);
    CHECK(zone.all_in_use() == 0);
    zone.drain();
    env.check_baseline(); // every page, table and node given back
}

TEST_CASE("isolation: user pages are never global, and the kernel never executes them, SUM or not")
{
    VmEnv env;
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    env.map_anon(s, 0x100000, 0x101000, VM_PROT_READ | VM_PROT_EXECUTE);
    uint64_t v = 0;
    REQUIRE(env.access(s, 0x100000, Access::Execute, &v) == Errno::Ok); // user mode may
    const Translation t = s.pmap.extract(VirtAddr(0x100000));
    CHECK((t.flags & arch::pte::G) == 0);
    CHECK((t.flags & arch::pte::U) != 0);
    for (bool sum : {false, true}) {
        env.sim.set_sum(sum);
        const SimResult r = env.sim.translate(VirtAddr(0x100000), Access::Execute, Priv::Supervisor);
        CHECK(r.fault == SimFault::Page);
        CHECK(r.why == FaultWhy::SupervisorExecU);
    }
    env.sim.set_sum(false);
    // Without SUM the kernel cannot even read it.
    CHECK(env.sim.translate(VirtAddr(0x100000), Access::Read, Priv::Supervisor).why ==
          FaultWhy::UserPageNoSum);
    env.destroy(s);
    env.check_baseline();
}

namespace {

// What a fault could have changed: the counters, the pages, one PTE.
struct FaultSnapshot {
    VmFaultStats st;
    uint64_t in_use;
    uint64_t pte_flags;
    PhysAddr pa;
    size_t resident;

    FaultSnapshot(VmEnv& env, Space& s, uint64_t va)
        : st(vm_fault_stats()), in_use(env.mem.pages.pages_in_use()),
          pte_flags(s.pmap.extract(VirtAddr(va)).flags), pa(s.pmap.extract(VirtAddr(va)).pa),
          resident(s.map.lookup(va) && s.map.lookup(va)->object
                       ? s.map.lookup(va)->object->pages.count()
                       : 0)
    {
    }
    void check_same(VmEnv& env, Space& s, uint64_t va) const
    {
        const FaultSnapshot now(env, s, va);
        CHECK(now.st.v_vm_faults == st.v_vm_faults);
        CHECK(now.st.v_zfod == st.v_zfod);
        CHECK(now.st.v_cow_faults == st.v_cow_faults);
        CHECK(now.st.v_cow_optim == st.v_cow_optim);
        CHECK(now.in_use == in_use);
        CHECK(now.pte_flags == pte_flags);
        CHECK(now.pa == pa);
        CHECK(now.resident == resident);
    }
};

bool quick(Space& s, uint64_t va, vm_prot_t access)
{
    IntrOff off; // as the trap calls it
    return vm_fault_quick(s.map, s.pmap, VirtAddr(va), access);
}

} // namespace

TEST_CASE("vm_fault_quick: declines what only vm_fault can do, changing nothing")
{
    VmEnv env;
    env.quick = false;
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    // Pages 0 and 1 of the object lie below 2 MiB, page 2 above: one
    // index leaf, two page-table leaves.
    env.map_anon(s, 0x1fe000, 0x600000);
    env.map_anon(s, 0x800000, 0x801000, VM_PROT_READ);
    // No object yet (the first touch of the entry makes it).
    const FaultSnapshot none(env, s, 0x1fe000);
    CHECK_FALSE(quick(s, 0x1fe000, VM_PROT_WRITE));
    none.check_same(env, s, 0x1fe000);
    CHECK(s.map.lookup(0x1fe000)->object == nullptr);
    env.write(s, 0x1fe000, 1);
    // No entry; an access the entry forbids.
    CHECK_FALSE(quick(s, 0x700000, VM_PROT_READ));
    CHECK_FALSE(quick(s, 0x1fe000, VM_PROT_EXECUTE));
    env.read(s, 0x800000);
    const FaultSnapshot ro(env, s, 0x800000);
    CHECK_FALSE(quick(s, 0x800000, VM_PROT_WRITE));
    ro.check_same(env, s, 0x800000);
    // The index leaf is there, the level-0 table is not: vm_fault makes it.
    const FaultSnapshot notable(env, s, 0x200000);
    CHECK_FALSE(quick(s, 0x200000, VM_PROT_WRITE));
    notable.check_same(env, s, 0x200000);
    // The table is there, the index leaf is not: pages 514 and 1025 of
    // the object share a level-0 table, not an index leaf.
    env.write(s, 0x200000, 2);
    env.read(s, 0x400000); // page 514: its table and its index leaf
    CHECK(quick(s, 0x401000, VM_PROT_READ));
    const FaultSnapshot noleaf(env, s, 0x5ff000);
    CHECK_FALSE(quick(s, 0x5ff000, VM_PROT_READ)); // page 1025
    noleaf.check_same(env, s, 0x5ff000);
    // A page-index path shared with a child: vm_fault unshares it.
    Space child(env.entries, env.src, env.kernel, 2);
    vm_map_fork(s.map, &s.pmap, child.map, env.objects).value().execute();
    env.run(s);
    const FaultSnapshot shared(env, s, 0x1ff000);
    CHECK_FALSE(quick(s, 0x1ff000, VM_PROT_WRITE));
    CHECK_FALSE(quick(s, 0x1fe000, VM_PROT_WRITE));
    shared.check_same(env, s, 0x1ff000);
    env.destroy(child);
    env.destroy(s);
    env.check_baseline();
}

TEST_CASE("vm_fault_quick: zero fill, from the pool or cleared, counted and flushed as vm_fault")
{
    VmEnv env;
    ZeroPool pool(env.mem.pages, 1);
    Space s(env.entries, env.src, env.kernel, 1);
    env.run(s);
    env.map_anon(s, 0x100000, 0x104000);
    env.write(s, 0x103000, 1); // the object, its index nodes, the tables
    REQUIRE(pool.fill_one());
    kmem_set_zero_pool(&pool);
    const VmFaultStats st0 = vm_fault_stats();
    const uint64_t in_use = env.mem.pages.pages_in_use();
    vm_object* obj = s.map.lookup(0x100000)->object;
    const size_t resident = obj->pages.count();

    REQUIRE(quick(s, 0x100010, VM_PROT_READ));
    CHECK(pool.hits() == 1);
    CHECK(vm_fault_stats().v_zfod == st0.v_zfod + 1);
    CHECK(vm_fault_stats().v_vm_faults == st0.v_vm_faults + 1);
    CHECK(obj->pages.count() == resident + 1);
    CHECK(env.mem.pages.pages_in_use() == in_use); // the pool's page was in use already
    const Translation t = s.pmap.extract(VirtAddr(0x100000));
    REQUIRE(t);
    CHECK(t.flags == (arch::pte::V | arch::pte::R | arch::pte::W | arch::pte::U |
                      arch::pte::A | arch::pte::D));
    PhysAddr in_index;
    REQUIRE(obj->pages.lookup(0, &in_index));
    CHECK(in_index == t.pa);
    CHECK(env.mem.pages.ref_count(t.pa) == 1);
    // The pool is empty: a page cleared now (a dirty one freed first, so
    // that a clean page is not there by chance).
    const PhysAddr dirty = env.mem.pages.alloc().value();
    memset(arch::phys_to_virt(dirty), 0xa5, PG);
    env.mem.pages.free(dirty);
    REQUIRE(quick(s, 0x101ff8, VM_PROT_WRITE));
    CHECK(pool.hits() == 1);
    CHECK(env.mem.pages.pages_in_use() == in_use + 1);
    CHECK(vm_fault_stats().v_zfod == st0.v_zfod + 2);
    // Both mapped through the strict simulator without another fault.
    uint64_t v = 0;
    auto no_fault = [](VirtAddr, vm_prot_t) -> Result<TlbFlush> { return Errno::Fault; };
    for (uint64_t va : {0x100000ul, 0x100ff8ul, 0x101000ul, 0x101ff8ul}) {
        v = 99;
        CHECK(env.access_with(no_fault, va, Access::Read, &v) == Errno::Ok);
        CHECK(v == 0);
    }
    kmem_set_zero_pool(nullptr);
    env.destroy(s);
    env.check_baseline();
}

TEST_CASE("vm_fault_quick: a write breaks copy-on-write or raises the PTE, and flushes the stale entry")
{
    VmEnv env;
    env.quick = false;
    Space parent(env.entries, env.src, env.kernel, 1);
    env.run(parent);
    env.map_anon(parent, 0x100000, 0x104000);
    for (uint64_t i = 0; i < 4; i++) env.write(parent, 0x100000 + i * PG, 10 + i);
    Space child(env.entries, env.src, env.kernel, 2);
    vm_map_fork(parent.map, &parent.pmap, child.map, env.objects).value().execute();
    env.run(child);
    // The child's first write unshares its index path (vm_fault) ...
    env.write(child, 0x100000, 20);
    // ... after which its pages are shared by count only: the quick path.
    CHECK(env.read(child, 0x101000) == 11); // the read-only entry is now cached
    const Translation ro = child.pmap.extract(VirtAddr(0x101000));
    REQUIRE(ro);
    CHECK(!(ro.flags & arch::pte::W));
    const VmFaultStats st0 = vm_fault_stats();
    const uint64_t in_use = env.mem.pages.pages_in_use();
    REQUIRE(quick(child, 0x101008, VM_PROT_WRITE));
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 1);
    CHECK(vm_fault_stats().v_cow_optim == st0.v_cow_optim);
    CHECK(vm_fault_stats().v_vm_faults == st0.v_vm_faults + 1);
    CHECK(env.mem.pages.pages_in_use() == in_use + 1);
    const Translation rw = child.pmap.extract(VirtAddr(0x101000));
    CHECK(rw.pa != ro.pa);
    CHECK((rw.flags & (arch::pte::W | arch::pte::D)) == (arch::pte::W | arch::pte::D));
    CHECK(env.mem.pages.ref_count(ro.pa) == 1); // the parent's alone now
    // The stale read-only entry is gone: the write goes through at once,
    // to the copy, which holds the old data.
    uint64_t v = 21;
    auto no_fault = [](VirtAddr, vm_prot_t) -> Result<TlbFlush> { return Errno::Fault; };
    CHECK(env.access_with(no_fault, 0x101000, Access::Read, &v) == Errno::Ok);
    CHECK(v == 11);
    v = 21;
    CHECK(env.access_with(no_fault, 0x101000, Access::Write, &v) == Errno::Ok);
    // A read of a page the parent still shares maps it read-only.
    REQUIRE(quick(child, 0x102000, VM_PROT_READ));
    CHECK(!(child.pmap.extract(VirtAddr(0x102000)).flags & arch::pte::W));
    CHECK(vm_fault_stats().v_cow_faults == st0.v_cow_faults + 1);

    env.run(parent);
    CHECK(env.read(parent, 0x101000) == 11);
    // The parent's page 1 is its own again: its write raises the entry in place.
    const VmFaultStats st1 = vm_fault_stats();
    const uint64_t in_use1 = env.mem.pages.pages_in_use();
    REQUIRE(quick(parent, 0x101000, VM_PROT_WRITE));
    CHECK(vm_fault_stats().v_cow_optim == st1.v_cow_optim + 1);
    CHECK(vm_fault_stats().v_cow_faults == st1.v_cow_faults);
    CHECK(env.mem.pages.pages_in_use() == in_use1);
    CHECK(parent.pmap.extract(VirtAddr(0x101000)).pa == ro.pa);
    v = 12;
    CHECK(env.access_with(no_fault, 0x101000, Access::Write, &v) == Errno::Ok);
    env.run(child);
    CHECK(env.read(child, 0x101000) == 21);
    CHECK(env.read(child, 0x102000) == 12);
    env.destroy(child);
    env.destroy(parent);
    env.check_baseline();
}

TEST_CASE("vm_fault_quick: no page to be had declines with nothing changed; vm_fault then decides")
{
    VmEnv env;
    Space parent(env.entries, env.src, env.kernel, 1);
    env.run(parent);
    env.map_anon(parent, 0x100000, 0x104000);
    env.write(parent, 0x100000, 5);
    env.write(parent, 0x101000, 6);
    Space child(env.entries, env.src, env.kernel, 2);
    vm_map_fork(parent.map, &parent.pmap, child.map, env.objects).value().execute();
    env.run(child);
    env.write(child, 0x100000, 7); // unshares the child's path
    CHECK(env.read(child, 0x101000) == 6);
    // The copy of a copy-on-write break.
    FaultSnapshot cow(env, child, 0x101000);
    env.mem.pages.fail_after(0);
    CHECK_FALSE(quick(child, 0x101000, VM_PROT_WRITE));
    env.mem.pages.fail_after(-1);
    cow.check_same(env, child, 0x101000);
    // The page of a zero fill (no pool).
    FaultSnapshot zf(env, child, 0x102000);
    env.mem.pages.fail_after(0);
    CHECK_FALSE(quick(child, 0x102000, VM_PROT_WRITE));
    env.mem.pages.fail_after(-1);
    zf.check_same(env, child, 0x102000);
    // With its allocation refused, vm_fault says ENOMEM and a retry completes.
    env.mem.pages.fail_after(0);
    uint64_t v = 8;
    Result<TlbFlush> r = vm_fault(child.map, child.pmap, env.objects, VirtAddr(0x101000),
                                  VM_PROT_WRITE);
    env.mem.pages.fail_after(-1);
    CHECK(!r.ok());
    if (!r.ok()) CHECK(r.error() == Errno::NoMem);
    CHECK(env.access(child, 0x101000, Access::Write, &v) == Errno::Ok);
    CHECK(env.read(child, 0x102000) == 0);
    env.run(parent);
    CHECK(env.read(parent, 0x101000) == 6);
    env.destroy(child);
    env.destroy(parent);
    env.check_baseline();
}

TEST_CASE("vm_fault: a page mapped executable is made visible to instruction fetch, others are not")
{
    // Zifencei: fetch does not see stores without fence.i (sync_icache).
    // Every fault that maps a page executable syncs, whichever way and
    // whatever filled the page; a fault on a data mapping never does.
    constexpr vm_prot_t RWX = RW | VM_PROT_EXECUTE;
    for (const bool use_quick : {false, true}) {
        CAPTURE(use_quick);
        VmEnv env;
        env.quick = use_quick;
        Space s(env.entries, env.src, env.kernel, 1);
        env.run(s);
        env.map_anon(s, 0x100000, 0x104000, RWX);
        env.map_anon(s, 0x200000, 0x204000, RW);
        uint64_t syncs = arch::icache_syncs();
        env.write(s, 0x100000, 1); // zero fill (the object: vm_fault)
        CHECK(arch::icache_syncs() == ++syncs);
        env.write(s, 0x101000, 2); // zero fill, the quick way when asked
        CHECK(arch::icache_syncs() == ++syncs);
        env.write(s, 0x200000, 3);
        env.write(s, 0x201000, 4);
        CHECK(arch::icache_syncs() == syncs);
        // A copy-on-write copy into the executable mapping, in the parent
        // (its first write unshares the path: vm_fault) and again (quick).
        Space child(env.entries, env.src, env.kernel, 2);
        vm_map_fork(s.map, &s.pmap, child.map, env.objects).value().execute();
        env.run(s);
        env.write(s, 0x100000, 5);
        CHECK(arch::icache_syncs() == ++syncs);
        env.write(s, 0x101000, 6);
        CHECK(arch::icache_syncs() == ++syncs);
        env.write(s, 0x201000, 7);
        CHECK(arch::icache_syncs() == syncs);
        // The child's fetch of the page it still shares.
        env.run(child);
        uint64_t v = 0;
        REQUIRE(env.access(child, 0x101000, Access::Execute, &v) == Errno::Ok);
        CHECK(v == 2);
        CHECK(arch::icache_syncs() == ++syncs);
        env.destroy(child);
        env.destroy(s);
        env.check_baseline();
    }
}
