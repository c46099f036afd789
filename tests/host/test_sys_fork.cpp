// fork, vfork, rfork and wait4 through the system call dispatcher, as a
// user program makes them: the two returns of fork (parent: the child's
// pid and a1 = 0; child: a0 = 0, a1 = 1, the rest of its frame the
// parent's after the ecall), the vfork parent asleep until its child
// exits, rfork's refusals, wait4's pid forms, options, copies and errors,
// and fork's EAGAIN at RLIMIT_NPROC and kern.maxproc (root's reserve).  Every case ends with the process counts back at baseline
// (ProcWorld checks the rest).
#include "syscall_test_util.h"

#include <abi/resource.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/proc/kern_prot.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/pgrp.h>

using namespace proctest;

namespace {

arch::TrapFrame g_child_frame;
const char* g_parent_wmesg = nullptr;
uint32_t g_child_pflag = 0;

// The forked child's "user code": note its registers, exit with 7.
void child_records_and_exits_7(thread* td)
{
    g_child_frame = *td->td_frame;
    ucall(td, SYS_exit, {7});
}

// A vfork child: writes into the memory it shares with its parent, sees
// its parent asleep, exits with 3.
void vfork_child(thread* td)
{
    g_child_frame = *td->td_frame;
    g_child_pflag = td->td_proc->p_flag;
    thread* parent = td->td_proc->p_pptr->p_thread;
    g_parent_wmesg = parent->td_state == ThreadState::Inhibited ? parent->td_wmesg : nullptr;
    uwrite<uint64_t>(UBUF + 256, 0x1234);
    ucall(td, SYS_exit, {3});
}

void child_exits_5(thread* td) { ucall(td, SYS_exit, {5}); }

void fill_frame(arch::TrapFrame& tf)
{
    for (unsigned i = 1; i < 32; i++) tf.x[i] = 0x1000 + i;
    tf.sepc = 0x40000;
}

UResult wait4(int64_t pid, uint64_t ustatus = 0, int options = 0, uint64_t urusage = 0)
{
    return ucall(SYS_wait4, {static_cast<uint64_t>(pid), ustatus, static_cast<uint64_t>(options),
                             urusage});
}

} // namespace

TEST_CASE("fork(2): the parent gets the pid and a1 = 0; the child a0 = 0, a1 = 1 and the parent's frame")
{
    SysWorld s;
    UserModeScope um(child_records_and_exits_7);
    // Garbage where wait4 will copy out (the pages touched before the count).
    for (uint64_t i = 0; i < 32; i++) uwrite<uint64_t>(UBUF + 8 * i, ~uint64_t{0});
    const Counts before = settled_counts(s.w);
    const uint32_t forks = fork_stats().v_forks;
    fill_frame(s.frame);
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    const auto pid = static_cast<pid_t>(r.a0);
    CHECK(pid > 1);
    CHECK(r.a1 == 0);
    CHECK(s.frame.sepc == 0x40004);
    CHECK(s.frame.x[12] == 0x1000 + 12); // a2 untouched
    CHECK(fork_stats().v_forks == forks + 1);

    // wait4 with the status and the usage copied out over the garbage.
    const UResult w = wait4(pid, UBUF, 0, UBUF + 64);
    REQUIRE(w.ok());
    CHECK(w.a0 == static_cast<uint64_t>(pid));
    CHECK(uread<int>(UBUF) == W_EXITCODE(7, 0));
    const rusage ru = uread<rusage>(UBUF + 64);
    CHECK(ru.ru_utime.tv_usec >= 0);
    CHECK(ru.ru_utime.tv_usec < USEC_PER_SEC);
    CHECK(ru.ru_utime.tv_usec % (USEC_PER_SEC / HZ) == 0); // whole ticks
    CHECK(ru.ru_stime.tv_sec == 0);
    CHECK(ru.ru_stime.tv_usec == 0);
    CHECK(ru.ru_maxrss == 0);
    CHECK(ru.ru_nivcsw == 0);

    // The child came back from the same ecall: same sepc, same registers.
    CHECK(g_child_frame.sepc == 0x40004);
    CHECK(g_child_frame.a(0) == 0);
    CHECK(g_child_frame.a(1) == 1);
    CHECK(g_child_frame.t0() == 0);
    for (unsigned i : {1u, 2u, 8u, 9u, 12u, 13u, 17u, 18u, 31u}) CHECK(g_child_frame.x[i] == 0x1000 + i);
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("fork(2): copy-on-write: the child's writes stay its own")
{
    SysWorld s;
    UserModeScope um([](thread* td) {
        uwrite<uint64_t>(UBUF, 0xc0ffee);
        g_child_frame.x[5] = uread<uint64_t>(UBUF);
        ucall(td, SYS_exit, {0});
    });
    uwrite<uint64_t>(UBUF, 42);
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    REQUIRE(wait4(static_cast<int64_t>(r.a0)).ok());
    CHECK(g_child_frame.x[5] == 0xc0ffee);
    CHECK(uread<uint64_t>(UBUF) == 42);
}

TEST_CASE("vfork(2): the parent sleeps (ppwait) until its child exits; the child wrote into its memory")
{
    SysWorld s;
    UserModeScope um(vfork_child);
    const Counts before = settled_counts(s.w);
    const uint32_t vforks = fork_stats().v_vforks, forks = fork_stats().v_forks;
    g_parent_wmesg = nullptr;
    uwrite<uint64_t>(UBUF + 256, 0);
    fill_frame(s.frame);
    const UResult r = ucall(SYS_vfork);
    REQUIRE(r.ok());
    CHECK(r.a1 == 0);
    // By the time vfork returns, the child has run to its exit.
    proc* child = proc_table().pfind(static_cast<pid_t>(r.a0));
    REQUIRE(child);
    CHECK(child->p_state == ProcState::Zombie);
    CHECK(uread<uint64_t>(UBUF + 256) == 0x1234);
    CHECK(g_parent_wmesg != nullptr);
    CHECK(std::string(g_parent_wmesg ? g_parent_wmesg : "") == "ppwait");
    CHECK((g_child_pflag & pflag::P_PPWAIT) != 0);
    CHECK(g_child_frame.a(0) == 0);
    CHECK(g_child_frame.a(1) == 1);
    CHECK(g_child_frame.sepc == 0x40004);
    CHECK(fork_stats().v_vforks == vforks + 1);
    CHECK(fork_stats().v_forks == forks);
    REQUIRE(wait4(static_cast<int64_t>(r.a0), UBUF).ok());
    CHECK(uread<int>(UBUF) == W_EXITCODE(3, 0));
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("rfork(2): kernel-only flags and RFFDG|RFCFDG are EINVAL; without RFPROC it returns 0 and makes no child")
{
    SysWorld s;
    UserModeScope um(child_exits_5);
    const Counts before = settled_counts(s.w);
    for (int flags : {RFPROC | RFSTOPPED, RFPROC | RFHIGHPID, RFPROC | RFPPWAIT, RFPROC | RFFDG | RFCFDG,
                      RFFDG | RFCFDG, RFPPWAIT | RFMEM}) {
        CAPTURE(flags);
        CHECK(ucall(SYS_rfork, {static_cast<uint64_t>(flags)}).err == Errno::Inval);
        CHECK_COUNTS(settled_counts(s.w), before);
    }
    for (int flags : {0, RFFDG, RFCFDG, RFMEM, RFNAMEG | RFENVG}) {
        CAPTURE(flags);
        const UResult r = ucall(SYS_rfork, {static_cast<uint64_t>(flags)});
        REQUIRE(r.ok());
        CHECK(r.a0 == 0);
        CHECK(r.a1 == 0);
        CHECK(fork_limits().nprocs() == before.nprocs);
    }
}

namespace {

UResult wait4_as(thread* td, int64_t pid, uint64_t ustatus = 0, int options = 0)
{
    return ucall(td, SYS_wait4, {static_cast<uint64_t>(pid), ustatus, static_cast<uint64_t>(options), 0});
}

} // namespace

TEST_CASE("rfork(2): RFPROC makes a child (counted as an rfork); RFNOWAIT gives it to init")
{
    SysWorld s;
    UserModeScope um(child_exits_5);
    const Counts before = settled_counts(s.w);
    const uint32_t rforks = fork_stats().v_rforks;
    // From a process other than proc0, whose forks count as the kernel's.
    CHECK(run_in_child([](thread* td) {
              const UResult r = ucall(td, SYS_rfork, {RFPROC | RFFDG | RFSIGSHARE});
              CHECK(r.ok());
              CHECK(r.a1 == 0);
              CHECK(wait4_as(td, r.value(), UBUF).value() == r.value());
              CHECK(uread<int>(UBUF) == W_EXITCODE(5, 0));
          }) == 0);
    CHECK(fork_stats().v_rforks == rforks + 1);

    const UResult r = ucall(SYS_rfork, {RFPROC | RFNOWAIT | RFFDG});
    REQUIRE(r.ok());
    const auto pid = static_cast<pid_t>(r.a0);
    CHECK(proc_table().pfind(pid)->p_pptr == initproc);
    run_others();
    CHECK(wait4(pid).err == Errno::Child); // not ours to wait for
    CHECK(ProcWorld::reap_orphans() == 1);
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("wait4(2): EINVAL for unknown options before ECHILD; ECHILD without children")
{
    SysWorld s;
    CHECK(wait4(-1, 0, 0x100).err == Errno::Inval);
    CHECK(wait4(-1, 0, WNOHANG | 0x40).err == Errno::Inval);
    CHECK(wait4(12345, 0, WNOHANG).err == Errno::Child);
    CHECK(run_in_child([](thread* td) {
              CHECK(wait4_as(td, -1).err == Errno::Child);
              CHECK(wait4_as(td, 0).err == Errno::Child);
              CHECK(wait4_as(td, -5).err == Errno::Child);
              // The flags FreeBSD 8 knows are accepted (no stopped
              // processes to report yet).
              CHECK(wait4_as(td, -1, 0, WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT).err == Errno::Child);
              CHECK(wait4_as(td, -1, 0, WLINUXCLONE).err == Errno::Child);
          }) == 0);
}

TEST_CASE("wait4(2): WNOHANG returns 0 and leaves the status alone while the child runs")
{
    SysWorld s;
    g_released = false;
    proc* c = spawn([](void*) {
        hold();
        exit1(curthread(), W_EXITCODE(9, 0));
    });
    const pid_t pid = c->p_pid;
    run_others();
    uwrite<int>(UBUF, 0x5a5a);
    const UResult r = wait4(pid, UBUF, WNOHANG);
    REQUIRE(r.ok());
    CHECK(r.a0 == 0);
    CHECK(uread<int>(UBUF) == 0x5a5a);
    release();
    REQUIRE(wait4(pid, UBUF).ok());
    CHECK(uread<int>(UBUF) == W_EXITCODE(9, 0));
}

TEST_CASE("wait4(2): a bad status or rusage pointer is EFAULT, and the child is reaped all the same")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    for (int which = 0; which < 2; which++) {
        proc* c = spawn([](void*) { exit1(curthread(), 0); });
        const pid_t pid = c->p_pid;
        run_others();
        const UResult r = which == 0 ? wait4(pid, BAD) : wait4(pid, UBUF, 0, BAD);
        CHECK(r.err == Errno::Fault);
        CHECK(wait4(pid).err == Errno::Child);
        CHECK_COUNTS(settled_counts(s.w), before);
    }
    // A kernel address is not a user one.
    proc* c = spawn([](void*) { exit1(curthread(), 0); });
    run_others();
    CHECK(wait4(c->p_pid, reinterpret_cast<uint64_t>(&s)).err == Errno::Fault);
    CHECK_COUNTS(settled_counts(s.w), before);
}

namespace {

// A child that moves itself into a group of its own, then waits to exit.
void own_group_child(void*)
{
    thread* td = curthread();
    CHECK(kern_setpgid(td, 0, 0) == Errno::Ok);
    hold();
    exit1(td, W_EXITCODE(2, 0));
}

void same_group_child(void*)
{
    hold();
    exit1(curthread(), W_EXITCODE(1, 0));
}

// In a group of its own: children a and c stay in it, b makes another.
void wait_forms(thread* td)
{
    CHECK(kern_setpgid(td, 0, 0) == Errno::Ok);
    proc* a = spawn_from(td, same_group_child);
    proc* b = spawn_from(td, own_group_child);
    proc* c = spawn_from(td, same_group_child);
    if (!a || !b || !c) return;
    const pid_t pa = a->p_pid, pb = b->p_pid, pc = c->p_pid;
    run_others();
    CHECK(b->p_pgrp->pg_id == pb);
    release();
    run_others();
    // The group of b only.
    CHECK(wait4_as(td, -pb, UBUF).value() == pb);
    CHECK(uread<int>(UBUF) == W_EXITCODE(2, 0));
    CHECK(wait4_as(td, -pb).err == Errno::Child);
    // That pid.
    CHECK(wait4_as(td, pc).value() == pc);
    // The caller's group: a is the one left in it.
    CHECK(wait4_as(td, WAIT_MYPGRP, UBUF).value() == pa);
    CHECK(uread<int>(UBUF) == W_EXITCODE(1, 0));
    CHECK(wait4_as(td, WAIT_ANY).err == Errno::Child);
}

} // namespace

TEST_CASE("wait4(2): pid > 0, 0 (the caller's group), < -1 (that group) and -1 (any)")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    g_released = false;
    CHECK(run_in_child(wait_forms) == 0);
    CHECK_COUNTS(settled_counts(s.w), before);
}

namespace {

Errno g_wait_error;
pid_t g_grandchild;

// Waits for a child that never exits by itself, until a signal ends the wait.
void waiting_child(void*)
{
    thread* td = curthread();
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC;
    fr.fr_func = same_group_child;
    Result<proc*> gc = fork1(td, fr);
    CHECK(gc.ok());
    g_grandchild = gc.ok() ? gc.value()->p_pid : 0;
    g_wait_error = ucall(td, SYS_wait4, {static_cast<uint64_t>(-1), 0, 0, 0}).err;
    exit1(td, 0);
}

} // namespace

TEST_CASE("wait4(2): EINTR when a signal ends the wait")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    g_released = false;
    g_wait_error = Errno::Ok;
    proc* c = spawn(waiting_child);
    const pid_t pid = c->p_pid;
    run_others();
    REQUIRE(c->p_thread->td_state == ThreadState::Inhibited);
    psignal(c, SIGTERM);
    run_others();
    CHECK(g_wait_error == Errno::Intr);
    CHECK(wait_for(pid) == 0);
    release(); // the grandchild, now init's
    run_others();
    CHECK(ProcWorld::reap_orphans() == 1);
    CHECK_COUNTS(settled_counts(s.w), before);
}

namespace {

void held_child(thread* td)
{
    hold();
    ucall(td, SYS_exit, {0});
}

// Forks (as td, through the system call) until a fork fails; returns how
// many succeeded and leaves the failure's errno in *err.
int fork_until_refused(thread* td, Errno* err)
{
    for (int n = 0;; n++) {
        const UResult r = ucall(td, SYS_fork);
        if (!r.ok()) {
            *err = r.err;
            return n;
        }
        REQUIRE(n < 100);
    }
}

int g_user_forks;
Errno g_user_err;

} // namespace

TEST_CASE("fork(2): EAGAIN at RLIMIT_NPROC for a non-root user (counted by real uid after setuid)")
{
    SysWorld s;
    UserModeScope um(held_child);
    const Counts before = settled_counts(s.w);
    g_released = false;
    CHECK(run_in_child([](thread* td) {
              CHECK(ucall(td, SYS_setuid, {1000}).ok());
              uwrite(UBUF + 512, rlimit{3, 3});
              CHECK(ucall(td, SYS_setrlimit, {RLIMIT_NPROC, UBUF + 512}).ok());
              // Itself and two children make three processes of uid 1000.
              g_user_forks = fork_until_refused(td, &g_user_err);
              release();
              for (int i = 0; i < g_user_forks; i++) CHECK(wait4_as(td, -1).ok());
          }) == 0);
    CHECK(g_user_forks == 2);
    CHECK(g_user_err == Errno::Again);
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("fork(2): kern.maxproc: a user stops ten short of it, root goes on to it")
{
    constexpr int MAXPROC = 30;
    SysWorld s(MAXPROC);
    UserModeScope um(held_child);
    const Counts before = settled_counts(s.w);
    const int n0 = fork_limits().nprocs();
    g_released = false;
    CHECK(run_in_child([](thread* td) {
              CHECK(ucall(td, SYS_setuid, {1000}).ok());
              g_user_forks = fork_until_refused(td, &g_user_err);
              // Its children go on holding, as init's.
          }) == 0);
    CHECK(g_user_err == Errno::Again);
    CHECK(g_user_forks == MAXPROC - ForkLimits::ROOT_RESERVE - (n0 + 1));
    Errno root_err = Errno::Ok;
    const int root_forks = fork_until_refused(&thread0, &root_err);
    CHECK(root_err == Errno::Again);
    CHECK(root_forks == MAXPROC - (n0 + g_user_forks));
    CHECK(fork_limits().nprocs() == MAXPROC);
    release();
    run_others();
    for (int i = 0; i < root_forks; i++) CHECK(wait4(-1, 0, WNOHANG).value() > 1);
    CHECK(ProcWorld::reap_orphans() == static_cast<unsigned>(g_user_forks));
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("fork(2) and wait4(2): 10000 cycles leave every count where it was, and no pid repeats while in use")
{
    SysWorld s;
    UserModeScope um(child_exits_5);
    const Counts before = settled_counts(s.w);
    pid_t last = 0;
    int wraps = 0;
    for (int i = 0; i < 10000; i++) {
        const UResult r = ucall(SYS_fork);
        REQUIRE(r.ok());
        const auto pid = static_cast<pid_t>(r.a0);
        if (pid <= last) wraps++;
        last = pid;
        REQUIRE(wait4(pid, UBUF).value() == pid);
        REQUIRE(uread<int>(UBUF) == W_EXITCODE(5, 0));
    }
    CHECK(wraps == 0); // pids only go up until PID_MAX
    CHECK_COUNTS(settled_counts(s.w), before);
}
