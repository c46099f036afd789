// The kernel-wide fail sites (mm/fail_point.h), swept over the system
// calls and faults a user program makes: for each operation and each site,
// count the allocations the operation makes there, then fail exactly the
// Nth for N = 1..count.  Each failure must reach the caller as its errno
// (ENOMEM, or EAGAIN for a fork), and leave every count where it was:
// objects of every zone, pages, page-table pages, kernel stacks, the
// commit charge, nprocs and the uid's process count.  The guest program
// user/tests/failtest.cpp does the same in the running kernel through the
// debug.fail sysctls.
#include "elf_test_util.h"
#include "syscall_test_util.h"

#include <abi/mman.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/uidinfo.h>
#include <kernel/proc/ucred.h>
#include <kernel/vm/vm_trap.h>
#include <mm/fail_point.h>
#include <mm/zone.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace proctest;

namespace {

constexpr uint64_t MAPPED = 0x5000000; // anonymous memory the fault cases touch
constexpr uint64_t FRESH = 0x6000000;  // where mmap puts new mappings

// Every count a failed operation must leave unchanged.
struct Baseline {
    Counts counts;
    uint64_t pt_pages;
    std::map<std::string, size_t> zones;
    long ui_proccnt;

    static Baseline take(const ProcWorld& w)
    {
        Baseline b{settled_counts(w), w.src.in_use(), {}, thread0.td_ucred->cr_ruidinfo->ui_proccnt};
        w.km->drain();
        b.counts = w.counts();
        for (Zone* z = Zone::first(); z; z = z->next()) b.zones[z->name()] += z->objects_in_use();
        return b;
    }
    void check_same(const Baseline& now) const
    {
        CHECK_COUNTS(now.counts, counts);
        CHECK(now.pt_pages == pt_pages);
        CHECK(now.ui_proccnt == ui_proccnt);
        for (const auto& [name, n] : zones) {
            CAPTURE(name);
            CHECK(now.zones.at(name) == n);
        }
    }
};

// The counted stretch of an operation: opened and closed by the operation
// itself (inside a child when the child makes the call).
struct Window {
    FailSite site = FailSite::Page;
    int nth = 0; // 0: count only
    uint32_t seen = 0, injected = 0;
    bool open = false;
};
Window g_win;

void window_begin()
{
    FailSiteState& s = fail_site(g_win.site);
    g_win.seen = s.count;
    g_win.injected = s.injected;
    g_win.open = true;
    if (g_win.nth) REQUIRE(fail_site_set(g_win.site, FailSetting::Nth, g_win.nth));
}

void window_end()
{
    fail_sites_reset();
    FailSiteState& s = fail_site(g_win.site);
    g_win.seen = s.count - g_win.seen;
    g_win.injected = s.injected - g_win.injected;
    g_win.open = false;
}

UResult counted_call(thread* td, int code, std::initializer_list<uint64_t> args)
{
    window_begin();
    UResult r = ucall(td, code, args);
    window_end();
    return r;
}

// The outcome of one run: the call's errno (Ok when it succeeded).
struct Op {
    const char* name;
    std::function<Errno()> run;         // setup, the counted call, and undoing its success
    std::vector<Errno> errors; // what an injected failure may give
};

void child_exits_0(thread* td) { ucall(td, SYS_exit, {0}); }

// fork and its relatives from proc0: the child (which exits at once) is
// reaped after the window, by proc0 or, for RFNOWAIT, by init.
Errno fork_op(int code, int flags)
{
    const UResult r = code == SYS_rfork ? counted_call(&thread0, code, {uint64_t(flags)})
                                        : counted_call(&thread0, code, {});
    if (!r.ok()) return r.err;
    const auto pid = static_cast<pid_t>(r.a0);
    if (flags & RFNOWAIT) {
        run_others();
        ProcWorld::reap_orphans();
    } else if (pid) {
        wait_for(pid);
    }
    return Errno::Ok;
}

Errno mmap_op(bool fixed_over)
{
    const int prot = PROT_READ | PROT_WRITE;
    const int flags = MAP_ANON | MAP_PRIVATE | (fixed_over ? MAP_FIXED : 0);
    const uint64_t at = fixed_over ? MAPPED : FRESH;
    const UResult r = counted_call(&thread0, SYS_mmap,
                                   {at, 4 * PG, uint64_t(prot), uint64_t(flags),
                                    uint64_t(-1), 0});
    if (!fixed_over) {
        if (r.ok()) CHECK(ucall(SYS_munmap, {r.a0, 4 * PG}).ok());
        return r.err;
    }
    // A MAP_FIXED that fails may have unmapped the range already (POSIX
    // allows it, FreeBSD does it): the old mapping is made again, as it
    // was, for the leak check and the next run.
    CHECK(vmspace_unmap(proc0.p_vmspace, MAPPED, 4 * PG).ok());
    REQUIRE(vmspace_map_anon(proc0.p_vmspace, MAPPED, 4 * PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    return r.err;
}

Errno pipe_op()
{
    const UResult r = counted_call(&thread0, SYS_pipe, {});
    if (!r.ok()) return r.err;
    CHECK(ucall(SYS_close, {r.a0}).ok());
    CHECK(ucall(SYS_close, {r.a1}).ok());
    return Errno::Ok;
}

// A write fault on a page of MAPPED: a zero fill on an untouched page; a
// copy when a child holds the page too.
Errno fault_op(bool cow)
{
    proc* holder = nullptr;
    if (cow) holder = spawn([](void*) {
        hold();
        exit1(curthread(), 0);
    });
    window_begin();
    const Errno e = vm_fault_user_access(MAPPED, VM_PROT_WRITE);
    window_end();
    if (holder) {
        release();
        wait_for(holder->p_pid);
        g_released = false;
    }
    // Next run starts from an untouched (or again shared) page.
    CHECK(vmspace_unmap(proc0.p_vmspace, MAPPED, 4 * PG).ok());
    REQUIRE(vmspace_map_anon(proc0.p_vmspace, MAPPED, 4 * PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    if (cow) REQUIRE(vm_fault_user_access(MAPPED, VM_PROT_WRITE) == Errno::Ok);
    return e;
}

std::string g_image;
Errno g_exec_error;
Errno exec_op()
{
    proc* child = spawn([](void*) {
        thread* td = curthread();
        static const char* const argv[] = {"prog", nullptr};
        const ExecArgs a{"/bin/prog", g_image.data(), g_image.size(), argv, nullptr};
        window_begin();
        g_exec_error = kern_execve(td, a);
        window_end();
        exit1(td, 0);
    });
    wait_for(child->p_pid);
    return g_exec_error;
}

std::vector<Op> operations()
{
    constexpr auto NOMEM = Errno::NoMem;
    constexpr auto AGAIN = Errno::Again;
    return {
        {"fork", [] { return fork_op(SYS_fork, RFFDG | RFPROC); }, {NOMEM, AGAIN}},
        {"vfork", [] { return fork_op(SYS_vfork, 0); }, {NOMEM, AGAIN}},
        {"rfork(RFPROC|RFMEM)", [] { return fork_op(SYS_rfork, RFPROC | RFMEM); }, {NOMEM, AGAIN}},
        {"rfork(RFPROC|RFCFDG)", [] { return fork_op(SYS_rfork, RFPROC | RFCFDG); }, {NOMEM, AGAIN}},
        {"rfork(RFPROC), shared table", [] { return fork_op(SYS_rfork, RFPROC); }, {NOMEM, AGAIN}},
        {"rfork(RFPROC|RFSIGSHARE|RFFDG)",
         [] { return fork_op(SYS_rfork, RFPROC | RFSIGSHARE | RFFDG); }, {NOMEM, AGAIN}},
        {"rfork(RFPROC|RFTHREAD|RFFDG)",
         [] { return fork_op(SYS_rfork, RFPROC | RFTHREAD | RFFDG); }, {NOMEM, AGAIN}},
        {"rfork(RFPROC|RFNOWAIT|RFFDG)",
         [] { return fork_op(SYS_rfork, RFPROC | RFNOWAIT | RFFDG); }, {NOMEM, AGAIN}},
        {"rfork(RFCFDG), no RFPROC", [] { return fork_op(SYS_rfork, RFCFDG); }, {NOMEM}},
        {"execve", exec_op, {NOMEM}},
        {"mmap(MAP_ANON)", [] { return mmap_op(false); }, {NOMEM}},
        {"mmap(MAP_ANON|MAP_FIXED) over a mapping", [] { return mmap_op(true); }, {NOMEM}},
        // ENFILE: FreeBSD's answer when a pipe or its files cannot be made.
        {"pipe", pipe_op, {NOMEM, Errno::NFile}},
        {"zero-fill fault", [] { return fault_op(false); }, {NOMEM}},
        {"COW fault", [] { return fault_op(true); }, {NOMEM}},
    };
}

bool one_of(Errno e, const std::vector<Errno>& list)
{
    for (Errno x : list)
        if (x == e) return true;
    return false;
}

} // namespace

TEST_CASE("fail sites: every allocation of every operation, failed in turn, gives the errno and leaks nothing")
{
    SysWorld s;
    UserModeScope um(child_exits_0);
    g_image = elftest::ElfBuilder().bytes();
    REQUIRE(vmspace_map_anon(proc0.p_vmspace, MAPPED, 4 * PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    unsigned swept = 0;
    for (const Op& op : operations()) {
        for (unsigned site = 0; site < FAIL_SITES; site++) {
            const std::string where = std::string(op.name) + ", site " + fail_site_name(FailSite(site));
            CAPTURE(where);
            g_win = Window{FailSite(site)};
            // A first run warms the caches (a zone's first slab), a second counts.
            REQUIRE(op.run() == Errno::Ok);
            REQUIRE(op.run() == Errno::Ok);
            const uint32_t count = g_win.seen;
            CHECK(g_win.injected == 0);
            for (uint32_t n = 1; n <= count; n++) {
                CAPTURE(n);
                const Baseline before = Baseline::take(s.w);
                g_win = Window{FailSite(site), int(n)};
                const Errno e = op.run();
                const int err = static_cast<int>(e);
                CAPTURE(err);
                CHECK(g_win.injected == 1);
                CHECK(one_of(e, op.errors));
                if (e == Errno::Ok) continue; // already reported; its effects were undone
                before.check_same(Baseline::take(s.w));
                swept++;
            }
        }
    }
    // Every operation allocates: the sweep is not empty.
    CHECK(swept > 100);
    MESSAGE("allocations failed in turn: ", swept);
    CHECK(vmspace_unmap(proc0.p_vmspace, MAPPED, 4 * PG).ok());
}

TEST_CASE("fail sites: nth fails once, every fails each kth, probability follows its seed")
{
    fail_sites_reset();
    FailSiteState& s = fail_site(FailSite::Zone);
    const uint32_t injected = s.injected;
    REQUIRE(fail_site_set(FailSite::Zone, FailSetting::Nth, 3));
    bool got[6];
    for (bool& g : got) g = fail_site_hit(FailSite::Zone);
    CHECK((!got[0] && !got[1] && got[2] && !got[3] && !got[4] && !got[5]));
    CHECK(s.nth == 0); // once
    REQUIRE(fail_site_set(FailSite::Zone, FailSetting::Every, 2));
    for (bool& g : got) g = fail_site_hit(FailSite::Zone);
    CHECK((!got[0] && got[1] && !got[2] && got[3] && !got[4] && got[5]));
    fail_sites_reset();
    CHECK(s.injected == injected + 4);

    auto draw = [&](int seed) {
        REQUIRE(fail_site_set(FailSite::Zone, FailSetting::Seed, seed));
        REQUIRE(fail_site_set(FailSite::Zone, FailSetting::Probability, 250000));
        std::string pattern;
        for (int i = 0; i < 400; i++) pattern += fail_site_hit(FailSite::Zone) ? '1' : '0';
        fail_sites_reset();
        return pattern;
    };
    const std::string a = draw(7), b = draw(7), c = draw(8);
    CHECK(a == b);
    CHECK(a != c);
    const auto ones = std::count(a.begin(), a.end(), '1');
    CHECK(ones > 60); // about 100 of 400
    CHECK(ones < 140);

    CHECK(!fail_site_set(FailSite::Zone, FailSetting::Nth, -1));
    CHECK(!fail_site_set(FailSite::Zone, FailSetting::Probability, 1000001));
    CHECK(fail_site_by_name("kstack") == FailSite::KStack);
    CHECK(fail_site_by_name("nosuch") == FailSite::Count_);
}

TEST_CASE("fail sites: the pid filter lets only that process's allocations be seen")
{
    fail_sites_reset();
    static int current = 5;
    fail_sites_set_current_pid([] { return current; });
    FailSiteState& s = fail_site(FailSite::Page);
    fail_sites_set_pid_filter(7);
    REQUIRE(fail_site_set(FailSite::Page, FailSetting::Nth, 1));
    const uint32_t seen = s.count;
    CHECK(!fail_site_hit(FailSite::Page)); // pid 5: not seen
    CHECK(s.count == seen);
    current = 7;
    CHECK(fail_site_hit(FailSite::Page));
    CHECK(s.count == seen + 1);
    fail_sites_reset();
    fail_sites_set_current_pid(nullptr);
}

// A process must be able to die whatever memory is left: posting SIGKILL,
// exit1 and the zombie's reaping allocate nothing at any site (so no
// injected or real shortage can keep a killed process alive).
TEST_CASE("fail sites: SIGKILL posted, exit and wait4 make no allocation")
{
    SysWorld s;
    fail_sites_reset();
    uint32_t before[FAIL_SITES];
    for (bool kill : {false, true}) {
        CAPTURE(kill);
        auto total = [] {
            uint64_t n = 0;
            for (unsigned i = 0; i < FAIL_SITES; i++) n += fail_site(FailSite(i)).count;
            return n;
        };
        const uint64_t before_fork = total();
        proc* p = spawn([](void*) {
            hold();
            exit1(curthread(), 0);
        });
        run_others(); // parked in hold()
        CHECK(total() > before_fork); // the counters are live: the fork was seen
        const pid_t pid = p->p_pid;
        for (unsigned i = 0; i < FAIL_SITES; i++) before[i] = fail_site(FailSite(i)).count;
        if (kill) psignal(p, SIGKILL);
        release();
        wait_for(pid);
        g_released = false;
        for (unsigned i = 0; i < FAIL_SITES; i++) {
            const std::string site = fail_site_name(FailSite(i));
            CAPTURE(site);
            CHECK(fail_site(FailSite(i)).count == before[i]);
        }
    }
}
