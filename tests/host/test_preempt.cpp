// The kernel's preemption rule (kernel/sched/preempt.h) with an interrupt
// taken at every point where interrupts come back on (the host seam's
// hook, arch::host_set_intr_hook): a clock tick, now and then a ^C typed
// at the terminal of the working processes' group, and then the same
// end-of-interrupt rule the RISC-V trap code applies (kernel mode: no
// switch).  Two processes sharing one descriptor table fork, exit, wait,
// pipe, dup and close in a loop while the interrupts fire; at the end no
// switch happened inside an interrupt, every deferred ^C was delivered,
// and every process, file, table, page and zone object is back.
#include "proc_test_util.h"
#include "swi_test_util.h"
#include "tty_test_util.h"

#include <abi/fcntl.h>
#include <kernel/fs/kern_descrip.h>
#include <kernel/fs/pipe.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/sig_calls.h>
#include <kernel/sched/preempt.h>
#include <kernel/tty/tty.h>

#include <string>

using namespace proctest;

namespace {

// --- The simulated interrupt ---------------------------------------------------

struct IntrLog {
    uint64_t taken = 0;           // interrupts taken
    uint64_t kernel_switches = 0; // switches made inside one (the rule forbids them)
    unsigned ctrl_c_every = 0;    // type ^C at every Nth interrupt (0: never)
    tty* ctrl_c_tty = nullptr;
    uint64_t ctrl_c_typed = 0;
};
IntrLog g_log;

// What arch/riscv's trap_handler does for an interrupt taken in the
// kernel: the handlers, then intr_exit(false).
void kernel_interrupt()
{
    g_log.taken++;
    intr_enter();
    hardclock();
    if (g_log.ctrl_c_every && g_log.ctrl_c_tty && g_log.taken % g_log.ctrl_c_every == 0) {
        ttydisc_rint(g_log.ctrl_c_tty, CINTR);
        g_log.ctrl_c_typed++;
    }
    const uint64_t before = sched_switches();
    intr_exit(false);
    if (sched_switches() != before) g_log.kernel_switches++;
}

// Interrupts at every point for the length of a scope.
struct EveryPointInterrupts {
    EveryPointInterrupts()
    {
        g_log = IntrLog{};
        arch::host_set_intr_hook(kernel_interrupt);
    }
    ~EveryPointInterrupts() { arch::host_set_intr_hook(nullptr); }
};

// --- The workload --------------------------------------------------------------

constexpr int ROUNDS = 200;
// Fork flags the rounds cycle through: a copied table, the parent's own
// (shared), an empty one, and a shared address space besides.
constexpr int FLAGS[] = {RFFDG | RFPROC, RFPROC, RFCFDG | RFPROC, RFFDG | RFPROC | RFMEM};

int g_children_ok = 0;

// A child: a pipe, a dup of its read end, the write end closed; exit1
// closes the rest (or, in a shared table, leaves them to the others).
void child_fd_work(void*)
{
    thread* td = curthread();
    int fds[2];
    if (kern_pipe(td, fds, 0) == Errno::Ok) {
        (void)kern_dup(td, fds[0]);
        (void)kern_close(td, fds[1]);
        g_children_ok++;
    }
    exit1(td, 0);
}

// Closes every descriptor above 2 once the table has grown past 150
// (tables grow from 20 slots by doubling: each size is crossed again
// and again, in copies too).
void trim(thread* td)
{
    const int last = td->td_proc->p_fd->fd_lastfile;
    if (last <= 150) return;
    for (int fd = 3; fd <= last; fd++) (void)kern_close(td, fd);
}

void reap_children(thread* td)
{
    int st = 0;
    while (kern_wait(td, WAIT_ANY, &st, 0).ok()) {}
}

// One worker's loop: descriptors made and closed, children forked with
// every kind of table, reaped every other round.
void churn(thread* td, int salt)
{
    for (int i = 0; i < ROUNDS; i++) {
        int fds[2];
        if (kern_pipe(td, fds, 0) == Errno::Ok) {
            // A burst of descriptors, so that the shared table's last one
            // crosses a table size while the other worker copies it.
            for (int k = 0; k < 6; k++) (void)kern_dup(td, fds[(i + salt + k) & 1]);
            (void)kern_close(td, fds[(i + salt + 1) & 1]);
        }
        const int flags = FLAGS[(i + salt) % (sizeof FLAGS / sizeof FLAGS[0])];
        fork_req fr;
        fr.fr_flags = flags;
        fr.fr_func = child_fd_work;
        (void)fork1(td, fr); // may fail (no memory): that is fine too
        trim(td);
        if (i % 2) reap_children(td);
    }
    reap_children(td);
}

void worker_b(void*)
{
    churn(curthread(), 1);
    exit1(curthread(), 0);
}

tty* g_tty;

// Leads a session with g_tty as its terminal (so ^C reaches its group),
// ignores SIGINT (inherited by every child), shares its descriptor table
// with a second worker, and churns alongside it.
void worker_a(void*)
{
    thread* td = curthread();
    proc* p = td->td_proc;
    session* s = proc_zones().pgrps.session_alloc().value();
    REQUIRE(proc_zones().pgrps.enterpgrp(p, p->p_pid, nullptr, s).ok());
    REQUIRE(tty_set_ctty(g_tty, p) == Errno::Ok);
    sigaction ign{};
    ign.sa_handler = SIG_IGN;
    REQUIRE(kern_sigaction(td, SIGINT, &ign, nullptr).ok());
    fork_req fr;
    fr.fr_flags = RFPROC; // the same table
    fr.fr_func = worker_b;
    REQUIRE(fork1(td, fr).ok());
    churn(td, 0);
    reap_children(td); // b too
    exit1(td, 0);
}

using ttytest::TestTty;

} // namespace

TEST_CASE("preempt: an interrupt from kernel mode never switches; one from user mode pays the preemption")
{
    ProcWorld w;
    static bool ran;
    ran = false;
    proc* child = spawn([](void*) {
        ran = true;
        exit1(curthread(), 0);
    });
    // Ticks until the slice is gone: a preemption is owed.
    const PreemptStats s0 = preempt_stats();
    for (int32_t i = 0; i <= SCHED_SLICE; i++) {
        IntrOff off;
        intr_enter();
        hardclock();
        intr_exit(false);
    }
    CHECK(thread0.td_owepreempt);
    CHECK_FALSE(ran);
    CHECK(preempt_stats().kernel_intrs - s0.kernel_intrs == SCHED_SLICE + 1);
    CHECK(preempt_stats().deferred > s0.deferred);
    {
        IntrOff off;
        intr_enter();
        intr_exit(true); // as if it came from user mode: ast switches
    }
    CHECK(ran);
    CHECK_FALSE(thread0.td_owepreempt);
    CHECK(preempt_stats().user_preemptions == s0.user_preemptions + 1);
    wait_for(child->p_pid);
}

TEST_CASE("preempt: the scheduler refuses to switch inside an interrupt handler")
{
    // mi_switch's KASSERT panics the test binary, so only its condition
    // is checked here: the nesting count the trap code keeps.
    CHECK(sched_intr_nesting() == 0);
    IntrOff off;
    intr_enter();
    CHECK(sched_intr_nesting() == 1);
    intr_enter();
    CHECK(sched_intr_nesting() == 2);
    intr_exit(false);
    intr_exit(false);
    CHECK(sched_intr_nesting() == 0);
}

TEST_CASE("preempt: fork, exit, wait and the descriptor code with an interrupt at every point")
{
    ProcWorld w;
    const Counts before = w.counts();
    const size_t pipes0 = pipe_count();
    SwiThread swi;
    TestTty t;
    g_tty = &t.tp;
    g_children_ok = 0;
    const PreemptStats s0 = preempt_stats();
    pid_t pid;
    {
        EveryPointInterrupts intrs;
        g_log.ctrl_c_tty = &t.tp;
        g_log.ctrl_c_every = 97;
        pid = spawn(worker_a)->p_pid;
        CHECK(wait_for(pid) == 0);
        // Interrupts stop before the world is checked.
    }
    const PreemptStats s1 = preempt_stats();
    INFO("interrupts taken: ", g_log.taken, ", ^C typed: ", g_log.ctrl_c_typed);
    // The hook really fired all over fork1, exit1 and the fd code, and
    // preemptions came due in the kernel and were held over.
    CHECK(g_log.taken > 20000);
    CHECK(s1.kernel_intrs - s0.kernel_intrs >= g_log.taken);
    CHECK(s1.deferred - s0.deferred > 1000);
    // The rule: not one switch from inside an interrupt.
    CHECK(g_log.kernel_switches == 0);
    // Every ^C was taken by the swi thread and sent to the group.
    CHECK(g_log.ctrl_c_typed > 100);
    CHECK(t.tp.t_sigpending == 0);
    CHECK(g_children_ok > ROUNDS);
    // Everything is back: processes, kernel stacks, pages, zone objects
    // (the world checks each zone by name at its end), pipes.
    CHECK(ProcWorld::reap_orphans() == 0);
    const Counts after = w.counts();
    CHECK(after.objects == before.objects);
    CHECK(after.kstacks == before.kstacks);
    // (Pages: the zones keep the slabs they grew; the world checks that
    // every page is back once they are gone.)
    CHECK(after.nprocs == before.nprocs);
    CHECK(after.reserved == before.reserved);
    CHECK(pipe_count() == pipes0);
    CHECK(proc_zones().fds.files.objects_in_use() == 0);
}
