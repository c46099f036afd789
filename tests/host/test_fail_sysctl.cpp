// The fail sites as the running kernel exposes them: the debug.fail
// sysctls (root-only writes, EINVAL for bad values, read-only counters),
// the vm.zone.<name>.inuse nodes, the fail.<site>= boot switch; and the
// ptpage site failing a mapping's new tables level by level.
#include <doctest/doctest.h>

#include "console_capture.h"
#include "pt_test_source.h"

#include <arch/host_arena.h>
#include <kernel/cmdline.h>
#include <kernel/sysctl/fail_sysctl.h>
#include <kernel/sysctl/sysctl.h>
#include <kernel/vm/zone_sysctl.h>
#include <mm/fail_point.h>
#include <mm/page_alloc.h>
#include <mm/pagetable.h>
#include <mm/zone.h>

#include <memory>

namespace {

struct SiteReset {
    SiteReset() { fail_sites_reset(); }
    ~SiteReset() { fail_sites_reset(); }
};

} // namespace

TEST_CASE("debug.fail: root sets a site, others get EPERM, bad values EINVAL, counters are read-only")
{
    SiteReset reset;
    auto reg = std::make_unique<SysctlRegistry>();
    REQUIRE(fail_sysctl_register(*reg).ok());
    CHECK(reg->find("debug.fail.page.nth")->oid_len == 4);
    CHECK(reg->write("debug.fail.page.nth", 3, false).error() == Errno::Perm);
    CHECK(fail_site(FailSite::Page).nth == 0);
    CHECK(reg->write("debug.fail.pid", 5, false).error() == Errno::Perm);
    CHECK(reg->write("debug.fail.page.nth", -1, true).error() == Errno::Inval);
    CHECK(reg->write("debug.fail.zone.probability", 1000001, true).error() == Errno::Inval);
    CHECK(reg->write("debug.fail.page.count", 0, true).error() == Errno::Perm);

    REQUIRE(reg->write("debug.fail.kstack.nth", 2, true).ok());
    CHECK(reg->read("debug.fail.kstack.nth").value() == 2);
    const int count = reg->read("debug.fail.kstack.count").value();
    const int injected = reg->read("debug.fail.kstack.injected").value();
    CHECK(!fail_site_hit(FailSite::KStack));
    CHECK(fail_site_hit(FailSite::KStack));
    CHECK(reg->read("debug.fail.kstack.count").value() == count + 2);
    CHECK(reg->read("debug.fail.kstack.injected").value() == injected + 1);
    CHECK(reg->read("debug.fail.kstack.nth").value() == 0); // fired once, off again

    REQUIRE(reg->write("debug.fail.commit.every", 2, true).ok());
    CHECK(!fail_site_hit(FailSite::Commit));
    CHECK(fail_site_hit(FailSite::Commit));
    REQUIRE(reg->write("debug.fail.commit.every", 0, true).ok());
    CHECK(!fail_site_hit(FailSite::Commit));
    CHECK(!fail_site_hit(FailSite::Commit));
    // Every site has its six nodes, and the pid filter its one.
    for (const char* site : {"page", "zone", "kmalloc", "ptpage", "kstack", "commit"})
        for (const char* leaf : {"nth", "every", "probability", "seed", "count", "injected"}) {
            const std::string name = std::string("debug.fail.") + site + "." + leaf;
            CAPTURE(name);
            CHECK(reg->find(name.c_str()) != nullptr);
        }
    CHECK(reg->size() == 6 * 6 + 1);
}

TEST_CASE("vm.zone.<name>.inuse: every zone alive, its objects in use")
{
    HostArena arena(PhysAddr(0x80000000), 64 * arch::PAGE_SIZE);
    PageAllocator pages;
    const PhysRange all = arena.range();
    REQUIRE(pages.init(&all, 1, nullptr, 0).ok());
    Zone z("failtest-zone", 48, 8, pages);
    auto reg = std::make_unique<SysctlRegistry>();
    REQUIRE(zone_sysctl_register(*reg).ok());
    const SysctlNode* n = reg->find("vm.zone.failtest-zone.inuse");
    REQUIRE(n);
    CHECK(n->oid_len == 4);
    CHECK(SysctlRegistry::value_of(*n) == 0);
    void* a = z.alloc().value();
    void* b = z.alloc().value();
    CHECK(SysctlRegistry::value_of(*n) == 2);
    z.free(a);
    CHECK(SysctlRegistry::value_of(*n) == 1);
    z.free(b);
    CHECK(reg->write("vm.zone.failtest-zone.inuse", 0, true).error() == Errno::Perm);
    size_t zones = 0;
    for (Zone* q = Zone::first(); q; q = q->next()) zones++;
    CHECK(reg->size() == zones);
    z.drain();
}

TEST_CASE("fail.<site>= on the command line arms the sites; a malformed switch is reported and ignored")
{
    SiteReset reset;
    credtest::ConsoleCapture cap;
    CmdLine cl;
    REQUIRE(cl.parse("fail.page=nth:37 fail.zone=every:5,seed:3,probability:250 fail.pid=12 "
                     "fail.nosuch=nth:1 fail.kstack=often fail.kmalloc=nth:-1 fail.ptpage")
                .ok());
    fail_boot_switches(cl);
    CHECK(fail_site(FailSite::Page).nth == 37);
    CHECK(fail_site(FailSite::Zone).every == 5);
    CHECK(fail_site(FailSite::Zone).seed == 3);
    CHECK(fail_site(FailSite::Zone).probability == 250);
    CHECK(fail_sites_pid_filter() == 12);
    CHECK(fail_site(FailSite::KStack).nth == 0);
    CHECK(fail_site(FailSite::Kmalloc).nth == 0);
    CHECK(cap.count("fail: ignoring") == 4);
    CHECK(cap.count("fail.nosuch") == 1);
    CHECK(cap.count("fail: fail.page=nth:37 armed") == 1);
    CHECK(fail_apply_switch("page", "every:0,nth:0").ok());
    CHECK(fail_site(FailSite::Page).nth == 0);
    CHECK(fail_apply_switch("page", "nth").error() == Errno::Inval);
    CHECK(fail_apply_switch("page", "").error() == Errno::Inval);
}

// A user mapping at a fresh address needs a level-1 and a level-0 table:
// failing either leaves no table and no leaf behind.
TEST_CASE("ptpage site: each new table of a mapping failed in turn unwinds the mapping")
{
    SiteReset reset;
    HostArena arena(PhysAddr(0x80000000), 64 * arch::PAGE_SIZE);
    ArenaPtSource src(arena);
    PageTable kernel = PageTable::create_kernel(src).release_value();
    PageTable user = PageTable::create_user(src, 1, kernel).release_value();
    const VirtAddr va(0x40000000);
    const PhysAddr pa(0x80020000);
    const uint64_t perms = arch::pte::R | arch::pte::W | arch::pte::U;
    const size_t tables = src.in_use();
    for (int n = 1; n <= 2; n++) {
        CAPTURE(n);
        REQUIRE(fail_site_set(FailSite::PtPage, FailSetting::Nth, n));
        Result<TlbFlush> r = user.map(va, pa, 2 * arch::PAGE_SIZE, perms);
        fail_sites_reset();
        CHECK(!r.ok());
        CHECK(r.error() == Errno::NoMem);
        CHECK(src.in_use() == tables);
        CHECK(!user.lookup(va));
    }
    const uint32_t seen = fail_site(FailSite::PtPage).count;
    user.map(va, pa, 2 * arch::PAGE_SIZE, perms).value().execute();
    CHECK(fail_site(FailSite::PtPage).count == seen + 2);
    CHECK(src.in_use() == tables + 2);
    user.destroy().execute();
    kernel.destroy().execute();
}
