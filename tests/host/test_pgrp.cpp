// Process groups and sessions: enterpgrp (new group, new session),
// enterthispgrp, pgfind, fork1's pgrp_insert_after order, leavepgrp
// freeing the group and the session when their last reference goes,
// allocation failures leaving nothing behind.
//
// Not built on mem_test_util.h: that one includes the host's <signal.h>,
// which must not meet abi/signal.h (through proc.h).
#include <doctest/doctest.h>

#include <arch/host_arena.h>
#include <kernel/proc/pgrp.h>
#include <mm/page_alloc.h>

#include <algorithm>
#include <string.h>
#include <vector>

namespace {

// An arena with a page allocator, for the table's zones; nothing may be
// left in use at the end.
struct Pages {
    HostArena arena{PhysAddr(0x80000000), 2 << 20};
    PageAllocator pages;
    Pages()
    {
        const PhysRange all = arena.range();
        REQUIRE(pages.init(&all, 1, nullptr, 0).ok());
    }
    ~Pages() { CHECK(pages.pages_in_use() == 0); }
};

struct PgEnv {
    Pages mem;
    PgrpTable table{mem.pages};

    ~PgEnv()
    {
        CHECK(table.pgrp_count() == 0);
        CHECK(table.session_count() == 0);
    }

    // p starts a session and a group of its own (setsid, or proc0 at boot).
    void setsid(proc* p)
    {
        session* s = table.session_alloc().value();
        REQUIRE(table.enterpgrp(p, p->p_pid, nullptr, s).ok());
    }
};

// p's session (proc_session() lives in proc_table.cpp, not linked here).
session* sess_of(const proc* p) { return p->p_pgrp ? p->p_pgrp->pg_session : nullptr; }

// The pids of pg's members, in list order.
std::vector<pid_t> members(pgrp* pg)
{
    std::vector<pid_t> v;
    for (proc* p : pg->pg_members) v.push_back(p->p_pid);
    return v;
}

} // namespace

TEST_CASE("pgrp: enterpgrp with a session makes p the leader of both")
{
    PgEnv env;
    proc p;
    p.p_pid = 42;
    p.p_flag = pflag::P_CONTROLT;
    pgrp* pg = env.table.pgrp_alloc().value();
    session* s = env.table.session_alloc().value();
    REQUIRE(env.table.enterpgrp(&p, 42, pg, s).ok());

    CHECK(p.p_pgrp == pg);
    CHECK(pg->pg_id == 42);
    CHECK(pg->pg_session == s);
    CHECK(pg->pg_jobc == 0);
    CHECK(members(pg) == std::vector<pid_t>{42});
    CHECK(s->s_sid == 42);
    CHECK(s->s_leader == &p);
    CHECK(s->s_count == 1);
    CHECK(s->s_ttyp == nullptr);
    CHECK(sess_of(&p) == s);
    CHECK((p.p_flag & pflag::P_CONTROLT) == 0);
    CHECK(env.table.pgfind(42) == pg);
    CHECK(env.table.pgfind(43) == nullptr);
    CHECK(env.table.pgrp_count() == 1);
    CHECK(env.table.session_count() == 1);

    leavepgrp(&p);
    CHECK(p.p_pgrp == nullptr);
    CHECK(sess_of(&p) == nullptr);
    CHECK(env.table.pgfind(42) == nullptr);
    CHECK(env.table.pgrp_count() == 0);
    CHECK(env.table.session_count() == 0);
}

TEST_CASE("pgrp: a new session copies the login name and leaves the old group to its other members")
{
    PgEnv env;
    proc a, b;
    a.p_pid = 10;
    b.p_pid = 11;
    env.setsid(&a);
    session* old = sess_of(&a);
    strcpy(old->s_login, "alice");
    pgrp_insert_after(&a, &b); // b forked from a

    session* s = env.table.session_alloc().value();
    REQUIRE(env.table.enterpgrp(&b, 11, nullptr, s).ok());
    CHECK(sess_of(&b) == s);
    CHECK(s->s_sid == 11);
    CHECK(strcmp(s->s_login, "alice") == 0);
    CHECK(members(env.table.pgfind(10)) == std::vector<pid_t>{10});
    CHECK(members(env.table.pgfind(11)) == std::vector<pid_t>{11});
    CHECK(old->s_count == 1);
    CHECK(env.table.pgrp_count() == 2);
    CHECK(env.table.session_count() == 2);

    leavepgrp(&b);
    leavepgrp(&a);
}

TEST_CASE("pgrp: enterpgrp without a session joins p's session; enterthispgrp moves back")
{
    PgEnv env;
    proc a, b;
    a.p_pid = 20;
    b.p_pid = 21;
    env.setsid(&a);
    session* s = sess_of(&a);
    pgrp_insert_after(&a, &b);

    REQUIRE(env.table.enterpgrp(&b, 21, nullptr, nullptr).ok()); // setpgid(0, 0)
    pgrp* g21 = env.table.pgfind(21);
    REQUIRE(g21);
    CHECK(b.p_pgrp == g21);
    CHECK(g21->pg_session == s);
    CHECK(s->s_count == 2); // two groups in it
    CHECK(s->s_leader == &a);
    CHECK(env.table.session_count() == 1);

    // b goes back to 20: group 21 loses its last member and goes.
    REQUIRE(enterthispgrp(&b, env.table.pgfind(20)).ok());
    CHECK(b.p_pgrp == a.p_pgrp);
    CHECK(env.table.pgfind(21) == nullptr);
    CHECK(env.table.pgrp_count() == 1);
    CHECK(s->s_count == 1);
    // enterthispgrp puts the mover at the head, as FreeBSD's does.
    CHECK(members(a.p_pgrp) == std::vector<pid_t>{21, 20});

    // Entering the group one is in changes nothing.
    REQUIRE(enterthispgrp(&a, a.p_pgrp).ok());
    CHECK(members(a.p_pgrp) == std::vector<pid_t>{21, 20});

    leavepgrp(&a);
    leavepgrp(&b);
}

TEST_CASE("pgrp: enterthispgrp refuses a group of another session")
{
    PgEnv env;
    proc a, b;
    a.p_pid = 30;
    b.p_pid = 31;
    env.setsid(&a);
    env.setsid(&b);
    pgrp* ga = a.p_pgrp;
    Result<void> r = enterthispgrp(&b, ga);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Errno::Perm);
    CHECK(b.p_pgrp == env.table.pgfind(31));
    CHECK(members(ga) == std::vector<pid_t>{30});
    CHECK(env.table.pgrp_count() == 2);
    leavepgrp(&a);
    leavepgrp(&b);
}

TEST_CASE("pgrp: enterpgrp refuses an id that is a group already; the preallocations stay the caller's")
{
    PgEnv env;
    proc a;
    a.p_pid = 40;
    env.setsid(&a);
    pgrp* pg = env.table.pgrp_alloc().value();
    session* s = env.table.session_alloc().value();
    Result<void> r = env.table.enterpgrp(&a, 40, pg, s); // setsid by a group leader
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Errno::Perm);
    CHECK(a.p_pgrp == env.table.pgfind(40));
    CHECK(a.p_pgrp != pg);
    CHECK(sess_of(&a) != s);
    CHECK(env.table.pgrp_count() == 2);
    CHECK(env.table.session_count() == 2);
    pgrp_free_unused(pg);
    session_free_unused(s);
    CHECK(env.table.pgrp_count() == 1);
    CHECK(env.table.session_count() == 1);
    leavepgrp(&a);
}

TEST_CASE("pgrp: fork1's insertion puts the child right after its parent")
{
    PgEnv env;
    proc p1, p2, p3, p4, p5;
    p1.p_pid = 100;
    p2.p_pid = 101;
    p3.p_pid = 102;
    p4.p_pid = 103;
    p5.p_pid = 104;
    env.setsid(&p1);
    pgrp* pg = p1.p_pgrp;

    pgrp_insert_after(&p1, &p2); // p1 forks p2: [p1 p2]
    pgrp_insert_after(&p1, &p3); // p1 forks p3: [p1 p3 p2]
    pgrp_insert_after(&p2, &p4); // p2 forks p4: [p1 p3 p2 p4]
    pgrp_insert_after(&p3, &p5); // p3 forks p5: [p1 p3 p5 p2 p4]
    CHECK(members(pg) == std::vector<pid_t>{100, 102, 104, 101, 103});
    for (proc* p : {&p2, &p3, &p4, &p5}) CHECK(p->p_pgrp == pg);
    CHECK(sess_of(&p5) == sess_of(&p1));
    CHECK(pg->pg_session->s_count == 1); // members hold no session references
    CHECK(env.table.pgrp_count() == 1);

    // Members leave in any order; the group goes with the last one.
    for (proc* p : {&p3, &p1, &p5, &p4}) {
        leavepgrp(p);
        CHECK(env.table.pgrp_count() == 1);
    }
    CHECK(members(pg) == std::vector<pid_t>{101});
    leavepgrp(&p2);
    CHECK(env.table.pgrp_count() == 0);
    CHECK(env.table.session_count() == 0);
}

TEST_CASE("pgrp: a session lives until its last group, or its last holder, is gone")
{
    PgEnv env;
    proc a, b;
    a.p_pid = 50;
    b.p_pid = 51;
    env.setsid(&a);
    session* s = sess_of(&a);
    pgrp_insert_after(&a, &b);
    REQUIRE(env.table.enterpgrp(&b, 51, nullptr, nullptr).ok());
    CHECK(s->s_count == 2);

    leavepgrp(&a); // group 50 goes, the session stays for group 51
    CHECK(env.table.pgfind(50) == nullptr);
    CHECK(env.table.pgrp_count() == 1);
    CHECK(env.table.session_count() == 1);
    CHECK(s->s_count == 1);

    sess_hold(s); // a terminal, say
    leavepgrp(&b);
    CHECK(env.table.pgrp_count() == 0);
    CHECK(env.table.session_count() == 1);
    CHECK(s->s_count == 1);
    sess_release(s);
    CHECK(env.table.session_count() == 0);
}

TEST_CASE("pgrp: foreach_pgrp visits every group once; ids of groups and sessions are there to see")
{
    PgEnv env;
    proc procs[6];
    // Three sessions 200, 264 (same hash bucket as 200), 300; 301 a second group of 300's.
    const pid_t pids[6] = {200, 264, 300, 301, 302, 201};
    for (int i = 0; i < 6; i++) procs[i].p_pid = pids[i];
    env.setsid(&procs[0]);
    env.setsid(&procs[1]);
    env.setsid(&procs[2]);
    pgrp_insert_after(&procs[2], &procs[3]);
    REQUIRE(env.table.enterpgrp(&procs[3], 301, nullptr, nullptr).ok());
    pgrp_insert_after(&procs[3], &procs[4]);
    pgrp_insert_after(&procs[0], &procs[5]);

    std::vector<pid_t> ids;
    env.table.foreach_pgrp([&](pgrp* pg) { ids.push_back(pg->pg_id); });
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<pid_t>{200, 264, 300, 301});
    CHECK(env.table.pgfind(264) == procs[1].p_pgrp);
    CHECK(env.table.pgfind(200) == procs[0].p_pgrp);

    // The pid allocator's per-process question: group id and session id.
    CHECK(procs[4].p_pgrp->pg_id == 301);
    CHECK(sess_of(&procs[4])->s_sid == 300);
    CHECK(sess_of(&procs[5])->s_sid == 200);

    for (proc& p : procs) leavepgrp(&p);
}

TEST_CASE("pgrp: allocation failures in enterpgrp and the preallocators leave nothing")
{
    PgEnv env;
    proc a, b;
    a.p_pid = 60;
    b.p_pid = 61;
    env.setsid(&a);
    pgrp_insert_after(&a, &b);
    session* s = sess_of(&a);

    // The group enterpgrp allocates itself.
    env.table.pgrp_zone().fail_after(0);
    Result<void> r = env.table.enterpgrp(&b, 61, nullptr, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Errno::NoMem);
    CHECK(b.p_pgrp == a.p_pgrp);
    CHECK(env.table.pgfind(61) == nullptr);
    CHECK(s->s_count == 1);
    CHECK(env.table.pgrp_count() == 1);
    CHECK(env.table.session_count() == 1);

    // setsid's preallocation: the session first, then the group fails.
    session* ns = env.table.session_alloc().value();
    env.table.pgrp_zone().fail_after(0);
    Result<pgrp*> pg = env.table.pgrp_alloc();
    REQUIRE_FALSE(pg.ok());
    CHECK(pg.error() == Errno::NoMem);
    session_free_unused(ns);
    CHECK(env.table.session_count() == 1);

    env.table.session_zone().fail_after(0);
    Result<session*> rs = env.table.session_alloc();
    REQUIRE_FALSE(rs.ok());
    CHECK(rs.error() == Errno::NoMem);
    CHECK(env.table.session_count() == 1);

    // Nothing injected any more: the same calls succeed.
    REQUIRE(env.table.enterpgrp(&b, 61, nullptr, nullptr).ok());
    CHECK(env.table.pgrp_count() == 2);
    leavepgrp(&a);
    leavepgrp(&b);
}
