// fork1, exit1 and wait4 on the host, branch by branch (the seed's
// kern_fork.c): children are real threads on host stacks, switched to for
// real; vfork parents really sleep.
#include "proc_test_util.h"

#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/fork_log.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/proc/kern_kthread.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/vm_machdep.h>
#include <mm/vmspace.h>

#include <vector>

using namespace proctest;

namespace {

// A child that does nothing and exits with the code in its argument.
void child_exit(void* arg) { exit1(curthread(), W_EXITCODE(static_cast<int>(reinterpret_cast<intptr_t>(arg)), 0)); }

Result<proc*> fork_child(int flags, void (*fn)(void*) = child_exit, void* arg = nullptr)
{
    fork_req fr;
    fr.fr_flags = flags;
    fr.fr_func = fn;
    fr.fr_arg = arg;
    return fork1(&thread0, fr);
}

proc* must_fork(int flags, void (*fn)(void*) = child_exit, void* arg = nullptr)
{
    Result<proc*> r = fork_child(flags, fn, arg);
    REQUIRE(r.ok());
    return r.value();
}

} // namespace

TEST_CASE("fork1: RFFDG|RFCFDG and RFPPWAIT|RFNOWAIT are EINVAL, nothing changes")
{
    ProcWorld w;
    const Counts before = w.counts();
    const pid_t last = pid_allocator().lastpid();
    CHECK(fork_child(RFPROC | RFFDG | RFCFDG).error() == Errno::Inval);
    CHECK(fork_child(RFFDG | RFCFDG).error() == Errno::Inval);
    CHECK(fork_child(RFPROC | RFPPWAIT | RFNOWAIT | RFMEM).error() == Errno::Inval);
    CHECK(w.counts() == before);
    CHECK(pid_allocator().lastpid() == last);
}

TEST_CASE("rfork from user space refuses the kernel-only flags")
{
    ProcWorld w;
    for (int f : {RFSTOPPED, RFHIGHPID, RFPPWAIT}) {
        CAPTURE(f);
        CHECK(sys_rfork(&thread0, RFPROC | RFFDG | f) == Errno::Inval);
    }
    CHECK(fork_stats().v_rforks == 0);
}

TEST_CASE("fork: the child is a copy, runs, exits, and its parent reaps it")
{
    ProcWorld w;
    const Counts before = w.counts();
    const ForkStats stats0 = fork_stats();
    proc* p1 = &proc0;
    p1->p_flag |= pflag::P_SUGID;
    proc* p2 = must_fork(RFFDG | RFPROC, child_exit, reinterpret_cast<void*>(7));
    const pid_t pid = p2->p_pid;
    CHECK(pid == 2); // init is 1
    CHECK(pid_allocator().lastpid() == 2);
    CHECK(p2->p_pptr == p1);
    CHECK(p1->p_children.front() == p2);
    CHECK(p2->p_ucred == p1->p_ucred); // shared by reference
    CHECK(p2->p_ucred->cr_ref >= 3);  // proc0, thread0, child and its thread
    CHECK(p2->p_limit == p1->p_limit);
    CHECK(p2->p_sigacts != p1->p_sigacts);
    CHECK(p2->p_fd != p1->p_fd);
    CHECK(p2->p_vmspace != p1->p_vmspace);
    CHECK(p2->p_sigparent == SIGCHLD);
    CHECK(p2->p_leader == p2);
    CHECK((p2->p_flag & pflag::P_SUGID) != 0);
    CHECK((p2->p_flag & pflag::P_INMEM) != 0);
    CHECK(p2->p_acflag == AFORK);
    CHECK(p2->p_pgrp == p1->p_pgrp);
    CHECK(p1->p_pgrp->pg_members.next(p1) == p2); // right after its parent
    CHECK(p2->p_state == ProcState::Normal);
    CHECK(p2->p_thread->td_state == ThreadState::RunQ);
    CHECK(proc_table().pfind(pid) == p2);
    CHECK(fork_stats().v_forks == stats0.v_forks + 1);
    p1->p_flag &= ~pflag::P_SUGID;

    const int st = wait_for(pid);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 7);
    CHECK(proc_table().pfind(pid) == nullptr);
    CHECK(w.counts() == before);
}

TEST_CASE("fork: cpu_fork gives the child its parent's frame with fork returning 0 (and a1 = 1)")
{
    ProcWorld w;
    thread0.td_frame = new arch::TrapFrame{};
    for (unsigned i = 0; i < 32; i++) thread0.td_frame->x[i] = 1000 + i;
    thread0.td_frame->sepc = 0x10078;
    proc* p2 = must_fork(RFFDG | RFPROC | RFSTOPPED);
    const arch::TrapFrame& tf = *p2->p_thread->td_frame;
    CHECK(tf.x[10] == 0); // a0
    CHECK(tf.x[11] == 1); // a1: "this is the child" (FreeBSD's td_retval[1])
    CHECK(tf.x[5] == 0);  // t0: no error
    CHECK(tf.x[2] == 1002);
    CHECK(tf.x[8] == 1008);
    CHECK(tf.sepc == 0x10078);
    CHECK(p2->p_thread->td_state == ThreadState::Inactive); // RFSTOPPED: off the run queue
    CHECK(sched_runnable() == 0);
    delete thread0.td_frame;
    thread0.td_frame = nullptr;
    sched_add(p2->p_thread);
    wait_for(p2->p_pid);
}

namespace {
thread* g_user_td = nullptr;
uint64_t g_user_a0 = ~0ull;
void fake_user_mode(thread* td)
{
    g_user_td = td;
    g_user_a0 = td->td_frame->a(0);
    exit1(td, W_EXITCODE(3, 0));
}
} // namespace

TEST_CASE("fork: a child without a kernel function returns to user mode through fork_return")
{
    ProcWorld w;
    auto old = arch::set_user_mode_hook(fake_user_mode);
    thread0.td_frame = new arch::TrapFrame{};
    thread0.td_frame->a(0) = 55;
    REQUIRE(sys_fork(&thread0) == Errno::Ok);
    const auto pid = static_cast<pid_t>(thread0.td_retval[0]);
    CHECK(pid > 1);
    const int st = wait_for(pid);
    CHECK(WEXITSTATUS(st) == 3);
    CHECK(g_user_a0 == 0);
    CHECK(g_user_td != &thread0);
    delete thread0.td_frame;
    thread0.td_frame = nullptr;
    arch::set_user_mode_hook(old);
}

TEST_CASE("fork: RFSIGSHARE shares sigacts, otherwise they are copied; RFLINUXTHPN means SIGUSR1")
{
    ProcWorld w;
    proc* a = must_fork(RFFDG | RFPROC | RFSIGSHARE | RFSTOPPED);
    CHECK(a->p_sigacts == proc0.p_sigacts);
    CHECK(proc0.p_sigacts->ps_refcnt == 2);
    proc* b = must_fork(RFFDG | RFPROC | RFSTOPPED | RFLINUXTHPN);
    CHECK(b->p_sigacts != proc0.p_sigacts);
    CHECK(b->p_sigparent == SIGUSR1);
    sched_add(a->p_thread);
    sched_add(b->p_thread);
    wait_for(a->p_pid);
    CHECK(proc0.p_sigacts->ps_refcnt == 1);
    // A child whose exit signal is not SIGCHLD is seen only by WLINUXCLONE.
    run_others();
    int st = 0;
    CHECK(kern_wait(&thread0, b->p_pid, &st, WNOHANG).error() == Errno::Child);
    const pid_t bpid = b->p_pid;
    CHECK(kern_wait(&thread0, WAIT_ANY, &st, WLINUXCLONE).value() == bpid);
}

TEST_CASE("exit1: the parent is sent the child's exit signal, SIGCHLD or RFLINUXTHPN's SIGUSR1")
{
    ProcWorld w;
    // proc0 catches SIGCHLD (an ignored signal would be dropped, not
    // posted); both signals are blocked, so they stay pending for proc0
    // (which never returns to user mode) instead of interrupting its wait.
    sigaction act{};
    act.sa_handler = 0x10000; // any user address: "caught"
    REQUIRE(kern_sigaction_set(proc0.p_sigacts, SIGCHLD, &act, nullptr).ok());
    sigaddset(thread0.td_sigmask, SIGCHLD);
    sigaddset(thread0.td_sigmask, SIGUSR1);
    proc* a = must_fork(RFFDG | RFPROC | RFSTOPPED);
    const pid_t apid = a->p_pid;
    sched_add(a->p_thread);
    wait_for(apid);
    CHECK(sigismember(proc0.p_siglist, SIGCHLD));
    CHECK(!sigismember(proc0.p_siglist, SIGUSR1));
    sigdelset(proc0.p_siglist, SIGCHLD);

    proc* b = must_fork(RFFDG | RFPROC | RFSTOPPED | RFLINUXTHPN);
    const pid_t bpid = b->p_pid;
    sched_add(b->p_thread);
    run_others();
    CHECK(sigismember(proc0.p_siglist, SIGUSR1));
    CHECK(!sigismember(proc0.p_siglist, SIGCHLD));
    int st = 0;
    CHECK(kern_wait(&thread0, bpid, &st, WLINUXCLONE).value() == bpid);
    sigdelset(proc0.p_siglist, SIGUSR1);
    sigemptyset(thread0.td_sigmask);
    act.sa_handler = SIG_DFL;
    REQUIRE(kern_sigaction_set(proc0.p_sigacts, SIGCHLD, &act, nullptr).ok());
}

TEST_CASE("fork: the child's statistics start at zero and its start time is the fork's")
{
    ProcWorld w;
    proc0.p_stats.p_runticks = 500;
    for (int i = 0; i < 3; i++) {
        IntrOff off;
        hardclock();
    }
    const uint64_t now = ticks();
    proc* p = must_fork(RFFDG | RFPROC | RFSTOPPED);
    CHECK(p->p_stats.p_runticks == 0);
    CHECK(p->p_stats.p_start == now);
    CHECK(p->p_swtick == now);
    proc0.p_stats.p_runticks = 0;
    sched_add(p->p_thread);
    wait_for(p->p_pid);
}

TEST_CASE("fork: descriptor tables copied (RFFDG), empty (RFCFDG) or shared (neither)")
{
    ProcWorld w;
    const auto [fp, fd] = install_new_file(proc0.p_fd);
    const uint32_t count0 = fp->f_count;

    proc* c = must_fork(RFPROC | RFFDG | RFSTOPPED);
    CHECK(fget_locked(c->p_fd, fd) == fp); // same open file: offsets shared
    CHECK(fp->f_count == count0 + 1);
    fp->f_offset = 42;
    CHECK(fget_locked(c->p_fd, fd)->f_offset == 42);

    proc* e = must_fork(RFPROC | RFCFDG | RFSTOPPED);
    CHECK(fget_locked(e->p_fd, fd) == nullptr);

    proc* s = must_fork(RFPROC | RFSTOPPED);
    CHECK(s->p_fd == proc0.p_fd);
    CHECK(proc0.p_fd->fd_refcnt == 2);
    REQUIRE(proc0.p_fdtol != nullptr); // the parent's record, made on first share
    CHECK(s->p_fdtol != nullptr);
    CHECK(s->p_fdtol != proc0.p_fdtol); // not a peer: a record of its own
    CHECK(s->p_fdtol->fdl_leader == s);

    proc* t = must_fork(RFPROC | RFTHREAD | RFSTOPPED);
    CHECK(t->p_fdtol == proc0.p_fdtol); // a peer: its leader's record
    CHECK(t->p_leader == &proc0);
    CHECK(proc0.p_peers == t);

    for (proc* p : {c, e, s, t}) sched_add(p->p_thread);
    for (pid_t pid : {c->p_pid, e->p_pid, s->p_pid, t->p_pid}) wait_for(pid);
    CHECK(proc0.p_peers == nullptr);
    CHECK(proc0.p_fd->fd_refcnt == 1);
    CHECK(fp->f_count == count0);
    CHECK(fdclose(proc0.p_fd, fd) == Errno::Ok);
}

TEST_CASE("rfork without RFPROC changes the caller: RFCFDG closes all, RFFDG unshares, vmspace unshared")
{
    ProcWorld w;
    const auto [fp, fd] = install_new_file(proc0.p_fd);
    filedesc* shared = fdshare(proc0.p_fd); // as a sharing sibling would hold it
    vmspace* vm = vmspace_hold(proc0.p_vmspace);

    REQUIRE(fork_child(RFFDG).ok());
    CHECK(proc0.p_fd != shared); // unshared: a copy of its own
    CHECK(fget_locked(proc0.p_fd, fd) == fp);
    CHECK(proc0.p_vmspace != vm); // no RFMEM: the shared space was unshared
    CHECK(vm->vm_refcnt == 1);

    REQUIRE(fork_child(RFCFDG | RFMEM).ok());
    CHECK(fget_locked(proc0.p_fd, fd) == nullptr);
    CHECK(fget_locked(shared, fd) == fp); // the other holder keeps its files
    CHECK(fp->f_count == 1);
    fdfree(shared);
    vmspace_free(vm);
}

TEST_CASE("fork: RFNOWAIT makes init the parent; orphans go to init")
{
    ProcWorld w;
    proc* a = must_fork(RFPROC | RFFDG | RFNOWAIT);
    CHECK(a->p_pptr == initproc);
    const pid_t apid = a->p_pid;
    run_others();
    int st = 0;
    CHECK(kern_wait(&thread0, apid, &st, WNOHANG).error() == Errno::Child);
    CHECK(ProcWorld::reap_orphans() == 1);

    // A parent that exits leaves its children to init.
    static pid_t grandchild;
    auto parent = [](void*) {
        fork_req fr;
        fr.fr_flags = RFPROC | RFFDG | RFSTOPPED;
        fr.fr_func = child_exit;
        proc* gc = fork1(curthread(), fr).release_value();
        grandchild = gc->p_pid;
        sched_add(gc->p_thread);
        exit1(curthread(), 0);
    };
    proc* b = must_fork(RFPROC | RFFDG, parent);
    wait_for(b->p_pid);
    run_others();
    proc* gc = proc_table().pfind(grandchild);
    REQUIRE(gc);
    CHECK(gc->p_pptr == initproc);
    CHECK(ProcWorld::reap_orphans() == 1);
}

namespace {
int g_vfork_step = 0;
void vfork_child(void*)
{
    // The parent sleeps in fork1 while this runs.
    CHECK(g_vfork_step == 0);
    CHECK(thread0.td_state == ThreadState::Inhibited);
    g_vfork_step = 1;
    pause("child", 3); // the parent must still sleep
    g_vfork_step = 2;
    exit1(curthread(), W_EXITCODE(9, 0));
}
} // namespace

TEST_CASE("vfork: the parent sleeps until the child exits; the child shares the vmspace")
{
    ProcWorld w;
    const ForkStats s0 = fork_stats();
    g_vfork_step = 0;
    Result<proc*> r = fork_child(RFFDG | RFPROC | RFPPWAIT | RFMEM, vfork_child);
    REQUIRE(r.ok());
    CHECK(g_vfork_step == 2); // fork1 returned only after the child's exit
    proc* p2 = r.value();
    CHECK((p2->p_flag & pflag::P_PPWAIT) == 0);
    CHECK(fork_stats().v_vforks == s0.v_vforks + 1);
    CHECK(WEXITSTATUS(wait_for(p2->p_pid)) == 9);
}

TEST_CASE("RFTHREAD: the leader's exit kills its peers and waits for them")
{
    ProcWorld w;
    static std::vector<Errno> woke;
    woke.clear();
    auto peer = [](void*) {
        // Sleeps until a signal ends the sleep, then leaves as a return
        // to user mode would.
        const Errno e = tsleep(&woke, PWAIT | PCATCH, "peer", 0);
        woke.push_back(e);
        userret(curthread());
        FAIL("a killed peer came back from userret");
    };
    auto leader = [](void* fn) {
        fork_req fr;
        fr.fr_flags = RFPROC | RFTHREAD | RFMEM;
        fr.fr_func = reinterpret_cast<void (*)(void*)>(fn);
        for (int i = 0; i < 3; i++) REQUIRE(fork1(curthread(), fr).ok());
        pause("peers", 2); // the peers are asleep now
        exit1(curthread(), 0);
    };
    void (*peer_fn)(void*) = peer;
    proc* l = must_fork(RFPROC | RFFDG, leader, reinterpret_cast<void*>(peer_fn));
    const pid_t lpid = l->p_pid;
    wait_for(lpid); // the leader only becomes a zombie after its peers died
    CHECK(woke.size() == 3);
    for (Errno e : woke) CHECK(e == Errno::Intr);
    // The peers were the leader's children: init has them now.
    CHECK(ProcWorld::reap_orphans() == 3);
}

TEST_CASE("RFTHREAD: a peer forked while the leader exits gets SIGKILL at once")
{
    ProcWorld w;
    proc0.p_flag |= pflag::P_WEXIT;
    proc* t = must_fork(RFPROC | RFTHREAD | RFSTOPPED | RFMEM);
    CHECK(sigismember(t->p_siglist, SIGKILL));
    CHECK((t->p_thread->td_flags & tdflag::TDF_NEEDSIGCHK) != 0);
    proc0.p_flag &= ~pflag::P_WEXIT;
    sched_add(t->p_thread);
    const int st = wait_for(t->p_pid);
    // It had not yet run: its first sleep point or userret kills it; here
    // child_exit exits normally, which is also an end.
    CHECK((WIFEXITED(st) || WTERMSIG(st) == SIGKILL));
    CHECK(proc0.p_peers == nullptr);
}

TEST_CASE("wait4: WNOHANG, ECHILD, pid and process-group selection, EINVAL")
{
    ProcWorld w;
    int st = 0;
    // proc0's one child is init, alive: nothing to reap yet.
    CHECK(kern_wait(&thread0, WAIT_ANY, &st, WNOHANG).value() == 0);
    CHECK(kern_wait(initproc->p_thread, WAIT_ANY, &st, WNOHANG).error() == Errno::Child);
    CHECK(kern_wait(&thread0, WAIT_ANY, &st, 0x4000).error() == Errno::Inval);
    proc* a = must_fork(RFPROC | RFFDG | RFSTOPPED);
    CHECK(kern_wait(&thread0, WAIT_ANY, &st, WNOHANG).value() == 0); // alive
    CHECK(kern_wait(&thread0, a->p_pid + 100, &st, WNOHANG).error() == Errno::Child);
    sched_add(a->p_thread);
    const pid_t apid = a->p_pid;
    run_others();
    // Same process group (0 = mine), then the group by number.
    CHECK(kern_wait(&thread0, WAIT_MYPGRP, &st, WNOHANG | WNOWAIT).value() == apid);
    CHECK(proc_table().pfind(apid) != nullptr); // WNOWAIT left it
    CHECK(kern_wait(&thread0, apid, &st, WNOHANG).value() == apid);
}

TEST_CASE("exit by SIGKILL: the status says so, and the sleep it was in ended")
{
    ProcWorld w;
    static int chan;
    auto sleeper = [](void*) {
        for (;;) {
            (void)tsleep(&chan, PWAIT | PCATCH, "sleeper", 0);
            userret(curthread());
        }
    };
    proc* p = must_fork(RFPROC | RFFDG, sleeper);
    run_others();
    CHECK(p->p_thread->td_state == ThreadState::Inhibited);
    psignal(p, SIGKILL);
    const int st = wait_for(p->p_pid);
    CHECK(WIFSIGNALED(st));
    CHECK(WTERMSIG(st) == SIGKILL);
}

TEST_CASE("psignal: an ignored signal is dropped, a blocked one stays pending")
{
    ProcWorld w;
    proc* p = must_fork(RFPROC | RFFDG | RFSTOPPED);
    psignal(p, SIGCHLD); // default action: ignore
    CHECK(!sigismember(p->p_siglist, SIGCHLD));
    sigaddset(p->p_thread->td_sigmask, SIGTERM);
    psignal(p, SIGTERM);
    CHECK(sigismember(p->p_siglist, SIGTERM));
    CHECK(cursig(p->p_thread) == 0);
    sched_add(p->p_thread);
    wait_for(p->p_pid);
}

TEST_CASE("pgsignal: with checkctty only members with a controlling terminal get the signal")
{
    ProcWorld w;
    proc* with_tty = must_fork(RFPROC | RFFDG | RFSTOPPED);
    proc* without = must_fork(RFPROC | RFFDG | RFSTOPPED);
    REQUIRE(with_tty->p_pgrp == without->p_pgrp);
    with_tty->p_flag |= pflag::P_CONTROLT;
    pgsignal(with_tty->p_pgrp, SIGTERM, true);
    CHECK(sigismember(with_tty->p_siglist, SIGTERM));
    CHECK(!sigismember(without->p_siglist, SIGTERM));
    CHECK(!sigismember(proc0.p_siglist, SIGTERM));
    sched_add(with_tty->p_thread);
    sched_add(without->p_thread);
    wait_for(with_tty->p_pid);
    wait_for(without->p_pid);
}

TEST_CASE("fork: the child has no pending signals but its parent's mask and signal stack")
{
    ProcWorld w;
    sigaddset(thread0.td_sigmask, SIGUSR2);
    thread0.td_sigstk.ss_size = 8192;
    thread0.td_pflags |= tdpflag::TDP_ALTSTACK;
    sigaddset(proc0.p_siglist, SIGHUP);
    proc* p = must_fork(RFPROC | RFFDG | RFSTOPPED);
    CHECK(sigismember(p->p_thread->td_sigmask, SIGUSR2));
    CHECK(p->p_thread->td_sigstk.ss_size == 8192);
    CHECK((p->p_thread->td_pflags & tdpflag::TDP_ALTSTACK) != 0);
    CHECK(!sigismember(p->p_siglist, SIGHUP));
    sigdelset(proc0.p_siglist, SIGHUP);
    thread0.td_sigmask = {};
    thread0.td_sigstk = {};
    thread0.td_pflags = 0;
    sched_add(p->p_thread);
    wait_for(p->p_pid);
}

TEST_CASE("fork: the text vnode is referenced by the child and released at exit")
{
    ProcWorld w;
    vnode text{};
    text.v_usecount = 1;
    proc0.p_textvp = &text;
    proc* p = must_fork(RFPROC | RFFDG | RFSTOPPED);
    CHECK(p->p_textvp == &text);
    CHECK(text.v_usecount == 2);
    sched_add(p->p_thread);
    wait_for(p->p_pid);
    CHECK(text.v_usecount == 1);
    proc0.p_textvp = nullptr;
}

TEST_CASE("fork: P_CONTROLT is inherited only with a terminal in the session; RFPPWAIT sets P_PPWAIT")
{
    ProcWorld w;
    proc0.p_flag |= pflag::P_CONTROLT;
    proc* a = must_fork(RFPROC | RFFDG | RFSTOPPED);
    CHECK((a->p_flag & pflag::P_CONTROLT) == 0); // no terminal
    session* s = proc_session(&proc0);
    s->s_ttyp = reinterpret_cast<tty*>(&w); // any non-null terminal
    proc* b = must_fork(RFPROC | RFFDG | RFSTOPPED);
    CHECK((b->p_flag & pflag::P_CONTROLT) != 0);
    s->s_ttyp = nullptr;
    proc0.p_flag &= ~pflag::P_CONTROLT;
    for (proc* p : {a, b}) sched_add(p->p_thread);
    wait_for(a->p_pid);
    wait_for(b->p_pid);
}

TEST_CASE("fork counters classify as the seed does, and the process_fork event reaches its consumer")
{
    ProcWorld w;
    ForkLog& log = fork_log();
    log.register_handler();
    const ForkStats s0 = fork_stats();
    const uint64_t seen0 = log.total();
    std::vector<pid_t> pids;
    // The seed classifies by flags first: exactly fork's flags count as a
    // fork even from proc0; any other flags from proc0 count as a kthread.
    pids.push_back(must_fork(RFFDG | RFPROC)->p_pid);
    pids.push_back(must_fork(RFPROC | RFMEM)->p_pid);
    CHECK(fork_stats().v_forks == s0.v_forks + 1);
    CHECK(fork_stats().v_kthreads == s0.v_kthreads + 1);
    CHECK(fork_stats().v_rforks == s0.v_rforks);
    CHECK(log.total() == seen0 + 2);
    CHECK(log.recent(0).child == pids[1]);
    CHECK(log.recent(0).parent == 0);
    CHECK(log.recent(0).flags == (RFPROC | RFMEM));
    CHECK(log.recent(1).child == pids[0]);
    log.unregister_handler();
    pids.push_back(must_fork(RFFDG | RFPROC)->p_pid);
    CHECK(log.total() == seen0 + 2); // unhooked: no longer told
    CHECK(fork_stats().v_forks == s0.v_forks + 2);
    for (pid_t pid : pids) wait_for(pid);
}

TEST_CASE("kproc_create: a kernel process of proc0 runs its function; returning ends it via init")
{
    ProcWorld w;
    static int ran = 0;
    ran = 0;
    auto body = [](void*) { ran++; };
    proc* p = kproc_create(body, nullptr, "kworker", PVM).release_value();
    CHECK((p->p_flag & (pflag::P_SYSTEM | pflag::P_KTHREAD)) == (pflag::P_SYSTEM | pflag::P_KTHREAD));
    CHECK(strcmp(p->p_comm, "kworker") == 0);
    CHECK(p->p_vmspace == proc0.p_vmspace);
    const pid_t pid = p->p_pid;
    run_others();
    CHECK(ran == 1);
    proc* z = proc_table().pfind(pid);
    REQUIRE(z);
    CHECK(z->p_state == ProcState::Zombie);
    CHECK(z->p_pptr == initproc);
    CHECK(ProcWorld::reap_orphans() == 1);
}
