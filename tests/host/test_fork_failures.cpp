// fork1's failure paths: every allocation it makes can fail, and each
// failure must leave the system exactly as it was (no object, page, kernel
// stack, commit charge or process count kept; lastpid unmoved; no child
// on any list), pause once as the seed's fail1 does, and return ENOMEM.
// The limits (maxproc, RLIMIT_NPROC) refuse through fork1 with EAGAIN and
// the seed's console line.
#include "console_capture.h"
#include "proc_test_util.h"

#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/proc/pid.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/uidinfo.h>
#include <mm/vmspace.h>

#include <functional>
#include <string>

using namespace proctest;

namespace {

void child_exit(void*) { exit1(curthread(), 0); }

Result<proc*> fork_child(int flags)
{
    fork_req fr;
    fr.fr_flags = flags;
    fr.fr_func = child_exit;
    return fork1(&thread0, fr);
}

size_t children_of(proc* p)
{
    size_t n = 0;
    for (proc* q : p->p_children) {
        (void)q;
        n++;
    }
    return n;
}

// Everything a failed fork must leave as it found it.
struct Snapshot {
    Counts counts;
    pid_t lastpid;
    uint64_t pauses, forks, rforks, kthreads;
    size_t children;
    int fd_refcnt;
    uint32_t vm_refcnt;
    filedesc_to_leader* fdtol;
    proc* peers;
    uint32_t cr_ref;     // references to the parent's credential
    long ui_proccnt;     // its real uid's process count

    static Snapshot take(const ProcWorld& w)
    {
        proc_zones().drain();
        w.km->drain();
        const ForkStats& s = fork_stats();
        return {w.counts(),         pid_allocator().lastpid(), g_pauses, s.v_forks, s.v_rforks,
                s.v_kthreads,       children_of(&proc0),       proc0.p_fd->fd_refcnt,
                proc0.p_vmspace->vm_refcnt, proc0.p_fdtol,     proc0.p_peers,
                thread0.td_ucred->cr_ref,   thread0.td_ucred->cr_ruidinfo->ui_proccnt};
    }

    void check_unchanged_after_failure(const ProcWorld& w) const
    {
        const Snapshot now = take(w);
        CHECK(now.counts == counts);
        CHECK(now.lastpid == lastpid);
        CHECK(now.pauses == pauses + 1);
        CHECK(now.forks == forks);
        CHECK(now.rforks == rforks);
        CHECK(now.kthreads == kthreads);
        CHECK(now.children == children);
        CHECK(now.fd_refcnt == fd_refcnt);
        CHECK(now.vm_refcnt == vm_refcnt);
        CHECK(now.fdtol == fdtol);
        CHECK(now.peers == peers);
        CHECK(now.cr_ref == cr_ref);
        CHECK(now.ui_proccnt == ui_proccnt);
    }
};

// The flag sets that take different allocation paths in fork1.
constexpr int FLAG_SETS[] = {
    RFFDG | RFPROC,                  // fork: vmspace copy, sigacts, table copy
    RFCFDG | RFPROC,                 // an empty table
    RFPROC,                          // shared table: two leader records
    RFPROC | RFTHREAD | RFMEM,       // a peer: shared table and vmspace, no record
    RFPROC | RFSIGSHARE | RFFDG,     // sigacts shared
    RFFDG | RFPROC | RFHIGHPID,      // the high-pid range
};

constexpr uint64_t TEXT = 0x10000, DATA = 0x1000000, STACK = 0x3000000, SHARED = 0x4000000;

// Gives proc0 something for fork to copy: open files, and memory laid out
// as exec would (text, data, stack: 10 private writable pages to charge)
// plus shared memory, with some pages touched so that fork copies objects
// and their pages.
void furnish_proc0()
{
    for (int i = 0; i < 3; i++) {
        install_new_file(proc0.p_fd);
    }
    vmspace* vm = proc0.p_vmspace;
    const vm_prot_t rw = VM_PROT_READ | VM_PROT_WRITE;
    REQUIRE(vmspace_map_anon(vm, TEXT, 4 * PG, VM_PROT_READ | VM_PROT_EXECUTE).ok());
    REQUIRE(vmspace_map_anon(vm, DATA, 8 * PG, rw).ok());
    REQUIRE(vmspace_map_anon(vm, STACK, 2 * PG, rw).ok());
    REQUIRE(vmspace_map_anon(vm, SHARED, 2 * PG, rw, VmInherit::Share).ok());
    vmspace_set_sizes(vm, 4, 8, 2);
    for (uint64_t va : {DATA, DATA + 3 * PG, DATA + 7 * PG, SHARED})
        vmspace_fault(vm, VirtAddr(va), VM_PROT_WRITE).value().execute();
}

// proc0's leader record, made by its first fork that shared its table,
// dropped once no child shares the table any more.
void drop_leader_record()
{
    if (!proc0.p_fdtol) return;
    fdtol_free(proc0.p_fdtol);
    proc0.p_fdtol = nullptr;
}

void unfurnish_proc0()
{
    for (int fd = 0; fd < 3; fd++) CHECK(fdclose(proc0.p_fd, fd) == Errno::Ok);
    vmspace* vm = proc0.p_vmspace;
    REQUIRE(vmspace_unmap(vm, VM_MIN_USER_ADDRESS, VM_MAX_USER_ADDRESS - VM_MIN_USER_ADDRESS).ok());
    vmspace_set_sizes(vm, 0, 0, 0);
    drop_leader_record();
}

// Stopped children, forked until nprocs counts `nprocs`; their pids go
// to kids.
void fork_stopped_until(int nprocs, std::vector<pid_t>& kids)
{
    while (fork_limits().nprocs() < nprocs)
        kids.push_back(fork_child(RFFDG | RFPROC | RFSTOPPED).value()->p_pid);
}

// Lets the stopped children in kids run, and reaps them.
void run_and_reap(const std::vector<pid_t>& kids)
{
    for (pid_t pid : kids) sched_add(proc_table().pfind(pid)->p_thread);
    for (pid_t pid : kids) wait_for(pid);
}

// A fork that succeeds, run to its end, so the next attempt starts clean.
void fork_and_reap(int flags)
{
    Result<proc*> r = fork_child(flags);
    REQUIRE(r.ok());
    const pid_t pid = r.value()->p_pid;
    if (flags & RFNOWAIT) return;
    wait_for(pid);
}

// One failure source: arm(n) lets n allocations of its kind succeed and
// fails the next; arm(-1) disarms.
struct Source {
    const char* name;
    std::function<void(long)> arm;
};

std::vector<Source> sources(ProcWorld& w)
{
    ProcZones& z = proc_zones();
    return {
        {"proc zone", [&z](long n) { z.procs.fail_after(n); }},
        {"thread zone", [&z](long n) { z.threads.fail_after(n); }},
        {"vmspace zone", [&z](long n) { z.vmspaces.fail_after(n); }},
        {"map entry zone", [&z](long n) { z.vmspaces.entries.fail_after(n); }},
        {"vm object zone", [&z](long n) { z.vmspaces.objects.fail_after(n); }},
        {"commit reservation", [](long n) { kernel_commit().fail_after(n); }},
        {"sigacts zone", [&z](long n) { z.sigacts.fail_after(n); }},
        {"file zone", [&z](long n) { z.fds.files.fail_after(n); }},
        {"table zone", [&z](long n) { z.fds.tables.fail_after(n); }},
        {"leader zone", [&z](long n) { z.fds.leaders.fail_after(n); }},
        {"kmalloc", [&w](long n) { w.km->fail_after(n); }},
        {"page allocator", [&w](long n) { w.pages.fail_after(n); }},
    };
}

} // namespace

TEST_CASE("fork1: a failure at any allocation of any kind unwinds everything, pauses, and is ENOMEM")
{
    ProcWorld w;
    furnish_proc0();
    for (int flags : FLAG_SETS) {
        for (const Source& src : sources(w)) {
            const unsigned cached = kernel_kstacks().cached();
            long failures = 0;
            for (long n = 0;; n++) {
                CAPTURE(flags);
                CAPTURE(src.name);
                CAPTURE(n);
                const Snapshot before = Snapshot::take(w);
                src.arm(n);
                Result<proc*> r = fork_child(flags);
                src.arm(-1);
                if (r.ok()) {
                    wait_for(r.value()->p_pid);
                    break;
                }
                failures++;
                CHECK(r.error() == Errno::NoMem);
                before.check_unchanged_after_failure(w);
                REQUIRE(n < 200); // fork1 must succeed once nothing is injected
            }
            // Every flag set allocates from the proc and thread zones; a
            // copied address space also takes map entries and objects
            // (proc0's data pages were touched).  The page allocator is
            // asked only for the thread's kernel stack, when the kstack
            // cache has none: the page tables come from their own source
            // here, and a copied address space shares the parent's page
            // indexes instead of copying them.
            const std::string name = src.name;
            if (name == "proc zone" || name == "thread zone") CHECK(failures > 0);
            if (name == "page allocator") CHECK((failures > 0) == (cached == 0));
            if (name == "map entry zone" || name == "vm object zone")
                CHECK((failures > 0) == !(flags & RFMEM));
        }
    }
    unfurnish_proc0();
}

TEST_CASE("fork1: each flag set reaches the allocations its branch needs, and no others")
{
    ProcWorld w;
    furnish_proc0();
    ProcZones& z = proc_zones();
    struct Expect {
        int flags;
        bool vmspace, sigacts, table, leader;
    };
    const Expect cases[] = {
        {RFFDG | RFPROC, true, true, true, false},
        {RFCFDG | RFPROC, true, true, true, false},
        {RFPROC, true, true, false, true},
        {RFPROC | RFTHREAD | RFMEM, false, true, false, true}, // the parent's first record
        {RFPROC | RFSIGSHARE | RFFDG, true, false, true, false},
    };
    for (const Expect& e : cases) {
        CAPTURE(e.flags);
        auto refused = [&](auto arm) {
            drop_leader_record(); // each attempt from an unshared table
            const Snapshot before = Snapshot::take(w);
            arm(0);
            Result<proc*> r = fork_child(e.flags);
            arm(-1);
            if (r.ok()) {
                wait_for(r.value()->p_pid);
                return false;
            }
            CHECK(r.error() == Errno::NoMem);
            before.check_unchanged_after_failure(w);
            return true;
        };
        CHECK(refused([&](long n) { z.vmspaces.fail_after(n); }) == e.vmspace);
        CHECK(refused([&](long n) { z.sigacts.fail_after(n); }) == e.sigacts);
        CHECK(refused([&](long n) { z.fds.tables.fail_after(n); }) == e.table);
        CHECK(refused([&](long n) { z.fds.leaders.fail_after(n); }) == e.leader);
    }
    unfurnish_proc0();
}

TEST_CASE("fork1: strict commit accounting refuses a child whose memory does not fit")
{
    ProcWorld w;
    furnish_proc0(); // 10 private pages: the copy must be charged 10 pages
    CommitAccount& c = kernel_commit();
    c.set_strict(true);
    c.set_limit(c.reserved() + 9 * PG);
    const uint64_t refused0 = c.refused();
    const Snapshot before = Snapshot::take(w);
    Result<proc*> r = fork_child(RFFDG | RFPROC);
    CHECK(r.error() == Errno::NoMem);
    before.check_unchanged_after_failure(w);
    CHECK(c.refused() == refused0 + 1);

    // RFMEM shares the space: nothing to charge, so it fits.
    fork_and_reap(RFPROC | RFMEM | RFFDG);
    // With room for exactly one copy, one child fits and then no more.
    c.set_limit(c.reserved() + 10 * PG);
    Result<proc*> first = fork_child(RFFDG | RFPROC | RFSTOPPED);
    REQUIRE(first.ok());
    CHECK(c.reserved() == before.counts.reserved + 10 * PG);
    CHECK(fork_child(RFFDG | RFPROC).error() == Errno::NoMem);
    sched_add(first.value()->p_thread);
    wait_for(first.value()->p_pid);
    CHECK(c.reserved() == before.counts.reserved); // the child's exit gave it back
    c.set_strict(false);
    c.set_limit(0);
    unfurnish_proc0();
}

namespace {

// thread0 acting as a non-root user while alive; children inherit it.
struct ActAs {
    ucred* saved = thread0.td_ucred;
    explicit ActAs(uid_t uid)
    {
        ProcZones& z = proc_zones();
        thread0.td_ucred = cred_create(z.creds, z.uids, uid, uid).release_value();
    }
    ~ActAs()
    {
        crfree(thread0.td_ucred);
        thread0.td_ucred = saved;
    }
    ActAs(const ActAs&) = delete;
    ActAs& operator=(const ActAs&) = delete;
};

} // namespace

TEST_CASE("fork1: maxproc keeps the last ten slots for root; refusals are EAGAIN with the console line")
{
    constexpr int MAXPROC = 20;
    ProcWorld w(MAXPROC);
    credtest::ConsoleCapture console;
    std::vector<pid_t> kids;
    {
        ActAs user(1001);
        // proc0 and init count: a user may fork until nprocs reaches 10.
        fork_stopped_until(MAXPROC - ForkLimits::ROOT_RESERVE, kids);
        const Snapshot before = Snapshot::take(w);
        CHECK(fork_child(RFFDG | RFPROC).error() == Errno::Again);
        before.check_unchanged_after_failure(w);
        CHECK(console.count("maxproc limit exceeded by uid 1001") == 1);
    }
    // Root takes the reserved slots, up to maxproc itself.
    fork_stopped_until(MAXPROC, kids);
    const Snapshot before = Snapshot::take(w);
    CHECK(fork_child(RFFDG | RFPROC).error() == Errno::Again);
    before.check_unchanged_after_failure(w);
    CHECK(fork_limits().nprocs() == MAXPROC);
    run_and_reap(kids);
    // Every slot came back: a user can fork again.
    ActAs user(1001);
    fork_and_reap(RFFDG | RFPROC);
}

namespace {

// What a refused fork still held when it paused.
ProcWorld* g_world = nullptr;
Counts g_at_pause{};
int g_pauses_seen = 0;

void pause_and_count()
{
    proc_zones().drain();
    g_world->km->drain();
    g_at_pause = g_world->counts();
    g_pauses_seen++;
    count_pause();
}

} // namespace

TEST_CASE("fork1: a fork the limits refuse frees everything before it pauses, as the seed's fail1")
{
    constexpr int MAXPROC = 20;
    ProcWorld w(MAXPROC);
    credtest::ConsoleCapture console;
    std::vector<pid_t> kids;
    fork_stopped_until(MAXPROC, kids);
    furnish_proc0(); // something for the refused fork to have copied
    g_world = &w;
    g_pauses_seen = 0;
    const ForkFailPauseFn old = set_fork_fail_pause(pause_and_count);
    const Snapshot before = Snapshot::take(w);
    CHECK(fork_child(RFFDG | RFPROC).error() == Errno::Again);
    set_fork_fail_pause(old);
    CHECK(g_pauses_seen == 1);
    CHECK(g_at_pause == before.counts); // nothing of the child was left at the pause
    before.check_unchanged_after_failure(w);
    unfurnish_proc0();
    run_and_reap(kids);
}

TEST_CASE("fork1: RLIMIT_NPROC bounds a user's processes; another user is not affected")
{
    ProcWorld w;
    std::vector<pid_t> kids;
    {
        ActAs user(1002);
        // The limit lives in the parent's plimit; children copy it.
        REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NPROC, rlimit{3, 3}).ok());
        for (int i = 0; i < 3; i++)
            kids.push_back(fork_child(RFFDG | RFPROC | RFSTOPPED).value()->p_pid);
        const Snapshot before = Snapshot::take(w);
        CHECK(fork_child(RFFDG | RFPROC).error() == Errno::Again);
        before.check_unchanged_after_failure(w);
    }
    {
        ActAs other(1003);
        fork_and_reap(RFFDG | RFPROC);
    }
    run_and_reap(kids);
    {
        ActAs user(1002); // the reaped children gave their counts back
        fork_and_reap(RFFDG | RFPROC);
    }
}

TEST_CASE("fork1: a bad kernel stack size is EINVAL before anything is allocated")
{
    ProcWorld w;
    const Snapshot before = Snapshot::take(w);
    for (int pages : {-1, static_cast<int>(KSTACK_MAX_PAGES) + 1}) {
        fork_req fr;
        fr.fr_flags = RFFDG | RFPROC;
        fr.fr_func = child_exit;
        fr.fr_pages = pages;
        CHECK(fork1(&thread0, fr).error() == Errno::Inval);
        CHECK(Snapshot::take(w).counts == before.counts);
        // Refused before any allocation: no failed allocation, no pause.
        CHECK(Snapshot::take(w).pauses == before.pauses);
    }
    // The largest allowed size works and is the child's.
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC | RFSTOPPED;
    fr.fr_func = child_exit;
    fr.fr_pages = KSTACK_MAX_PAGES;
    proc* p = fork1(&thread0, fr).release_value();
    CHECK(p->p_thread->td_kstack_obj.pages() == KSTACK_MAX_PAGES);
    sched_add(p->p_thread);
    wait_for(p->p_pid);
}
