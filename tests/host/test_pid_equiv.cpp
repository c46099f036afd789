// The kernel's pid choice (kernel/proc/pid.cpp: first_unused over bitmaps
// of the ids in use) against the seed's own walk with its pidchecked
// window (pid_seed_search.h), over random histories of forks (RFHIGHPID
// ones too), exits, reaps, setpgid and setsid calls, kern.randompid
// changes and wrap-arounds: both must hand out the same pids in the same
// order, and agree on when nothing is free.
#include <doctest/doctest.h>

#include "pid_seed_search.h"

#include <kernel/proc/pid.h>
#include <kernel/proc/pid_bitmap.h>
#include <kernel/random.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

using seedref::ProcIds;

namespace {

// The ids held, kept as the kernel keeps them: a bitmap per role, each id
// set while at least one process on the lists holds it in that role.
class IdsInUse final : public ProcIdTable {
public:
    void hold(const ProcIds& p, int delta)
    {
        count(pids_, pid_n_, p.pid, delta);
        count(pgids_, pgid_n_, p.pgid, delta);
        count(sids_, sid_n_, p.sid, delta);
    }
    pid_t first_unused(pid_t from, pid_t below) override
    {
        const IdBitmap* maps[] = {&pids_, &pgids_, &sids_};
        return first_clear(maps, 3, from, below);
    }

private:
    static void count(IdBitmap& map, std::map<pid_t, int>& n, pid_t id, int delta)
    {
        if (id == 0) return; // "none"
        int& c = n[id];
        if (c == 0 && delta > 0) map.set(id);
        c += delta;
        REQUIRE(c >= 0);
        if (c == 0) {
            map.clear(id);
            n.erase(id);
        }
    }
    IdBitmap pids_, pgids_, sids_;
    std::map<pid_t, int> pid_n_, pgid_n_, sid_n_;
};

// Draws from a seeded generator and remembers the last draw, so that the
// reference can take the same random step as the kernel's allocator.
struct RecordingRandom final : RandomSource {
    ChaChaRng rng;
    uint32_t last = 0;
    int draws = 0;
    uint32_t next_u32() override
    {
        draws++;
        return last = rng.next_u32();
    }
};

// A history: the two allocators side by side over one process table.
class History {
public:
    History(const char* seed, pid_t lastpid) : kernel_(random_, lastpid), seed_(lastpid)
    {
        random_.rng.seed(seed, strlen(seed));
        pick_.seed(seed, strlen(seed));
        // init: pid 1, its own group and session, never exits.
        add_live({1, 1, 1});
    }

    // With grow, no process exits.
    void step(bool grow = false)
    {
        const uint32_t r = pick_.uniform(100);
        if (r < 32) fork();
        else if (r < 62) { if (!grow) exit_one(); }
        else if (r < 92) { if (!grow) reap_one(); }
        else if (r < 95) setpgid_one();
        else if (r < 98) setsid_one();
        else set_randompid();
    }

    int forks = 0, wraps = 0, eagains = 0;
    size_t live() const { return lists_.allproc.size(); }

private:
    void fork()
    {
        const PidRange range = pick_.uniform(50) == 0 ? PidRange::High : PidRange::Normal;
        const int draws = random_.draws;
        Result<PidChoice> c = kernel_.choose(range, ids_);
        pid_t step = 0;
        if (random_.draws != draws) step = pid_t(random_.last % uint32_t(kernel_.randompid()));
        const pid_t before = seed_.lastpid();
        const pid_t want = seed_.fork(lists_, range, step);
        if (want == 0) {
            REQUIRE(!c.ok());
            CHECK(c.error() == Errno::Again);
            eagains++;
            return;
        }
        REQUIRE(c.ok());
        REQUIRE(c.value().pid == want);
        kernel_.commit(c.value());
        REQUIRE(kernel_.lastpid() == seed_.lastpid());
        forks++;
        if (range == PidRange::Normal && want <= before) wraps++;
        const ProcIds& parent = lists_.allproc[pick_.uniform(uint32_t(lists_.allproc.size()))];
        add_live({want, parent.pgid, parent.sid});
    }

    void add_live(const ProcIds& p)
    {
        lists_.allproc.insert(lists_.allproc.begin(), p);
        ids_.hold(p, +1);
    }

    // A live process other than init, or -1.
    int some_live()
    {
        if (lists_.allproc.size() < 2) return -1;
        for (;;) {
            const int i = int(pick_.uniform(uint32_t(lists_.allproc.size())));
            if (lists_.allproc[i].pid != 1) return i;
        }
    }

    void exit_one()
    {
        const int i = some_live();
        if (i < 0) return;
        const ProcIds p = lists_.allproc[i];
        lists_.allproc.erase(lists_.allproc.begin() + i);
        lists_.zombproc.insert(lists_.zombproc.begin(), p); // its ids stay taken
    }

    void reap_one()
    {
        if (lists_.zombproc.empty()) return;
        const size_t i = pick_.uniform(uint32_t(lists_.zombproc.size()));
        ids_.hold(lists_.zombproc[i], -1);
        lists_.zombproc.erase(lists_.zombproc.begin() + long(i));
    }

    bool group_exists(pid_t pgid, pid_t* sid) const
    {
        for (const auto* l : {&lists_.allproc, &lists_.zombproc})
            for (const ProcIds& q : *l)
                if (q.pgid == pgid) {
                    *sid = q.sid;
                    return true;
                }
        return false;
    }

    void move(int i, pid_t pgid, pid_t sid)
    {
        ProcIds& p = lists_.allproc[i];
        ids_.hold(p, -1);
        p.pgid = pgid;
        p.sid = sid;
        ids_.hold(p, +1);
    }

    // setpgid(p, p) (a new group, or back into the one it once led) or
    // into another process's group of the same session; a session leader
    // may not.
    void setpgid_one()
    {
        const int i = some_live();
        if (i < 0) return;
        const ProcIds p = lists_.allproc[i];
        if (p.sid == p.pid) return; // EPERM
        pid_t target = p.pid;
        if (pick_.uniform(2) == 0) target = lists_.allproc[pick_.uniform(uint32_t(lists_.allproc.size()))].pgid;
        pid_t sid = 0;
        if (group_exists(target, &sid) && sid != p.sid) return; // EPERM: another session
        if (target != p.pid && !group_exists(target, &sid)) return;
        move(i, target, p.sid);
    }

    // setsid: not when a group with its pid exists (EPERM).
    void setsid_one()
    {
        const int i = some_live();
        if (i < 0) return;
        pid_t sid = 0;
        if (group_exists(lists_.allproc[i].pid, &sid)) return;
        const pid_t pid = lists_.allproc[i].pid;
        move(i, pid, pid);
    }

    void set_randompid()
    {
        static const int values[] = {0, 0, 0, 100, 777, 5000, 40000, RANDOMPID_MAX};
        kernel_.set_randompid(values[pick_.uniform(8)]);
    }

    RecordingRandom random_;
    ChaChaRng pick_;
    PidAllocator kernel_;
    seedref::SeedPidSearch seed_;
    seedref::Lists lists_;
    IdsInUse ids_;
};

} // namespace

TEST_CASE("pid equivalence: the bitmap search chooses the seed's pids over random histories")
{
    const char* seeds[] = {"pid-equiv-1", "pid-equiv-2", "pid-equiv-3", "pid-equiv-4"};
    const pid_t starts[] = {0, PID_MAX - 300, 50000, PID_MAX - 2};
    for (int s = 0; s < 4; s++) {
        CAPTURE(seeds[s]);
        History h(seeds[s], starts[s]);
        for (int i = 0; i < 40000; i++) h.step();
        CHECK(h.forks > 10000);
        CHECK(h.live() > 1);
        CHECK(h.wraps >= 2); // randompid's big steps go round the pids
    }
}

TEST_CASE("pid equivalence: a crowded table (few free ids, long runs in use)")
{
    // Hundreds of live processes made before anything exits, with
    // randompid mostly off: the seed's window is spent again and again.
    History h("pid-equiv-crowded", PID_MAX - 1000);
    for (int i = 0; i < 3000; i++) h.step(true);
    CHECK(h.live() > 500);
    for (int i = 0; i < 20000; i++) h.step();
    CHECK(h.forks > 6000);
}
