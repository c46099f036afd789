// The invariant checker (kernel/debug/invariants.h) over a host world: clean on
// healthy states (a COW fork with the child alive and asleep, a zombie,
// everything reaped), and each kind of corruption planted by hand is
// reported, naming the subsystem and the object, then gone again once
// undone.
#include "syscall_test_util.h"

#include <kernel/debug/invariant_report.h>
#include <kernel/debug/invariants.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/uidinfo.h>
#include <kernel/sysctl/sysctl.h>
#include <mm/vm_object.h>
#include <mm/zone.h>
#include <mm/zone_check.h>

#include <string>

using namespace proctest;

namespace {

// A quiet run: the count and every line.
struct Run {
    unsigned violations;
    std::string lines;
};

Run run_checker()
{
    InvariantReport r;
    r.set_quiet(true);
    std::string lines;
    r.set_sink([](const char* text, void* arg) { *static_cast<std::string*>(arg) += std::string(text) + "\n"; },
               &lines);
    (void)invariants_run(r);
    return {r.violations(), lines};
}

// Plants a corruption, expects the checker to name it, undoes it, expects
// a clean run again.
template <typename Plant, typename Undo>
void expect_caught(const char* what, Plant plant, Undo undo)
{
    const std::string name = what;
    CAPTURE(name);
    const Run before = run_checker();
    REQUIRE_MESSAGE(before.violations == 0, before.lines);
    plant();
    const Run r = run_checker();
    undo();
    CHECK(r.violations > 0);
    CHECK_MESSAGE(r.lines.find(what) != std::string::npos, r.lines);
    CHECK(run_checker().violations == 0);
}

// A forked child that writes UBUF's first page (a COW copy) and parks.
void child_writes_and_holds(thread* td)
{
    uwrite<uint64_t>(UBUF, 0xc0ffee);
    hold();
    ucall(td, SYS_exit, {0});
}

PhysAddr page_at(vmspace* vm, uint64_t va)
{
    const vm_map_entry* e = vm->vm_map.lookup(va);
    REQUIRE(e);
    REQUIRE(e->object);
    PhysAddr pa;
    REQUIRE(vm_object_page_lookup(e->object, (va - e->start + e->offset) / PG, &pa));
    return pa;
}

} // namespace

TEST_CASE("invariants: a world with a COW fork, a sleeping child, a zombie: no violations")
{
    SysWorld s;
    g_released = false;
    UserModeScope um(child_writes_and_holds);
    CHECK(run_checker().violations == 0);
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    run_others();
    proc* child = proc_table().pfind(static_cast<pid_t>(r.a0));
    REQUIRE(child);
    CHECK(child->p_thread->td_state == ThreadState::Inhibited);
    const Run live = run_checker();
    CHECK_MESSAGE(live.violations == 0, live.lines);
    release();
    run_others();
    CHECK(child->p_state == ProcState::Zombie);
    const Run zombie = run_checker();
    CHECK_MESSAGE(zombie.violations == 0, zombie.lines);
    REQUIRE(ucall(SYS_wait4, {r.a0, 0, 0, 0}).ok());
    const Run reaped = run_checker();
    CHECK_MESSAGE(reaped.violations == 0, reaped.lines);
}

TEST_CASE("invariants: each planted corruption is reported")
{
    SysWorld s;
    g_released = false;
    UserModeScope um(child_writes_and_holds);
    uwrite<uint64_t>(UBUF + PG, 1); // resident, then shared COW by the fork
    const UResult fr = ucall(SYS_fork);
    REQUIRE(fr.ok());
    run_others();
    proc* child = proc_table().pfind(static_cast<pid_t>(fr.a0));
    REQUIRE(child);
    vmspace* vm0 = proc0.p_vmspace;

    const PhysAddr shared = page_at(vm0, UBUF + PG);
    CHECK(s.w.pages.ref_count(shared) == 2);
    expect_caught("page", [&] { s.w.pages.ref(shared); }, [&] { (void)s.w.pages.unref(shared); });

    vm_object* obj = vm0->vm_map.lookup(UBUF)->object;
    expect_caught("object", [&] { obj->ref_count++; }, [&] { obj->ref_count--; });
    // An index node's references must be its parents: one too many would
    // leak it (and everything under it) when the last index lets go.
    PhysAddr root;
    obj->pages.visit([&](PhysAddr n) { if (!root.value()) root = n; return false; },
                     [](uint64_t, PhysAddr) {});
    REQUIRE(root.value());
    expect_caught("index slots point at it", [&] { s.w.pages.ref(root); },
                  [&] { (void)s.w.pages.unref(root); });
    expect_caught("vmspace", [&] { child->p_vmspace->vm_refcnt++; },
                  [&] { child->p_vmspace->vm_refcnt--; });
    expect_caught("bytes reserved", [] { kernel_commit().reserve_force(PG); },
                  [] { kernel_commit().release(PG); });
    expect_caught("charged", [&] { vm0->vm_charged += PG; }, [&] { vm0->vm_charged -= PG; });

    // A translation the map knows nothing about, and one made writable
    // on a page still shared copy-on-write.
    const VirtAddr stray(UBUF + 64 * PG);
    expect_caught("outside every entry",
                  [&] { vm0->vm_pmap.enter(stray, shared, VM_PROT_READ).value().execute(); },
                  [&] { vm0->vm_pmap.remove(stray, PG).execute(); });
    expect_caught("shared copy-on-write",
                  [&] {
                      vm0->vm_pmap.enter(VirtAddr(UBUF + PG), shared, VM_PROT_READ | VM_PROT_WRITE)
                          .value()
                          .execute();
                  },
                  [&] { vm0->vm_pmap.remove(VirtAddr(UBUF + PG), PG).execute(); });

    // A page table whose valid-entry count disagrees with its entries.
    uint16_t& root_count = vm0->vm_zone->pt_pages->valid_count(vm0->vm_pmap.table().root());
    expect_caught("valid entries, holds", [&] { root_count++; }, [&] { root_count--; });

    expect_caught("missing from its parent",
                  [&] { proc0.p_children.remove(child); },
                  [&] { proc0.p_children.push_front(child); });
    expect_caught("missing from the members",
                  [&] { child->p_pgrp->pg_members.remove(child); },
                  [&] { child->p_pgrp->pg_members.push_back(child); });
    expect_caught("nprocs", [&] { proc_table().allproc().remove(child); },
                  [&] { proc_table().allproc().push_back(child); });
    uidinfo* uip = child->p_ucred->cr_ruidinfo;
    expect_caught("counts", [&] { uip->ui_proccnt++; }, [&] { uip->ui_proccnt--; });
    session* sess = child->p_pgrp->pg_session;
    expect_caught("session", [&] { sess->s_count++; }, [&] { sess->s_count--; });
    thread* td = child->p_thread;
    expect_caught("but was charged", [&] { td->td_rux.rux_uticks++; }, [&] { td->td_rux.rux_uticks--; });
    expect_caught("on no run queue", [&] { td->td_state = ThreadState::RunQ; },
                  [&] { td->td_state = ThreadState::Inhibited; });

    release();
    run_others();
    REQUIRE(ucall(SYS_wait4, {fr.a0, 0, 0, 0}).ok());
    CHECK(run_checker().violations == 0);
}

TEST_CASE("invariants: a zone's free list: a write after free, a bad link, a double entry")
{
    ProcWorld w;
    Zone z("planted", 64, 8, w.pages);
    void* a = z.alloc().value();
    void* b = z.alloc().value();
    void* c = z.alloc().value();
    z.free(b);
    auto* words = static_cast<uint64_t*>(b);
    const uint64_t link = words[0], trash = words[3];

    expect_caught("modified after free", [&] { words[3] = 7; }, [&] { words[3] = trash; });
    expect_caught("not an object of it", [&] { words[0] = reinterpret_cast<uint64_t>(a) + 8; },
                  [&] { words[0] = link; });
    // b linked to itself: a cycle the walk must end.
    expect_caught("longer than", [&] { words[0] = reinterpret_cast<uint64_t>(b); },
                  [&] { words[0] = link; });
    // b, free, marked in use again (as a lost free would leave it).
    auto* slab = static_cast<Slab*>(w.pages.page_of(arch::virt_to_phys(b))->owner);
    expect_caught("marked in use", [&] { slab->alloc_bits()[0] |= 2; },
                  [&] { slab->alloc_bits()[0] &= ~uint64_t{2}; });

    InvariantReport r;
    r.set_quiet(true);
    zone_check(z, r);
    CHECK(r.violations() == 0);
    z.free(a);
    z.free(c);
}

TEST_CASE("invariants: debug.invariants.check runs the checker for root only; violations reads the count")
{
    ProcWorld w;
    SysctlRegistry reg;
    REQUIRE(invariants_sysctl_register(reg).ok());
    CHECK(reg.write("debug.invariants.check", 1, false).error() == Errno::Perm);
    CHECK(reg.write("debug.invariants.violations", 0, true).error() == Errno::Perm);
    CHECK(reg.write("debug.invariants.check", 3, true).error() == Errno::Inval);
    REQUIRE(reg.write("debug.invariants.check", 1, true).ok());
    CHECK(reg.read("debug.invariants.violations").value() == 0);

    // A uid count one too high: found, counted, and the next clean run
    // sets the count back to 0.
    uidinfo* uip = proc0.p_ucred->cr_ruidinfo;
    uip->ui_proccnt++;
    REQUIRE(reg.write("debug.invariants.check", 1, true).ok());
    CHECK(reg.read("debug.invariants.violations").value() == 1);
    uip->ui_proccnt--;
    REQUIRE(reg.write("debug.invariants.check", 1, true).ok());
    CHECK(reg.read("debug.invariants.violations").value() == 0);

    // 2: the zones give their cached empty slabs back first.
    Zone z("cached", 128, 8, w.pages);
    z.free(z.alloc().value());
    CHECK(z.pages_in_use() == z.pages_per_slab()); // the emptied slab, kept
    REQUIRE(reg.write("debug.invariants.check", 2, true).ok());
    CHECK(z.pages_in_use() == 0);
    CHECK(reg.read("debug.invariants.violations").value() == 0);
}
