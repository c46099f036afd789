// __sysctl(2) through the dispatcher: FreeBSD's numeric names and the
// name-to-number lookup ({0, 3}), number to name ({0, 2}) and the walk
// ({0, 1}); the oldp/oldlenp/newp/newlen rules (the length alone, ENOMEM
// with the length needed, EPERM for writes without privilege or to
// read-only nodes, EINVAL, EFAULT, ENOENT); the kern.proc records a ps
// reads, a zombie and a vfork parent among them.
#include "syscall_test_util.h"

#include <abi/sysctl.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/proc/pid.h>
#include <kernel/sysctl/sysctl.h>
#include <kernel/vm/vm_sysctl.h>
#include <mm/kmem.h>
#include <mm/zero_pool.h>

#include <cstring>
#include <vector>

using namespace proctest;

namespace {

// Where the calls keep their arguments in user memory.
constexpr uint64_t NAME = UBUF;
constexpr uint64_t OLDLEN = UBUF + 0x80;
constexpr uint64_t NEWP = UBUF + 0x100;
constexpr uint64_t OLD = UBUF + 0x200;
constexpr size_t OLD_SIZE = UBUF_PAGES * PG - 0x200;

// The tests' own free-page count: the registry outlives each world.
const PageAllocator* g_pages = nullptr;
int test_free_count(const void*) { return static_cast<int>(g_pages->free_pages()); }

// The kernel's nodes in kernel_sysctl(), as proc_startup adds them (once
// for the whole test run: the registry is a global without removal).
void register_kernel_nodes(const PageAllocator& pages)
{
    g_pages = &pages;
    SysctlRegistry& r = kernel_sysctl();
    if (r.find("kern.lastpid")) return;
    REQUIRE(pid_sysctl_register(r, pid_allocator()).ok());
    REQUIRE(fork_limits().sysctl_register(r).ok());
    REQUIRE(fork_stats_sysctl_register(r).ok());
    REQUIRE(vm_stats_sysctl_register(r).ok());
    SysctlNode n;
    n.name = "vm.stats.vm.v_free_count";
    n.flags = CTLFLAG_RD;
    n.get = test_free_count;
    REQUIRE(r.add(n).ok());
}

struct SysctlWorld : SysWorld {
    SysctlWorld() { register_kernel_nodes(w.pages); }
};

// __sysctl(name, namelen, oldp, oldlenp, newp, newlen) with the name and
// *oldlenp (if oldlen >= 0) written to user memory first.
UResult sysctl(thread* td, const std::vector<int>& name, uint64_t oldp, int64_t oldlen,
               uint64_t newp = 0, size_t newlen = 0)
{
    for (size_t i = 0; i < name.size(); i++) uwrite<int>(NAME + 4 * i, name[i]);
    if (oldlen >= 0) uwrite<size_t>(OLDLEN, static_cast<size_t>(oldlen));
    return ucall(td, SYS___sysctl,
                 {NAME, name.size(), oldp, oldlen >= 0 ? OLDLEN : 0, newp, newlen});
}

size_t oldlen_now() { return uread<size_t>(OLDLEN); }

// The value of an integer node by number, or the errno negated.
int64_t read_int(thread* td, const std::vector<int>& oid)
{
    const UResult r = sysctl(td, oid, OLD, 4);
    if (!r.ok()) return -static_cast<int64_t>(r.err);
    CHECK(oldlen_now() == 4);
    return uread<int>(OLD);
}

std::vector<int> name2oid(thread* td, const char* name, size_t len)
{
    for (size_t i = 0; i < len; i++) uwrite<char>(NEWP + i, name[i]);
    const UResult r = sysctl(td, {CTL_UNSPEC, CTL_SYSCTL_NAME2OID}, OLD, CTL_MAXNAME * 4, NEWP, len);
    if (!r.ok()) return {-static_cast<int>(r.err)};
    std::vector<int> oid(oldlen_now() / 4);
    for (size_t i = 0; i < oid.size(); i++) oid[i] = uread<int>(OLD + 4 * i);
    return oid;
}

std::vector<int> name2oid(thread* td, const char* name) { return name2oid(td, name, strlen(name)); }

} // namespace

TEST_CASE("__sysctl: names to numbers ({0, 3}): FreeBSD's fixed numbers, Sprig's from 0x100, ENOENT otherwise")
{
    SysctlWorld s;
    thread* td = &thread0;
    CHECK(name2oid(td, "kern.maxproc") == std::vector<int>{1, 6});
    CHECK(name2oid(td, "kern.maxprocperuid") == std::vector<int>{1, 28});
    CHECK(name2oid(td, "kern.lastpid") == std::vector<int>{1, 0x100});
    CHECK(name2oid(td, "kern.randompid") == std::vector<int>{1, 0x101});
    CHECK(name2oid(td, "kern.proc.all") == std::vector<int>{1, 14, 0});
    CHECK(name2oid(td, "vm.stats.vm.v_forks") == std::vector<int>{2, 0x101, 0x100, 0x100});
    CHECK(name2oid(td, "vm.stats.vm.v_free_count") == std::vector<int>{2, 0x101, 0x100, 0x10c});
    CHECK(name2oid(td, "kern.lastpid", sizeof "kern.lastpid") == std::vector<int>{1, 0x100}); // NUL included
    const int noent = -static_cast<int>(Errno::NoEnt);
    CHECK(name2oid(td, "kern.nope") == std::vector<int>{noent});
    CHECK(name2oid(td, "kern") == std::vector<int>{noent});
    CHECK(name2oid(td, "") == std::vector<int>{noent});
    std::string longname(200, 'k');
    CHECK(name2oid(td, longname.c_str()) == std::vector<int>{-static_cast<int>(Errno::NameTooLong)});
    // Every kernel node has a number.
    for (const SysctlNode& n : kernel_sysctl()) {
        CAPTURE(n.name);
        CHECK(n.oid_len >= 2);
    }
}

TEST_CASE("__sysctl: reading integers by number; the length alone with oldp NULL; ENOMEM with the length needed")
{
    SysctlWorld s;
    thread* td = &thread0;
    CHECK(read_int(td, {CTL_KERN, KERN_MAXPROC}) == fork_limits().maxproc());
    CHECK(read_int(td, {CTL_KERN, KERN_MAXPROCPERUID}) == fork_limits().maxprocperuid());
    CHECK(read_int(td, {CTL_VM, 0x101, 0x100, 0x10c}) == static_cast<int64_t>(s.w.pages.free_pages()));

    // kern.lastpid follows fork; v_forks counts it.
    const int64_t forks = read_int(td, name2oid(td, "vm.stats.vm.v_forks"));
    proc* c = spawn([](void*) { exit1(curthread(), 0); });
    CHECK(read_int(td, {CTL_KERN, 0x100}) == c->p_pid);
    CHECK(wait_for(c->p_pid) == 0);
    CHECK(read_int(td, name2oid(td, "vm.stats.vm.v_forks")) == forks + 1);

    // Only the length.
    UResult r = sysctl(td, {CTL_KERN, KERN_MAXPROC}, 0, 0);
    CHECK(r.ok());
    CHECK(oldlen_now() == sizeof(int));
    // A short buffer: what fits is copied, ENOMEM, and the length needed.
    uwrite<int>(OLD, -1);
    r = sysctl(td, {CTL_KERN, KERN_MAXPROC}, OLD, 2);
    CHECK(r.err == Errno::NoMem);
    CHECK(oldlen_now() == sizeof(int));
    const int maxproc = fork_limits().maxproc();
    CHECK(uread<uint16_t>(OLD) == static_cast<uint16_t>(maxproc));
    CHECK(uread<uint16_t>(OLD + 2) == 0xffff); // untouched
    // oldp without oldlenp is a buffer of length 0.
    CHECK(sysctl(td, {CTL_KERN, KERN_MAXPROC}, OLD, -1).err == Errno::NoMem);
    // Neither: nothing asked, nothing done.
    CHECK(sysctl(td, {CTL_KERN, KERN_MAXPROC}, 0, -1).ok());
}

TEST_CASE("__sysctl: writes: root may set kern.randompid (old value returned); EPERM for others and for read-only nodes; EINVAL for a short value")
{
    SysctlWorld s;
    thread* td = &thread0;
    const std::vector<int> randompid = {CTL_KERN, 0x101};
    const int64_t old = read_int(td, randompid);
    uwrite<int>(NEWP, 50);
    UResult r = sysctl(td, randompid, OLD, 4, NEWP, 4);
    CHECK(r.ok());
    CHECK(uread<int>(OLD) == old);
    CHECK(read_int(td, randompid) == 100); // FreeBSD's "make it reasonable"
    CHECK(pid_allocator().randompid() == 100);
    uwrite<int>(NEWP, 0);
    CHECK(sysctl(td, randompid, 0, -1, NEWP, 4).ok());
    CHECK(read_int(td, randompid) == 0);

    CHECK(sysctl(td, {CTL_KERN, KERN_MAXPROC}, 0, -1, NEWP, 4).err == Errno::Perm);
    CHECK(sysctl(td, {CTL_KERN, 14, 0}, 0, -1, NEWP, 4).err == Errno::Perm);
    CHECK(sysctl(td, randompid, 0, -1, NEWP, 2).err == Errno::Inval);
    CHECK(sysctl(td, randompid, 0, -1, BAD, 4).err == Errno::Fault);
    CHECK(run_in_child([](thread* ctd) {
              CHECK(ucall(ctd, SYS_setuid, {1000}).ok());
              uwrite<int>(NEWP, 500);
              CHECK(sysctl(ctd, {CTL_KERN, 0x101}, OLD, 4, NEWP, 4).err == Errno::Perm);
              CHECK(read_int(ctd, {CTL_KERN, 0x101}) == 0); // reading is for everyone
          }) == 0);
    CHECK(read_int(td, randompid) == 0);
}

TEST_CASE("__sysctl: EINVAL for a name of fewer than 2 or more than 24 parts; ENOENT; EFAULT for each pointer")
{
    SysctlWorld s;
    thread* td = &thread0;
    uwrite<int>(NAME, CTL_KERN);
    uwrite<int>(NAME + 4, KERN_MAXPROC);
    uwrite<size_t>(OLDLEN, 4);
    for (uint64_t len : {0ul, 1ul, 25ul, 1000ul})
        CHECK(ucall(td, SYS___sysctl, {NAME, len, OLD, OLDLEN, 0, 0}).err == Errno::Inval);
    CHECK(sysctl(td, {CTL_KERN, 9999}, OLD, 4).err == Errno::NoEnt);
    CHECK(sysctl(td, {7, 1}, OLD, 4).err == Errno::NoEnt);
    CHECK(sysctl(td, {CTL_KERN, KERN_MAXPROC, 1}, OLD, 4).err == Errno::NoEnt);
    CHECK(sysctl(td, {CTL_UNSPEC, 99}, OLD, 4).err == Errno::NoEnt);
    uwrite<int>(NAME, CTL_KERN); // kern.maxproc again
    uwrite<int>(NAME + 4, KERN_MAXPROC);
    uwrite<size_t>(OLDLEN, 4);
    CHECK(ucall(td, SYS___sysctl, {NAME, 2, OLD, OLDLEN, 0, 0}).ok());
    CHECK(ucall(td, SYS___sysctl, {BAD, 2, OLD, OLDLEN, 0, 0}).err == Errno::Fault);
    CHECK(ucall(td, SYS___sysctl, {NAME, 2, BAD, OLDLEN, 0, 0}).err == Errno::Fault);
    CHECK(ucall(td, SYS___sysctl, {NAME, 2, OLD, BAD, 0, 0}).err == Errno::Fault);
    CHECK(ucall(td, SYS___sysctl, {NAME, 2, OLD, reinterpret_cast<uint64_t>(&s), 0, 0}).err == Errno::Fault);
}

TEST_CASE("__sysctl: numbers to names ({0, 2}) and the walk over every node ({0, 1})")
{
    SysctlWorld s;
    thread* td = &thread0;
    auto name_of = [&](std::vector<int> oid) {
        oid.insert(oid.begin(), {CTL_UNSPEC, CTL_SYSCTL_NAME});
        const UResult r = sysctl(td, oid, OLD, 128);
        if (!r.ok()) return std::string("E") + std::to_string(static_cast<int>(r.err));
        std::string n(oldlen_now(), '\0');
        for (size_t i = 0; i < n.size(); i++) n[i] = uread<char>(OLD + i);
        CHECK(n.back() == '\0');
        return std::string(n.c_str());
    };
    CHECK(name_of({1, 6}) == "kern.maxproc");
    CHECK(name_of({1, 14, 0}) == "kern.proc.all");
    CHECK(name_of({2, 0x101, 0x100, 0x100}) == "vm.stats.vm.v_forks");
    CHECK(name_of({1, 77}) == "E2");

    auto next = [&](std::vector<int> oid) {
        oid.insert(oid.begin(), {CTL_UNSPEC, CTL_SYSCTL_NEXT});
        const UResult r = sysctl(td, oid, OLD, CTL_MAXNAME * 4);
        if (!r.ok()) return std::vector<int>{-static_cast<int>(r.err)};
        std::vector<int> n(oldlen_now() / 4);
        for (size_t i = 0; i < n.size(); i++) n[i] = uread<int>(OLD + 4 * i);
        return n;
    };
    CHECK(next({1}) == std::vector<int>{1, 6});
    CHECK(next({1, 6}) == std::vector<int>{1, 28});
    CHECK(next({1, 28}) == std::vector<int>{1, 0x100});
    CHECK(next({1, 0x101}) == std::vector<int>{2, 0x101, 0x100, 0x100});
    // From the start to the end: each node once, in order.
    std::vector<int> at = {0};
    size_t seen = 0;
    for (;;) {
        std::vector<int> n = next(at);
        if (n.size() == 1) {
            CHECK(n[0] == -static_cast<int>(Errno::NoEnt));
            break;
        }
        CHECK(at < n);
        at = n;
        seen++;
        REQUIRE(seen <= kernel_sysctl().size());
    }
    CHECK(seen == kernel_sysctl().size());
}

namespace {

UResult g_ps_result;
size_t g_ps_len;

// A vfork child reads the process list while its parent waits for it.
void ps_in_vfork_child(thread* td)
{
    g_ps_result = sysctl(td, {CTL_KERN, KERN_PROC, KERN_PROC_ALL}, OLD, static_cast<int64_t>(OLD_SIZE));
    g_ps_len = oldlen_now();
    ucall(td, SYS_exit, {0});
}

} // namespace

TEST_CASE("__sysctl: kern.proc.all: one kinfo_proc per process in pid order, zombies and the vfork parent's wait included")
{
    SysctlWorld s;
    UserModeScope um(ps_in_vfork_child);
    proc* zombie = spawn([](void*) { exit1(curthread(), W_EXITCODE(3, 0)); });
    run_others();
    const UResult v = ucall(SYS_vfork);
    REQUIRE(v.ok());
    const auto child = static_cast<pid_t>(v.a0);
    REQUIRE(g_ps_result.ok());
    REQUIRE(g_ps_len == 4 * sizeof(kinfo_proc)); // proc0, init, the zombie, the vfork child
    kinfo_proc k[4];
    for (unsigned i = 0; i < 4; i++) k[i] = uread<kinfo_proc>(OLD + i * sizeof(kinfo_proc));
    for (const kinfo_proc& kp : k) CHECK(kp.ki_structsize == sizeof(kinfo_proc));
    CHECK(k[0].ki_pid == 0);
    CHECK(k[0].ki_stat == SSLEEP);
    CHECK(std::string(k[0].ki_wmesg) == KI_WMESG_PPWAIT); // waiting for its vfork child
    CHECK(std::string(k[0].ki_comm) == std::string(proc0.p_comm));
    CHECK(k[1].ki_pid == 1);
    CHECK(k[1].ki_ppid == 0);
    CHECK(k[2].ki_pid == zombie->p_pid);
    CHECK(k[2].ki_stat == SZOMB);
    CHECK(std::string(k[2].ki_wmesg) == "");
    CHECK(k[3].ki_pid == child);
    CHECK(k[3].ki_ppid == 0);
    CHECK(k[3].ki_stat == SRUN); // it was running the sysctl
    CHECK((k[3].ki_flag & KI_P_PPWAIT) != 0);
    CHECK((k[0].ki_flag & KI_P_PPWAIT) == 0);
    for (const kinfo_proc& kp : k) {
        CHECK(kp.ki_pgid == 0);
        CHECK(kp.ki_sid == 0);
        CHECK(kp.ki_uid == 0);
        CHECK(kp.ki_wmesg[WMESGLEN] == '\0');
        CHECK(kp.ki_comm[COMMLEN] == '\0');
    }
    CHECK(wait_for(child) == 0);
    CHECK(wait_for(zombie->p_pid) == W_EXITCODE(3, 0));

    // One process by pid; ESRCH for none; EINVAL for forms Sprig lacks.
    UResult r = sysctl(&thread0, {CTL_KERN, KERN_PROC, KERN_PROC_PID, 1}, OLD, sizeof(kinfo_proc));
    CHECK(r.ok());
    CHECK(oldlen_now() == sizeof(kinfo_proc));
    CHECK(uread<kinfo_proc>(OLD).ki_pid == 1);
    CHECK(sysctl(&thread0, {CTL_KERN, KERN_PROC, KERN_PROC_PID, 4242}, OLD, sizeof(kinfo_proc)).err ==
          Errno::Srch);
    CHECK(sysctl(&thread0, {CTL_KERN, KERN_PROC, 7}, OLD, sizeof(kinfo_proc)).err == Errno::Inval);
    // The size alone, then a buffer too small for two records.
    CHECK(sysctl(&thread0, {CTL_KERN, KERN_PROC, KERN_PROC_ALL}, 0, 0).ok());
    CHECK(oldlen_now() == 2 * sizeof(kinfo_proc));
    CHECK(sysctl(&thread0, {CTL_KERN, KERN_PROC, KERN_PROC_ALL}, OLD, sizeof(kinfo_proc)).err ==
          Errno::NoMem);
    CHECK(oldlen_now() == 2 * sizeof(kinfo_proc));
}

TEST_CASE("vm.stats.vm.v_free_count and v_page_count read the page allocator when asked")
{
    ProcWorld w;
    SysctlRegistry reg;
    REQUIRE(vm_page_sysctl_register(reg, w.pages).ok());
    const int free0 = reg.read("vm.stats.vm.v_free_count").value();
    CHECK(reg.read("vm.stats.vm.v_page_count").value() == static_cast<int>(w.pages.total_pages()));
    Result<PhysAddr> pg = w.pages.alloc(0);
    REQUIRE(pg.ok());
    CHECK(reg.read("vm.stats.vm.v_free_count").value() == free0 - 1);
    w.pages.free(pg.value(), 0);
    CHECK(reg.read("vm.stats.vm.v_free_count").value() == free0);
    CHECK(reg.write("vm.stats.vm.v_free_count", 5, true).error() == Errno::Perm);
    // Pages pagezero moves into its pre-zeroed pool are still free.
    {
        ZeroPool pool(w.pages, 4);
        kmem_set_zero_pool(&pool);
        REQUIRE(pool.fill_one());
        REQUIRE(pool.fill_one());
        CHECK(pool.size() == 2);
        CHECK(reg.read("vm.stats.vm.v_free_count").value() == free0);
        Result<PhysAddr> z = pool.take();
        REQUIRE(z.ok());
        CHECK(reg.read("vm.stats.vm.v_free_count").value() == free0 - 1);
        w.pages.free(z.value(), 0);
        pool.drain();
        kmem_set_zero_pool(nullptr);
    }
    // A writable node needs a variable, not a function.
    SysctlNode n;
    n.name = "vm.bad";
    n.flags = CTLFLAG_RW;
    n.get = [](const void*) { return 0; };
    CHECK(reg.add(n).error() == Errno::Inval);
}
