// The sysctl registry, and the pid allocator's kern.lastpid / kern.randompid.
#include <doctest/doctest.h>

#include <kernel/proc/pid.h>
#include <kernel/random.h>
#include <kernel/sysctl/sysctl.h>

#include <cstdio>
#include <string>

namespace {

struct EmptyTable final : ProcIdTable {
    pid_t first_unused(pid_t from, pid_t) override { return from; }
};

Result<int> only_even(int v)
{
    if (v % 2 != 0)
        return Errno::Inval;
    return v;
}

} // namespace

TEST_CASE("sysctl: read and write a plain node")
{
    SysctlRegistry reg;
    int v = 7;
    SysctlNode n;
    n.name = "kern.test";
    n.flags = CTLFLAG_RW;
    n.value = &v;
    REQUIRE(reg.add(n).ok());
    CHECK(reg.read("kern.test").value() == 7);
    Result<int> old = reg.write("kern.test", 9, false); // no CTLFLAG_ROOTWR
    REQUIRE(old.ok());
    CHECK(old.value() == 7);
    CHECK(v == 9);
    CHECK(reg.read("kern.test").value() == 9);
    v = 11; // the node reads the variable itself
    CHECK(reg.read("kern.test").value() == 11);
}

TEST_CASE("sysctl: errors are FreeBSD's: ENOENT, EPERM, EPERM")
{
    SysctlRegistry reg;
    int ro = 1, rootw = 2;
    SysctlNode a;
    a.name = "kern.ro";
    a.flags = CTLFLAG_RD;
    a.value = &ro;
    SysctlNode b;
    b.name = "kern.rootw";
    b.flags = CTLFLAG_RW | CTLFLAG_ROOTWR;
    b.value = &rootw;
    REQUIRE(reg.add(a).ok());
    REQUIRE(reg.add(b).ok());

    CHECK(reg.read("kern.nope").error() == Errno::NoEnt);
    CHECK(reg.write("kern.nope", 1, true).error() == Errno::NoEnt);
    CHECK(reg.read("kern").error() == Errno::NoEnt); // prefixes are not names
    CHECK(reg.write("kern.ro", 5, true).error() == Errno::Perm);
    CHECK(reg.write("kern.ro", 5, false).error() == Errno::Perm);
    CHECK(ro == 1);
    CHECK(reg.write("kern.rootw", 5, false).error() == Errno::Perm);
    CHECK(rootw == 2);
    CHECK(reg.read("kern.rootw").value() == 2); // anyone may read
    CHECK(reg.write("kern.rootw", 5, true).ok());
    CHECK(rootw == 5);
}

TEST_CASE("sysctl: a write handler transforms or refuses")
{
    SysctlRegistry reg;
    int v = 0;
    SysctlNode n;
    n.name = "kern.even";
    n.flags = CTLFLAG_RW;
    n.value = &v;
    n.handler = only_even;
    REQUIRE(reg.add(n).ok());
    CHECK(reg.write("kern.even", 4, false).ok());
    CHECK(v == 4);
    CHECK(reg.write("kern.even", 5, false).error() == Errno::Inval);
    CHECK(v == 4);
}

TEST_CASE("sysctl: add checks names, duplicates, numeric names and capacity")
{
    SysctlRegistry reg;
    int v = 0;
    SysctlNode bad;
    CHECK(reg.add(bad).error() == Errno::Inval); // no name
    bad.name = "kern.x";
    CHECK(reg.add(bad).error() == Errno::Inval); // no value
    bad.value = &v;
    CHECK(reg.add(bad).error() == Errno::Inval); // neither RD nor WR

    SysctlNode n;
    n.name = "kern.maxproc";
    n.flags = CTLFLAG_RD;
    n.value = &v;
    n.oid[0] = 1; // CTL_KERN
    n.oid[1] = 6; // KERN_MAXPROC
    n.oid_len = 2;
    REQUIRE(reg.add(n).ok());
    CHECK(reg.add(n).error() == Errno::Exist);
    SysctlNode same_oid = n;
    same_oid.name = "kern.other";
    CHECK(reg.add(same_oid).error() == Errno::Exist);
    // A leaf's number cannot also start a subtree, nor a subtree's a leaf.
    SysctlNode below = same_oid;
    below.oid[2] = 0x100;
    below.oid_len = 3;
    CHECK(reg.add(below).error() == Errno::Exist);
    SysctlNode above = same_oid;
    above.oid_len = 1;
    CHECK(reg.add(above).error() == Errno::Exist);
    const int oid[2] = {1, 6};
    REQUIRE(reg.find(oid, 2) != nullptr);
    CHECK(std::string(reg.find(oid, 2)->name) == "kern.maxproc");
    CHECK(reg.find(oid, 1) == nullptr);

    static char names[SysctlRegistry::MAX_NODES][16];
    for (size_t i = reg.size(); i < SysctlRegistry::MAX_NODES; i++) {
        snprintf(names[i], sizeof(names[i]), "t.n%zu", i);
        SysctlNode m;
        m.name = names[i];
        m.flags = CTLFLAG_RD;
        m.value = &v;
        REQUIRE(reg.add(m).ok());
    }
    SysctlNode last;
    last.name = "t.full";
    last.flags = CTLFLAG_RD;
    last.value = &v;
    CHECK(reg.add(last).error() == Errno::NoMem);
    CHECK(reg.size() == SysctlRegistry::MAX_NODES);
}

TEST_CASE("sysctl: kern.lastpid follows the allocator and is read-only")
{
    ChaChaRng rng;
    PidAllocator pids(rng);
    SysctlRegistry reg;
    REQUIRE(pid_sysctl_register(reg, pids).ok());
    CHECK(reg.read("kern.lastpid").value() == 0);
    EmptyTable t;
    Result<PidChoice> c = pids.choose(PidRange::Normal, t);
    REQUIRE(c.ok());
    CHECK(reg.read("kern.lastpid").value() == 0); // chosen, not committed
    pids.commit(c.value());
    CHECK(reg.read("kern.lastpid").value() == 1);
    CHECK(reg.write("kern.lastpid", 500, true).error() == Errno::Perm);
    CHECK(pids.lastpid() == 1);
    // Registering twice is refused.
    CHECK(pid_sysctl_register(reg, pids).error() == Errno::Exist);
}

TEST_CASE("sysctl: kern.randompid is root-only and clamped by its handler")
{
    ChaChaRng rng;
    PidAllocator pids(rng);
    SysctlRegistry reg;
    REQUIRE(pid_sysctl_register(reg, pids).ok());
    CHECK(reg.read("kern.randompid").value() == 0);
    CHECK(reg.write("kern.randompid", 1000, false).error() == Errno::Perm);
    CHECK(pids.randompid() == 0);

    // (written, read back): the seed's clamping with PID_MAX - 100 = 99899.
    const std::pair<int, int> cases[] = {
        {1000, 1000}, {-5, 99899}, {200000, 99899}, {1, 0}, {2, 100}, {99, 100}, {0, 0},
    };
    for (auto [w, want] : cases) {
        REQUIRE(reg.write("kern.randompid", w, true).ok());
        CHECK(reg.read("kern.randompid").value() == want);
        CHECK(pids.randompid() == want);
    }
    // Once set, the allocator uses it: steps from lastpid + 1 of less than
    // randompid.
    REQUIRE(reg.write("kern.randompid", 100, true).ok());
    EmptyTable t;
    for (int i = 0; i < 50; i++) {
        const pid_t before = pids.lastpid();
        Result<PidChoice> c = pids.choose(PidRange::Normal, t);
        REQUIRE(c.ok());
        CHECK(c.value().pid >= before + 1);
        CHECK(c.value().pid < before + 1 + 100);
        pids.commit(c.value());
    }
}

TEST_CASE("sysctl: the kernel registry is one object")
{
    CHECK(&kernel_sysctl() == &kernel_sysctl());
}
