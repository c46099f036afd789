// vm.overcommit: the boot argument and the sysctl switch the kernel's
// commit account between counting and refusing; other values are refused.
#include <doctest/doctest.h>

#include "console_capture.h"

#include <kernel/cmdline.h>
#include <kernel/sysctl/sysctl.h>
#include <kernel/vm/vm_overcommit.h>
#include <mm/swap_reserve.h>

#include <memory>

namespace {

constexpr uint64_t MiB = 1024 * 1024;

void init_with(const char* line, CommitAccount& a)
{
    CmdLine cl;
    REQUIRE(cl.parse(line).ok());
    vm_overcommit_init(cl, a, 64 * MiB);
}

} // namespace

TEST_CASE("vm.overcommit: the boot argument makes the account strict; the limit is the users' RAM")
{
    credtest::ConsoleCapture con;
    CommitAccount a;
    init_with("", a);
    CHECK_FALSE(a.strict());
    CHECK(a.limit() == 64 * MiB);
    CHECK(vm_overcommit() == 0);
    init_with("vm.overcommit=1", a);
    CHECK(a.strict());
    CHECK(vm_overcommit() == 1);
    CHECK(a.reserve(64 * MiB));
    CHECK_FALSE(a.reserve(1)); // strict: beyond the limit is refused
    a.release(64 * MiB);
    CHECK(con.out.empty());
    for (const char* bad : {"vm.overcommit=2", "vm.overcommit=x", "vm.overcommit"}) {
        CommitAccount b;
        init_with(bad, b);
        CHECK_FALSE(b.strict());
    }
    CHECK(con.count("vm.overcommit:") == 3);
    init_with("vm.overcommit=0", a);
    CHECK_FALSE(a.strict());
    CHECK(vm_overcommit() == 0);
}

TEST_CASE("vm.overcommit: the sysctl switches modes, root only, and refuses unknown bits")
{
    CommitAccount a;
    init_with("", a);
    auto reg = std::make_unique<SysctlRegistry>();
    REQUIRE(vm_overcommit_sysctl_register(*reg).ok());
    CHECK(reg->read("vm.overcommit").value() == 0);
    CHECK(reg->write("vm.overcommit", 1, false).error() == Errno::Perm);
    CHECK_FALSE(a.strict());
    CHECK(reg->write("vm.overcommit", 1, true).value() == 0); // the old value
    CHECK(a.strict());
    CHECK(reg->read("vm.overcommit").value() == 1);
    CHECK(reg->write("vm.overcommit", 6, true).error() == Errno::Inval);
    CHECK(a.strict());
    CHECK(reg->read("vm.overcommit").value() == 1);
    CHECK(reg->write("vm.overcommit", 0, true).ok());
    CHECK_FALSE(a.strict());
}
