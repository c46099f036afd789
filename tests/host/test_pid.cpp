// The seed's pid choice, branch by branch (kern_fork.c fork1, FreeBSD 8),
// against a fake process table; each TEST_CASE names the branch it covers.
// test_pid_equiv.cpp holds the kernel's choice against the seed's own walk
// (pid_seed_search.h) over random histories.
#include <doctest/doctest.h>

#include "pid_seed_search.h"

#include <kernel/proc/pid.h>
#include <kernel/proc/pid_bitmap.h>
#include <kernel/random.h>

#include <climits>
#include <deque>
#include <map>
#include <set>
#include <vector>

using seedref::ProcIds;

namespace {

// allproc and zombproc as vectors of ids (new processes at the front, as
// LIST_INSERT_HEAD puts them), with the bitmaps of the ids they hold that
// the kernel's ProcTable and PgrpTable keep; first_unused() searches
// them as the kernel's does.  queries counts the searches.
struct FakeTable final : ProcIdTable {
    std::vector<ProcIds> allproc;
    std::vector<ProcIds> zombproc;
    int queries = 0;

    pid_t first_unused(pid_t from, pid_t below) override
    {
        queries++;
        rebuild();
        const IdBitmap* maps[] = {&pids, &pgids, &sids};
        return first_clear(maps, 3, from, below);
    }
    void add(pid_t pid, pid_t pgid = 0, pid_t sid = 0)
    {
        allproc.insert(allproc.begin(), ProcIds{pid, pgid, sid});
    }
    void add_zombie(pid_t pid, pid_t pgid = 0, pid_t sid = 0)
    {
        zombproc.insert(zombproc.begin(), ProcIds{pid, pgid, sid});
    }
    bool uses(pid_t id) const
    {
        for (const auto* l : {&allproc, &zombproc})
            for (const ProcIds& p : *l)
                if (p.pid == id || p.pgid == id || p.sid == id)
                    return true;
        return false;
    }

private:
    // The bitmaps from the lists (ids held by several processes set once).
    void rebuild()
    {
        pids = pgids = sids = IdBitmap{};
        for (const auto* l : {&allproc, &zombproc})
            for (const ProcIds& p : *l) {
                mark(pids, p.pid);
                mark(pgids, p.pgid);
                mark(sids, p.sid);
            }
    }
    static void mark(IdBitmap& m, pid_t id)
    {
        if (id > 0 && id < PID_MAX && !m.test(id))
            m.set(id);
    }
    IdBitmap pids, pgids, sids;
};

// Hands out the numbers a test scripts, and counts draws.
struct ScriptedRandom final : RandomSource {
    std::deque<uint32_t> values;
    int draws = 0;
    uint32_t next_u32() override
    {
        draws++;
        REQUIRE(!values.empty());
        uint32_t v = values.front();
        values.pop_front();
        return v;
    }
};

// What fork1 does with the allocator: choose, commit, put the child on
// allproc.
pid_t fork_pid(PidAllocator& a, FakeTable& t, PidRange range = PidRange::Normal)
{
    Result<PidChoice> c = a.choose(range, t);
    REQUIRE(c.ok());
    a.commit(c.value());
    t.add(c.value().pid);
    return c.value().pid;
}

} // namespace

TEST_CASE("pid: sequential allocation from lastpid + 1, one search a fork")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(0, 0, 0); // proc0
    for (pid_t want = 1; want <= 50; want++) {
        CHECK(fork_pid(a, t) == want);
        CHECK(a.lastpid() == want);
    }
    CHECK(t.queries == 50);
    CHECK(rng.draws == 0); // randompid is off by default
}

TEST_CASE("pid: wrap-around at PID_MAX restarts at 100")
{
    ScriptedRandom rng;
    PidAllocator a(rng, PID_MAX - 3); // lastpid 99996
    FakeTable t;
    t.add(1);
    t.add(50);
    CHECK(fork_pid(a, t) == 99997);
    CHECK(fork_pid(a, t) == 99998); // PID_MAX - 1, the largest pid
    // trypid 99999 == PID_MAX: 99999 % 99999 = 0, below 100, so 100.
    CHECK(fork_pid(a, t) == 100);
    CHECK(a.lastpid() == 100);
    CHECK(fork_pid(a, t) == 101);
}

TEST_CASE("pid: wrap skips ids in use at 100 and up")
{
    ScriptedRandom rng;
    PidAllocator a(rng, PID_MAX - 1); // next trypid is PID_MAX itself
    FakeTable t;
    t.add(100);
    t.add(101, 102, 103);
    CHECK(fork_pid(a, t) == 104);
}

TEST_CASE("pid: a pid in use as a process id is skipped")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(1);
    t.add(2);
    t.add(3);
    CHECK(fork_pid(a, t) == 4);
}

TEST_CASE("pid: a pid in use as a process-group id is skipped")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(40, 1, 40); // group 1's leader has exited; the group lives on
    CHECK(fork_pid(a, t) == 2);
}

TEST_CASE("pid: a pid in use as a session id is skipped")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(40, 40, 1); // session 1's leader has exited
    CHECK(fork_pid(a, t) == 2);
}

TEST_CASE("pid: one process's pid, pgid and sid are all skipped (re-test of the same process)")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    // Consecutive ids held by one process in "wrong" order: the seed's
    // while loop re-tests the same process after each step.
    t.add(3, 2, 1);
    CHECK(fork_pid(a, t) == 4);
}

TEST_CASE("pid: zombies' ids are skipped too (the zombproc pass)")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(10);
    t.add_zombie(1);
    t.add_zombie(20, 2, 0);
    t.add_zombie(21, 21, 3);
    CHECK(fork_pid(a, t) == 4);
    // A zombie-only table: its ids are skipped as well.
    PidAllocator b(rng, 6);
    FakeTable z;
    z.add_zombie(7);
    CHECK(fork_pid(b, z) == 8);
}

TEST_CASE("pid: consecutive pids run up to an id in use and step over it")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(10);
    t.add(1);
    for (pid_t want = 2; want <= 9; want++)
        CHECK(fork_pid(a, t) == want);
    CHECK(fork_pid(a, t) == 11);
}

TEST_CASE("pid: a run of ids in use in any walk order is stepped over (the seed's goto retry)")
{
    ScriptedRandom rng;
    PidAllocator a(rng, 2);
    FakeTable t;
    // Walk order 5, 3, 4: the seed rescans after stepping onto 5.
    t.allproc = {{5, 0, 0}, {3, 0, 0}, {4, 0, 0}};
    Result<PidChoice> c = a.choose(PidRange::Normal, t);
    REQUIRE(c.ok());
    CHECK(c.value().pid == 6);
}

TEST_CASE("pid: RFHIGHPID gives 10 and up and leaves lastpid")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(0);
    t.add(1);
    CHECK(fork_pid(a, t) == 2);
    a.set_randompid(1000); // RFHIGHPID takes no random step
    CHECK(fork_pid(a, t, PidRange::High) == 10);
    CHECK(a.lastpid() == 2);
    CHECK(fork_pid(a, t, PidRange::High) == 11);
    CHECK(fork_pid(a, t, PidRange::High) == 12);
    CHECK(a.lastpid() == 2);
    CHECK(rng.draws == 0);
    // Above 10 RFHIGHPID just continues from lastpid + 1, still without
    // moving it.
    PidAllocator b(rng, 50);
    FakeTable u;
    u.add(51);
    CHECK(fork_pid(b, u, PidRange::High) == 52);
    CHECK(b.lastpid() == 50);
}

TEST_CASE("pid: randompid clamping follows sysctl_kern_randompid")
{
    // (requested, stored), from the seed's three rules with
    // PID_MAX - 100 = 99899.
    const std::vector<std::pair<int, int>> table = {
        {INT_MIN, 99899}, {-1, 99899}, {0, 0}, {1, 0}, {2, 100}, {50, 100},
        {99, 100}, {100, 100}, {101, 101}, {5000, 5000}, {99899, 99899},
        {99900, 99899}, {INT_MAX, 99899},
    };
    ScriptedRandom rng;
    PidAllocator a(rng);
    for (auto [req, want] : table) {
        CHECK(PidAllocator::clamp_randompid(req) == want);
        a.set_randompid(req);
        CHECK(a.randompid() == want);
    }
}

TEST_CASE("pid: randompid adds arc4random() % randompid to lastpid + 1")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(1400, 1401, 1402);
    a.set_randompid(1000);
    rng.values = {12345, 999, 1000, 52};
    CHECK(fork_pid(a, t) == 1 + 345);         // 12345 % 1000 = 345
    CHECK(fork_pid(a, t) == 346 + 1 + 999);
    CHECK(fork_pid(a, t) == 1346 + 1 + 0);
    // 1347 + 1 + 52 = 1400: past the ids of the process holding 1400..1402.
    CHECK(fork_pid(a, t) == 1403);
    CHECK(rng.draws == 4);
}

TEST_CASE("pid: a random step past PID_MAX wraps modulo PID_MAX, to 100 and up")
{
    ScriptedRandom rng;
    PidAllocator a(rng, 99990);
    FakeTable t;
    a.set_randompid(5000);
    rng.values = {50};  // 99991 + 50 = 100041; minus 99999 is 42; +100
    CHECK(fork_pid(a, t) == 142);
    PidAllocator b(rng, 99990);
    b.set_randompid(5000);
    rng.values = {4300}; // 99991 + 4300 = 104291; minus 99999 is 4292
    CHECK(fork_pid(b, t) == 4292);
}

TEST_CASE("pid: randomized sequences stay in range and never reuse an id in use")
{
    ChaChaRng rng;
    const char seed[] = "pid test";
    rng.seed(seed, sizeof(seed));
    PidAllocator a(rng);
    a.set_randompid(100);
    FakeTable t;
    // Ids in use scattered over the range, as pids, pgids, sids, zombies.
    ChaChaRng pick;
    for (int i = 0; i < 400; i++) {
        const pid_t id = pid_t(1 + pick.uniform(PID_MAX - 1));
        switch (i % 4) {
        case 0: t.add(id); break;
        case 1: t.add(5, id, 0); break;
        case 2: t.add(7, 7, id); break;
        default: t.add_zombie(id); break;
        }
    }
    std::set<pid_t> handed_out;
    bool wrapped = false;
    for (int i = 0; i < 2500; i++) {
        const pid_t before = a.lastpid();
        Result<PidChoice> c = a.choose(PidRange::Normal, t);
        REQUIRE(c.ok());
        const pid_t pid = c.value().pid;
        REQUIRE(pid >= 1);
        REQUIRE(pid < PID_MAX);
        REQUIRE_FALSE(t.uses(pid));
        if (pid <= before)
            wrapped = true;
        if (wrapped)
            REQUIRE(pid >= PID_WRAP_FLOOR);
        else
            REQUIRE(pid > before); // at least lastpid + 1, perhaps past ids in use
        a.commit(c.value());
        t.add(pid);
        handed_out.insert(pid);
    }
    CHECK(wrapped); // 2500 steps of about 50 go round the 99999 pids once
    CHECK(handed_out.size() == 2500);
}

TEST_CASE("pid: a full table gives EAGAIN (the seed would loop forever)")
{
    ScriptedRandom rng;
    SUBCASE("every pid in use")
    {
        PidAllocator a(rng, 500);
        FakeTable t;
        for (pid_t p = 1; p <= PID_MAX; p++)
            t.allproc.push_back({p, 0, 0});
        Result<PidChoice> c = a.choose(PidRange::Normal, t);
        CHECK(c.error() == Errno::Again);
        CHECK(a.lastpid() == 500);
        CHECK(t.queries == 2); // up to PID_MAX, then from 100 round to 501
        // RFHIGHPID has no more luck.
        CHECK(a.choose(PidRange::High, t).error() == Errno::Again);
    }
    SUBCASE("100..99999 in use as pids, pgids, sids and zombies")
    {
        PidAllocator a(rng, 500);
        FakeTable t;
        for (pid_t p = 100; p + 2 <= PID_MAX; p += 3) {
            if (p < 50000)
                t.zombproc.push_back({p, p + 1, p + 2});
            else
                t.allproc.push_back({p + 2, p, p + 1});
        }
        t.allproc.push_back({PID_MAX - 1, 0, 0});
        // The table really covers 100..PID_MAX-1.
        std::vector<bool> used(PID_MAX + 2, false);
        for (const auto* l : {&t.allproc, &t.zombproc})
            for (const ProcIds& p : *l)
                used[p.pid] = used[p.pgid] = used[p.sid] = true;
        int holes = 0;
        for (pid_t p = 100; p < PID_MAX; p++)
            holes += !used[p];
        REQUIRE(holes == 0);
        CHECK(a.choose(PidRange::Normal, t).error() == Errno::Again);
        CHECK(a.lastpid() == 500);
    }
    SUBCASE("one free pid below lastpid is found after the wrap")
    {
        PidAllocator a(rng, 500);
        FakeTable t;
        for (pid_t p = 100; p < PID_MAX; p++)
            if (p != 250)
                t.allproc.push_back({p, 0, 0});
        CHECK(fork_pid(a, t) == 250);
        CHECK(a.choose(PidRange::Normal, t).error() == Errno::Again);
    }
    SUBCASE("RFHIGHPID from 10: the only free pid is 42")
    {
        PidAllocator a(rng, 0);
        FakeTable t;
        for (pid_t p = 10; p < PID_MAX; p++)
            if (p != 42)
                t.allproc.push_back({p, 0, 0});
        CHECK(fork_pid(a, t, PidRange::High) == 42);
        CHECK(a.choose(PidRange::High, t).error() == Errno::Again);
        // A normal search still has 1..9.
        CHECK(fork_pid(a, t) == 1);
    }
}

TEST_CASE("pid: choose then abandon leaves lastpid untouched")
{
    ScriptedRandom rng;
    PidAllocator a(rng);
    FakeTable t;
    t.add(1);
    t.add(2);
    t.add(9);
    CHECK(fork_pid(a, t) == 3);
    // A fork that fails after choosing: nothing committed.
    Result<PidChoice> c = a.choose(PidRange::Normal, t);
    REQUIRE(c.ok());
    CHECK(c.value().pid == 4);
    CHECK(a.lastpid() == 3);
    // Abandoned after a wrap: still untouched.
    PidAllocator b(rng, PID_MAX - 1);
    Result<PidChoice> w = b.choose(PidRange::Normal, t);
    REQUIRE(w.ok());
    CHECK(w.value().pid == 100);
    CHECK(b.lastpid() == PID_MAX - 1);
    // The next fork gets the same pid the failed one would have had.
    CHECK(fork_pid(a, t) == 4);
    CHECK(a.lastpid() == 4);
}
