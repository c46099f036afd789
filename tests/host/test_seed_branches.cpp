// Branches of the seed's kern_fork.c that once had no test to fail when
// they broke (each was mutated and the whole host suite still passed).
// Every case names the seed's lines it holds and the mutant it kills.
#include "console_capture.h"
#include "proc_test_util.h"

#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/proc/kern_kthread.h>
#include <kernel/proc/kern_prot.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/pid.h>
#include <kernel/proc/sigacts.h>
#include <kernel/random.h>
#include <mm/vmspace.h>

#include <string>

using namespace proctest;

namespace {

void child_exit(void*) { exit1(curthread(), 0); }

proc* must_fork_from(thread* td, int flags, void (*fn)(void*) = child_exit, void* arg = nullptr)
{
    proc* p = spawn_from(td, fn, arg, flags);
    REQUIRE(p);
    return p;
}

// randompid is off in these tests: the allocator never draws.
struct NoRandom final : RandomSource {
    uint32_t next_u32() override
    {
        FAIL("randompid is off: nothing may draw");
        return 0;
    }
};

// The pid the seed would give the next fork if lastpid were `last`.
pid_t next_pid_after(pid_t last)
{
    NoRandom rng;
    PidAllocator a(rng, last);
    Result<PidChoice> c = a.choose(PidRange::Normal, proc_table());
    REQUIRE(c.ok());
    return c.value().pid;
}

} // namespace

// Seed: the pid search tests p_pgrp->pg_id and p_session->s_sid of every
// process, so an id stays taken while a group or session of that id lives,
// even after its leader has exited.  Mutant killed: the search (or the ids
// in use it reads) forgetting groups and sessions.
TEST_CASE("seed: a new pid never equals a live group or session id whose leader has exited")
{
    ProcWorld w;
    proc* leader = must_fork_from(&thread0, RFFDG | RFPROC | RFSTOPPED);
    const pid_t id = leader->p_pid;
    REQUIRE(kern_setsid(leader->p_thread).value() == id);
    // A member keeps the group and the session alive after the leader.
    proc* member = must_fork_from(leader->p_thread, RFFDG | RFPROC | RFSTOPPED);
    CHECK(member->p_pgrp->pg_id == id);
    const pid_t member_pid = member->p_pid;
    // The member becomes proc0's child when its parent exits: init is
    // never run here, so it is adopted by nobody who would reap it early.
    sched_add(leader->p_thread);
    CHECK(wait_for(id) == 0);
    CHECK(proc_table().pfind(id) == nullptr);
    CHECK(proc_zones().pgrps.pgfind(id) != nullptr);
    // The seed skips the id while the group lives...
    CHECK(next_pid_after(id - 1) != id);
    // ...and only the group: with the member in a group of its own (its
    // session still has the leader's id) the group id is free, the
    // session id is not.
    REQUIRE(kern_setpgid(member->p_thread, 0, 0) == Errno::Ok);
    CHECK(proc_zones().pgrps.pgfind(id) == nullptr);
    CHECK(next_pid_after(id - 1) != id);
    // The member ends, the session with it: the id is free again.
    sched_add(member->p_thread);
    run_others();
    CHECK(ProcWorld::reap_orphans() == 1);
    CHECK(proc_table().pfind(member_pid) == nullptr);
    CHECK(next_pid_after(id - 1) == id);
}

// The same for a group alone: its id is no session's.
TEST_CASE("seed: a new pid never equals the id of a live group whose leader has exited")
{
    ProcWorld w;
    proc* leader = must_fork_from(&thread0, RFFDG | RFPROC | RFSTOPPED);
    const pid_t id = leader->p_pid;
    REQUIRE(kern_setpgid(leader->p_thread, 0, 0) == Errno::Ok);
    REQUIRE(proc_session(leader)->s_sid != id);
    proc* member = must_fork_from(leader->p_thread, RFFDG | RFPROC | RFSTOPPED);
    CHECK(member->p_pgrp->pg_id == id);
    sched_add(leader->p_thread);
    CHECK(wait_for(id) == 0);
    CHECK(proc_table().pfind(id) == nullptr);
    CHECK(next_pid_after(id - 1) != id);
    sched_add(member->p_thread);
    run_others();
    CHECK(ProcWorld::reap_orphans() == 1);
    CHECK(next_pid_after(id - 1) == id);
}

// Seed: without RFSIGSHARE the child gets a copy of the parent's sigacts
// (sigacts_copy).  Mutant killed: fork leaving the child's actions at
// their defaults.
TEST_CASE("seed: a plain fork's child has its parent's handlers, masks and flags, in a copy")
{
    ProcWorld w;
    sigacts* ps = proc0.p_sigacts;
    sigaction act{};
    act.sa_handler = 0x12340;
    act.sa_flags = SA_ONSTACK | SA_SIGINFO | SA_NODEFER; // no SA_RESTART: interrupts calls
    sigaddset(act.sa_mask, SIGUSR2);
    REQUIRE(kern_sigaction_set(ps, SIGUSR1, &act, nullptr).ok());
    sigaction ign{};
    ign.sa_handler = SIG_IGN;
    REQUIRE(kern_sigaction_set(ps, SIGHUP, &ign, nullptr).ok());

    proc* p2 = must_fork_from(&thread0, RFFDG | RFPROC | RFSTOPPED);
    const sigacts* cs = p2->p_sigacts;
    REQUIRE(cs != ps);
    CHECK(cs->ps_sigact[sig_idx(SIGUSR1)] == 0x12340);
    CHECK(sigismember(cs->ps_catchmask[sig_idx(SIGUSR1)], SIGUSR2));
    CHECK(sigismember(cs->ps_sigcatch, SIGUSR1));
    CHECK(sigismember(cs->ps_sigonstack, SIGUSR1));
    CHECK(sigismember(cs->ps_siginfo, SIGUSR1));
    CHECK(sigismember(cs->ps_signodefer, SIGUSR1));
    CHECK(sigismember(cs->ps_sigintr, SIGUSR1));
    CHECK(cs->ps_sigact[sig_idx(SIGHUP)] == SIG_IGN);
    CHECK(sigismember(cs->ps_sigignore, SIGHUP));
    CHECK(memcmp(cs, ps, SIGACTS_COPY_SIZE) == 0);
    CHECK(cs->ps_refcnt == 1);
    // A copy: the parent's later change is not the child's.
    sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    REQUIRE(kern_sigaction_set(ps, SIGUSR1, &dfl, nullptr).ok());
    REQUIRE(kern_sigaction_set(ps, SIGHUP, &dfl, nullptr).ok());
    CHECK(cs->ps_sigact[sig_idx(SIGUSR1)] == 0x12340);
    CHECK(sigismember(cs->ps_sigignore, SIGHUP));
    sched_add(p2->p_thread);
    wait_for(p2->p_pid);
}

// Seed: rfork without RFPROC unshares the address space only without
// RFMEM (vm_forkproc's "if ((flags & RFMEM) == 0)").  Mutant killed: the
// no-RFPROC path unsharing under RFMEM too.
TEST_CASE("seed: rfork(RFMEM) without RFPROC keeps a shared address space shared")
{
    ProcWorld w;
    vmspace* vm = vmspace_hold(proc0.p_vmspace); // as an RFMEM sibling holds it
    fork_req fr;
    fr.fr_flags = RFMEM;
    REQUIRE(fork1(&thread0, fr).ok());
    CHECK(proc0.p_vmspace == vm);
    CHECK(vm->vm_refcnt == 2);
    fr.fr_flags = 0;
    REQUIRE(fork1(&thread0, fr).ok());
    CHECK(proc0.p_vmspace != vm);
    CHECK(vm->vm_refcnt == 1);
    vmspace_free(vm);
}

// Seed order without RFPROC: a failure changes nothing.  Sprig makes the
// new table first and applies it only after the address space step
// succeeded.  Mutant killed: the new table applied (and the old one
// dropped) although the address space could not be unshared.
TEST_CASE("seed: rfork(RFFDG) without RFPROC that cannot unshare the address space changes no table")
{
    ProcWorld w;
    ProcZones& z = proc_zones();
    const auto [fp, fd] = install_new_file(proc0.p_fd);
    filedesc* shared = fdshare(proc0.p_fd);
    filedesc* before_fd = proc0.p_fd;
    vmspace* vm = vmspace_hold(proc0.p_vmspace);
    const size_t tables = z.fds.tables.objects_in_use();
    const int refcnt = before_fd->fd_refcnt;

    z.vmspaces.fail_after(0);
    fork_req fr;
    fr.fr_flags = RFFDG;
    Result<proc*> r = fork1(&thread0, fr);
    z.vmspaces.fail_after(-1);
    CHECK(r.error() == Errno::NoMem);
    CHECK(proc0.p_fd == before_fd);
    CHECK(before_fd->fd_refcnt == refcnt);
    CHECK(z.fds.tables.objects_in_use() == tables);
    CHECK(fget_locked(proc0.p_fd, fd) == fp);
    CHECK(fp->f_count == 1);
    CHECK(proc0.p_vmspace == vm);
    CHECK(vm->vm_refcnt == 2);

    CHECK(fdclose(proc0.p_fd, fd) == Errno::Ok);
    fdfree(shared);
    vmspace_free(vm);
}

// Seed lines 716-732: each kind of fork adds the child's data and stack
// pages to its own counter.  Mutant killed: the page counters not kept.
TEST_CASE("seed: v_forkpages, v_vforkpages, v_rforkpages and v_kthreadpages add the child's data and stack pages")
{
    ProcWorld w;
    constexpr uint64_t TSIZE = 3, DSIZE = 5, SSIZE = 2;
    vmspace_set_sizes(proc0.p_vmspace, TSIZE, DSIZE, SSIZE);
    const ForkStats s0 = fork_stats();

    wait_for(must_fork_from(&thread0, RFFDG | RFPROC)->p_pid);
    CHECK(fork_stats().v_forkpages == s0.v_forkpages + DSIZE + SSIZE);

    wait_for(must_fork_from(&thread0, RFFDG | RFPROC | RFPPWAIT | RFMEM)->p_pid);
    CHECK(fork_stats().v_vforkpages == s0.v_vforkpages + DSIZE + SSIZE);

    // Other flags from proc0 are a kernel thread's fork.
    wait_for(must_fork_from(&thread0, RFPROC | RFMEM)->p_pid);
    CHECK(fork_stats().v_kthreadpages == s0.v_kthreadpages + DSIZE + SSIZE);

    // The same flags from any other process are an rfork; its child
    // shares the parent's space (RFMEM), so the same sizes.  (The parent's
    // own fork, RFSTOPPED from proc0, counts as a kernel thread's.)
    proc* parent = must_fork_from(&thread0, RFFDG | RFPROC | RFSTOPPED);
    CHECK(fork_stats().v_kthreadpages == s0.v_kthreadpages + 2 * (DSIZE + SSIZE));
    vmspace_set_sizes(parent->p_vmspace, TSIZE, DSIZE + 1, SSIZE + 1);
    proc* rchild = must_fork_from(parent->p_thread, RFPROC | RFMEM | RFSTOPPED);
    CHECK(fork_stats().v_rforkpages == s0.v_rforkpages + DSIZE + SSIZE + 2);
    CHECK(fork_stats().v_forkpages == s0.v_forkpages + DSIZE + SSIZE);
    sched_add(rchild->p_thread);
    sched_add(parent->p_thread);
    wait_for(parent->p_pid);
    run_others();
    CHECK(ProcWorld::reap_orphans() == 1);
    vmspace_set_sizes(proc0.p_vmspace, 0, 0, 0);
}

namespace {

proc* g_first = nullptr;
bool g_first_stack_freed = false;
ProcState g_first_state = ProcState::New;

// Runs right after g_first's thread died: its first act (fork_exit) has
// reaped the dead thread's stack already.
void second_child(void*)
{
    g_first_state = g_first->p_state;
    g_first_stack_freed = g_first->p_thread->td_kstack == nullptr;
    exit1(curthread(), 0);
}

} // namespace

// Seed: fork_exit's first act is to finish the switch, which frees the
// thread that died on the way here.  Mutant killed: that reap removed (the
// dead stack would wait for some later switch).
TEST_CASE("seed: a new thread's first run reaps the thread that died before it")
{
    ProcWorld w;
    g_first = must_fork_from(&thread0, RFFDG | RFPROC | RFSTOPPED);
    proc* second = must_fork_from(&thread0, RFFDG | RFPROC | RFSTOPPED, second_child);
    g_first_stack_freed = false;
    g_first_state = ProcState::New;
    sched_add(g_first->p_thread);
    sched_add(second->p_thread);
    run_others();
    CHECK(g_first_state == ProcState::Zombie); // it ran after the first one's exit
    CHECK(g_first_stack_freed);
    wait_for(g_first->p_pid);
    wait_for(second->p_pid);
}

// Seed fork_exit: a kernel process whose function returns is reported and
// ended with kproc_exit.  Mutant killed: the message removed.
TEST_CASE("seed: a kernel process that returns says it exited prematurely, and ends")
{
    ProcWorld w;
    credtest::ConsoleCapture cap;
    proc* p = kproc_create([](void*) {}, nullptr, "kquick", PVM).release_value();
    const pid_t pid = p->p_pid;
    run_others();
    const std::string want = "Kernel thread \"kquick\" (pid " + std::to_string(pid) + ") exited prematurely.";
    CHECK(cap.count(want) == 1);
    CHECK(proc_table().pfind(pid)->p_state == ProcState::Zombie);
    CHECK(ProcWorld::reap_orphans() == 1);
}

// Seed: fork1's pages argument, 0 meaning the default kernel stack.
// Mutant killed: the default changed.
TEST_CASE("seed: fr_pages 0 gives a KSTACK_PAGES kernel stack; another count gives that many")
{
    ProcWorld w;
    proc* p = must_fork_from(&thread0, RFFDG | RFPROC | RFSTOPPED);
    CHECK(p->p_thread->td_kstack_obj.pages() == KSTACK_PAGES);
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC | RFSTOPPED;
    fr.fr_func = child_exit;
    fr.fr_pages = 2;
    proc* q = fork1(&thread0, fr).value();
    CHECK(q->p_thread->td_kstack_obj.pages() == 2);
    sched_add(p->p_thread);
    sched_add(q->p_thread);
    wait_for(p->p_pid);
    wait_for(q->p_pid);
}
