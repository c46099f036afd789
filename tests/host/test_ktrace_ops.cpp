// ktrace(2)'s operations and refusals: KTROP_CLEAR (all or some
// facilities), KTROP_CLEARFILE, KTRFLAG_DESCEND, a process group
// (pid < 0), a second KTROP_SET into the same file sharing one sink;
// who may trace whom (EPERM for another user's process, a set-id one,
// a kernel process); FreeBSD's errors for bad operations, facilities,
// pids and paths, each leaving no object behind.
#include "ktrace_test_util.h"

#include <kernel/proc/kern_prot.h>
#include <kernel/proc/pgrp.h>

using namespace ktrtest;

namespace {

constexpr int CALLS = KTRFAC_SYSCALL | KTRFAC_SYSRET;

// Kernel-side children that park until release(): targets to trace.
proc* parked(thread* from = &thread0)
{
    g_released = false;
    return spawn_from(from, [](void*) { hold(); });
}

void finish(std::initializer_list<proc*> ps)
{
    release();
    for (proc* p : ps) {
        const pid_t pid = p->p_pid;
        int st = -1;
        REQUIRE(kern_wait(p->p_pptr->p_thread, pid, &st, 0).ok());
    }
}

UResult ktrace0(const std::string& path, int ops, int facs, pid_t pid)
{
    put_path(path);
    return ktrace_as(&thread0, UPATH, ops, facs, pid);
}

} // namespace

TEST_CASE("ktrace: KTROP_CLEAR of every facility ends the trace and frees the sink; of some keeps the rest")
{
    KtrWorld s;
    make_file("/tmp/kt");
    const Counts before = settled_counts(s.w);
    proc* a = parked();
    REQUIRE(ktrace0("/tmp/kt", KTROP_SET, CALLS | KTRFAC_NAMEI, a->p_pid).ok());
    CHECK(a->p_tracesink != nullptr);
    CHECK(a->p_traceflag == (CALLS | KTRFAC_NAMEI | KTRFAC_ROOT));
    REQUIRE(ucall(SYS_ktrace, {0, KTROP_CLEAR, KTRFAC_SYSRET, uint64_t(a->p_pid)}).ok());
    CHECK(a->p_traceflag == (KTRFAC_SYSCALL | KTRFAC_NAMEI | KTRFAC_ROOT));
    CHECK(!ktr_sinks().empty());
    REQUIRE(ucall(SYS_ktrace, {0, KTROP_CLEAR, uint64_t(KTRFAC_MASK), uint64_t(a->p_pid)}).ok());
    CHECK(a->p_traceflag == 0);
    CHECK(a->p_tracesink == nullptr);
    CHECK(ktr_sinks().empty());
    finish({a});
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("ktrace: two KTROP_SETs into one file share one sink; KTROP_CLEARFILE stops both")
{
    KtrWorld s;
    make_file("/tmp/kt");
    make_file("/tmp/other");
    proc* a = parked();
    proc* b = parked();
    proc* c = parked();
    REQUIRE(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_SYSCALL, a->p_pid).ok());
    REQUIRE(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_SYSCALL, b->p_pid).ok());
    REQUIRE(ktrace0("/tmp/other", KTROP_SET, KTRFAC_SYSCALL, c->p_pid).ok());
    CHECK(a->p_tracesink == b->p_tracesink);
    CHECK(a->p_tracesink->ks_refs == 2);
    CHECK(c->p_tracesink != a->p_tracesink);
    CHECK(ktr_traced_count() == 3);
    REQUIRE(ktrace0("/tmp/kt", KTROP_CLEARFILE, 0, 0).ok());
    CHECK(a->p_tracesink == nullptr);
    CHECK(b->p_tracesink == nullptr);
    CHECK(c->p_tracesink != nullptr); // another file's
    CHECK(ktr_traced_count() == 1);
    // A file nobody traces into: nothing to do.
    make_file("/tmp/none");
    CHECK(ktrace0("/tmp/none", KTROP_CLEARFILE, 0, 0).ok());
    REQUIRE(ktrace0("/tmp/other", KTROP_CLEARFILE, 0, 0).ok());
    CHECK(ktr_sinks().empty());
    finish({a, b, c});
}

TEST_CASE("ktrace: a KTROP_SET into another file moves the process to the new sink")
{
    KtrWorld s;
    make_file("/tmp/one");
    make_file("/tmp/two");
    proc* a = parked();
    REQUIRE(ktrace0("/tmp/one", KTROP_SET, KTRFAC_SYSCALL, a->p_pid).ok());
    ktr_sink* first = a->p_tracesink;
    REQUIRE(ktrace0("/tmp/two", KTROP_SET, KTRFAC_SYSRET, a->p_pid).ok());
    CHECK(a->p_tracesink != first);
    CHECK(a->p_traceflag == (KTRFAC_SYSCALL | KTRFAC_SYSRET | KTRFAC_ROOT)); // facilities add up
    size_t n = 0;
    for (ktr_sink* ks : ktr_sinks()) n += ks != nullptr;
    CHECK(n == 1); // the first sink, left without a process, was freed
    CHECK(ktr_traced_count() == 1);
    REQUIRE(ucall(SYS_ktrace, {0, KTROP_CLEAR, uint64_t(KTRFAC_MASK), uint64_t(a->p_pid)}).ok());
    finish({a});
}

TEST_CASE("ktrace: KTRFLAG_DESCEND reaches descendants, not siblings; pid < 0 is a process group")
{
    KtrWorld s;
    make_file("/tmp/kt");
    proc* a = parked();
    REQUIRE(kern_setpgid(&thread0, a->p_pid, a->p_pid) == Errno::Ok); // a group of a's family
    proc* b = parked();
    proc* a1 = parked(a->p_thread);
    proc* a2 = parked(a->p_thread);
    proc* a11 = parked(a1->p_thread);
    REQUIRE(ktrace0("/tmp/kt", KTROP_SET | KTRFLAG_DESCEND, KTRFAC_SYSCALL, a->p_pid).ok());
    for (proc* p : {a, a1, a2, a11}) CHECK(p->p_tracesink != nullptr);
    CHECK(b->p_tracesink == nullptr);
    CHECK(a->p_tracesink->ks_refs == 4);
    REQUIRE(ucall(SYS_ktrace, {0, KTROP_CLEAR | KTRFLAG_DESCEND, uint64_t(KTRFAC_MASK), uint64_t(a1->p_pid)})
                .ok());
    CHECK(a1->p_tracesink == nullptr);
    CHECK(a11->p_tracesink == nullptr);
    CHECK(a->p_tracesink != nullptr);
    CHECK(a2->p_tracesink != nullptr);
    // The group: its members, not b (in proc0's group).
    const pid_t pgid = a->p_pid;
    REQUIRE(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_SYSRET, -pgid).ok());
    for (proc* p : {a, a1, a2, a11}) CHECK((p->p_traceflag & KTRFAC_SYSRET) != 0);
    CHECK(b->p_tracesink == nullptr);
    REQUIRE(ucall(SYS_ktrace, {0, KTROP_CLEAR, uint64_t(KTRFAC_MASK), uint64_t(-pgid)}).ok());
    CHECK(ktr_traced_count() == 0);
    CHECK(ktr_sinks().empty());
    CHECK(ucall(SYS_ktrace, {0, KTROP_CLEAR, uint64_t(KTRFAC_MASK), uint64_t(int64_t(-99999))}).err ==
          Errno::Srch);
    release();
    CHECK(wait_for(a->p_pid) == 0);
    CHECK(wait_for(b->p_pid) == 0);
    run_others(); // a's descendants, orphaned to init, finish
    ProcWorld::reap_orphans();
}

namespace {
pid_t g_target = 0;
Errno g_err = Errno::Ok;
}

TEST_CASE("ktrace: a user may trace its own processes only; not another user's, a set-id one or a kernel process")
{
    KtrWorld s;
    proc0.p_fd->fd_cmask = 0;
    make_file("/tmp/kt"); // writable by uid 1000
    proc0.p_fd->fd_cmask = 022;
    proc* root_child = parked();
    g_target = root_child->p_pid;
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        if (td->td_proc->p_pptr == &proc0) {
            REQUIRE(ucall(td, SYS_setuid, {1000}).ok()); // now uid 1000, and P_SUGID
            g_err = ktrace_as(td, UPATH, KTROP_SET, KTRFAC_SYSCALL, g_target).err;
            CHECK(g_err == Errno::Perm); // root's process
            CHECK(ktrace_as(td, UPATH, KTROP_SET, KTRFAC_SYSCALL, 0).err == Errno::Perm); // proc0
            // Itself, always (p_candebug): uid 1000's records, no KTRFAC_ROOT.
            CHECK(ktrace_as(td, UPATH, KTROP_SET, KTRFAC_SYSCALL, self(td)).ok());
            CHECK(td->td_proc->p_traceflag == KTRFAC_SYSCALL);
            CHECK(ktrace_as(td, 0, KTROP_CLEAR, KTRFAC_SYSCALL, self(td)).ok());
            // Its child keeps P_SUGID: refused until its ids settle (as an
            // exec would), then allowed.
            const UResult f = ucall(td, SYS_fork);
            REQUIRE(f.ok());
            CHECK(wait_for_in(td, pid_t(f.a0)) == 0);
            ucall(td, SYS_exit, {0});
        }
        // The grandchild (uid 1000, P_SUGID inherited) traced by its
        // parent, which waits for it: the call made with the parent's ids.
        thread* parent = td->td_proc->p_pptr->p_thread;
        CHECK(ktrace_as(parent, UPATH, KTROP_SET, KTRFAC_SYSCALL, self(td)).err == Errno::Perm);
        td->td_proc->p_flag &= ~pflag::P_SUGID;
        CHECK(ktrace_as(parent, UPATH, KTROP_SET, KTRFAC_SYSCALL, self(td)).ok());
        CHECK(td->td_proc->p_traceflag == KTRFAC_SYSCALL);
        ucall(td, SYS_exit, {0});
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    CHECK(wait_for(pid_t(r.a0)) == 0);
    CHECK(root_child->p_tracesink == nullptr);
    finish({root_child});
    CHECK(ktr_sinks().empty()); // the world's end checks every object and page came back
    CHECK(ktr_traced_count() == 0);
}

TEST_CASE("ktrace: a trace root set (KTRFAC_ROOT) only root may change, even the traced process itself")
{
    KtrWorld s;
    proc0.p_fd->fd_cmask = 0;
    make_file("/tmp/kt"); // writable by uid 1000: CLEARFILE gets as far as the permission check
    proc0.p_fd->fd_cmask = 022;
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        // Root (its uid still 0) sets the trace; then it becomes uid 1000.
        CHECK(ktrace_as(td, UPATH, KTROP_SET, KTRFAC_SYSCALL, self(td)).ok());
        CHECK((td->td_proc->p_traceflag & KTRFAC_ROOT) != 0);
        REQUIRE(ucall(td, SYS_setuid, {1000}).ok());
        CHECK(ktrace_as(td, 0, KTROP_CLEAR, KTRFAC_SYSCALL, self(td)).err == Errno::Perm);
        CHECK(ktrace_as(td, UPATH, KTROP_CLEARFILE, 0, 0).err == Errno::Perm);
        CHECK(td->td_proc->p_tracesink != nullptr);
        ucall(td, SYS_exit, {0});
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    CHECK(wait_for(pid_t(r.a0)) == 0);
    CHECK(ktr_sinks().empty()); // its exit let go of the trace
}

TEST_CASE("ktrace: FreeBSD's errors for bad operations, facilities, pids and paths; nothing left behind")
{
    KtrWorld s;
    make_file("/tmp/kt");
    make_file("/tmp/ro", 0444);
    char dir[] = "/tmp/dir";
    REQUIRE(kern_mkdir(&thread0, dir, 0755) == Errno::Ok);
    proc* a = parked();
    const pid_t pid = a->p_pid;
    // The initrd makes a member's vnode the first time a path names it,
    // and keeps it: made before the baseline.
    CHECK(ktrace0("/etc/motd", KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::RoFs);
    const Counts before = settled_counts(s.w);
    CHECK(ktrace0("/tmp/kt", 3, KTRFAC_SYSCALL, pid).err == Errno::Inval);            // no such operation
    CHECK(ktrace0("/tmp/kt", KTROP_SET | 8, KTRFAC_SYSCALL, pid).err == Errno::Inval); // unknown flag
    CHECK(ktrace0("/tmp/kt", KTROP_SET, 0, pid).err == Errno::Inval);                 // no facility
    CHECK(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_INHERIT, pid).err == Errno::Inval);    // a flag only
    CHECK(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_DROP | KTRFAC_SYSCALL, pid).err == Errno::Inval);
    CHECK(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_SYSCALL, 99999).err == Errno::Srch);
    CHECK(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_SYSCALL, -99999).err == Errno::Srch);
    CHECK(ktrace0("/tmp/missing", KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::NoEnt);
    CHECK(ktrace0("/etc/motd", KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::RoFs);
    CHECK(ktrace0("/tmp/dir", KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::IsDir);
    CHECK(ktrace0("/dev/fd/77", KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::BadF);
    CHECK(ktrace0("/dev/fd/", KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::NoEnt); // a path like any
    CHECK(ktrace_as(&thread0, BAD, KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::Fault);
    CHECK(ktrace_as(&thread0, 0, KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::Fault);
    std::string longpath(1100, 'a');
    put_path("/tmp/" + longpath);
    CHECK(ktrace_as(&thread0, UPATH, KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::NameTooLong);
    CHECK(ktrace0("/tmp/kt", KTROP_SET, KTRFAC_SYSCALL, 0).err == Errno::Perm); // proc0: a kernel process
    CHECK_COUNTS(settled_counts(s.w), before);
    // A read-only descriptor, and a file mode a user may not write.
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    CHECK(ktrace0("/dev/fd/" + std::to_string(fds[0]), KTROP_SET, KTRFAC_SYSCALL, pid).err == Errno::BadF);
    REQUIRE(fdclose(proc0.p_fd, fds[0]) == Errno::Ok);
    REQUIRE(fdclose(proc0.p_fd, fds[1]) == Errno::Ok);
    g_target = pid;
    put_path("/tmp/ro");
    UserModeScope um([](thread* td) {
        REQUIRE(ucall(td, SYS_setuid, {1000}).ok());
        CHECK(ktrace_as(td, UPATH, KTROP_SET, KTRFAC_SYSCALL, self(td)).err == Errno::Acces);
        ucall(td, SYS_exit, {0});
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    CHECK(wait_for(pid_t(r.a0)) == 0);
    CHECK(a->p_tracesink == nullptr);
    CHECK(ktr_sinks().empty()); // the world's end checks every object and page came back
    finish({a});
}
