#include <doctest/doctest.h>

#include <kernel/proc/proc_table.h>
#include <kernel/random.h>

#include <vector>

TEST_CASE("proc table: link, pfind, zombify, reap")
{
    ProcTable t;
    std::vector<proc> ps(3);
    for (int i = 0; i < 3; i++) {
        ps[i].p_pid = 100 + i * ProcTable::HASH_SIZE; // one hash chain for all
        ps[i].p_state = ProcState::Normal;
        t.link(&ps[i]);
    }
    CHECK(t.nprocs() == 3);
    CHECK(t.pfind(100 + ProcTable::HASH_SIZE) == &ps[1]);
    CHECK(t.pfind(101) == nullptr);
    t.zombify(&ps[1]);
    CHECK(ps[1].p_state == ProcState::Zombie);
    CHECK(t.allproc().size() == 2);
    CHECK(t.zombproc().size() == 1);
    CHECK(t.pfind(ps[1].p_pid) == &ps[1]); // zombies are still found
    CHECK(t.nprocs() == 3);                 // and still count
    t.unlink_zombie(&ps[1]);
    CHECK(t.pfind(ps[1].p_pid) == nullptr);
    CHECK(t.nprocs() == 2);
    t.zombify(&ps[0]);
    t.unlink_zombie(&ps[0]);
    t.zombify(&ps[2]);
    t.unlink_zombie(&ps[2]);
    CHECK(t.nprocs() == 0);
}

TEST_CASE("proc table: a process being made is not found")
{
    ProcTable t;
    proc p;
    p.p_pid = 7;
    p.p_state = ProcState::New;
    t.link(&p);
    CHECK(t.pfind(7) == nullptr);
    p.p_state = ProcState::Normal;
    CHECK(t.pfind(7) == &p);
    t.zombify(&p);
    t.unlink_zombie(&p);
}

TEST_CASE("proc table: the pid allocator skips live and zombie pids through it")
{
    ProcTable t;
    ChaChaRng rng;
    PidAllocator pids(rng);
    std::vector<proc> ps(5);
    for (auto& p : ps) {
        auto c = pids.choose(PidRange::Normal, t);
        REQUIRE(c.ok());
        pids.commit(c.value());
        p.p_pid = c.value().pid;
        p.p_state = ProcState::Normal;
        t.link(&p);
    }
    CHECK(ps[0].p_pid == 1);
    CHECK(ps[4].p_pid == 5);
    // Wrap: pids restart at 100, and 100/101 are taken (one a zombie).
    proc live, zomb;
    live.p_pid = 100;
    live.p_state = ProcState::Normal;
    zomb.p_pid = 101;
    zomb.p_state = ProcState::Normal;
    t.link(&live);
    t.link(&zomb);
    t.zombify(&zomb);
    PidAllocator wrapping(rng, PID_MAX - 1); // the next try is PID_MAX: wrap
    auto c = wrapping.choose(PidRange::Normal, t);
    REQUIRE(c.ok());
    CHECK(c.value().pid == 102);
    t.unlink_zombie(&zomb);
    for (auto& p : ps) {
        t.zombify(&p);
        t.unlink_zombie(&p);
    }
    t.zombify(&live);
    t.unlink_zombie(&live);
}
