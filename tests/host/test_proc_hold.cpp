// Process lifetimes: holds (PHOLD/PRELE) keep a process's memory while
// another thread still means to read it, and init can reap every child
// it inherits.  The races are made deterministic with priorities: a
// "busy init" (thread0, reaping on init's behalf) is woken by the child
// just before it exits, so it runs before the vfork parent does.
#include "proc_test_util.h"

#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc_hold.h>
#include <kernel/proc/sigacts.h>

#include <limits.h>

using namespace proctest;

namespace {

int g_busy_init_chan;            // thread0, standing in for init, sleeps here
pid_t g_vchild_pid;              // the vfork child's pid, as it saw it
pid_t g_vchild_pid_from_fork;    // as fork1's fr_pidp gave it to the parent
bool g_vfork_returned;           // the vfork parent is back from fork1
bool g_vfork_ok;

void vchild_wake_init_then_exit(void*)
{
    g_vchild_pid = curthread()->td_proc->p_pid;
    wakeup(&g_busy_init_chan); // init runs as soon as this thread is gone
    exit1(curthread(), 0);
}

// A parent that ignores SIGCHLD's zombies (SA_NOCLDWAIT) and vforks: its
// child goes to init at exit.  Its priority is worse than thread0's so
// that thread0 runs first once the child has exited.
void nocldwait_vfork_parent(void*)
{
    thread* td = curthread();
    td->td_priority = td->td_base_pri = PUSER + 20;
    td->td_proc->p_sigacts->ps_flag |= PS_NOCLDWAIT;
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC | RFPPWAIT | RFMEM;
    fr.fr_func = vchild_wake_init_then_exit;
    fr.fr_pidp = &g_vchild_pid_from_fork;
    g_vfork_ok = fork1(td, fr).ok();
    g_vfork_returned = true;
    exit1(td, 0);
}

} // namespace

TEST_CASE("vfork from a SA_NOCLDWAIT parent: init's reap of the child waits for the parent's hold")
{
    ProcWorld w;
    g_vfork_returned = g_vfork_ok = false;
    g_vchild_pid = g_vchild_pid_from_fork = 0;
    const pid_t ppid = spawn(nocldwait_vfork_parent)->p_pid;
    (void)tsleep(&g_busy_init_chan, PWAIT, "busyinit", 0);

    // The window: the child is a zombie of init's, its vfork parent is
    // woken but has not run.
    proc* child = proc_table().pfind(g_vchild_pid);
    REQUIRE(child);
    CHECK(child->p_state == ProcState::Zombie);
    CHECK(child->p_pptr == initproc);
    CHECK(child->p_lock == 1);
    CHECK(!g_vfork_returned);
    // Init reaps it: that must wait until the parent has let go.
    CHECK(ProcWorld::reap_orphans() == 1);
    CHECK(g_vfork_returned);
    CHECK(g_vfork_ok);
    CHECK(g_vchild_pid_from_fork == g_vchild_pid);
    CHECK(proc_table().pfind(g_vchild_pid) == nullptr);
    CHECK(WIFEXITED(wait_for(ppid)));
}

TEST_CASE("PHOLD: a held zombie is freed only after PRELE; the reaper sleeps meanwhile")
{
    ProcWorld w;
    static proc* held;
    static bool released_before_reap;
    proc* c = spawn([](void*) { exit1(curthread(), W_EXITCODE(3, 0)); });
    held = c;
    PHOLD(c);
    const pid_t pid = c->p_pid;
    run_others(); // c is a zombie, held
    CHECK(c->p_state == ProcState::Zombie);
    released_before_reap = false;
    // Another thread releases the hold later; meanwhile the wait sleeps.
    spawn([](void*) {
        pause("holder", 2);
        released_before_reap = true;
        PRELE(held);
        exit1(curthread(), 0);
    });
    int st = 0;
    REQUIRE(kern_wait(&thread0, pid, &st, 0).value() == pid);
    CHECK(released_before_reap);
    CHECK(WEXITSTATUS(st) == 3);
    CHECK(proc_table().pfind(pid) == nullptr);
    CHECK(kern_wait(&thread0, WAIT_ANY, &st, 0).ok());
}

TEST_CASE("RFNOWAIT|RFLINUXTHPN: init inherits the child and reaps it with a plain wait")
{
    ProcWorld w;
    fork_req fr;
    fr.fr_flags = RFPROC | RFFDG | RFNOWAIT | RFLINUXTHPN;
    fr.fr_func = [](void*) { exit1(curthread(), 0); };
    proc* c = fork1(&thread0, fr).release_value();
    CHECK(c->p_pptr == initproc);
    CHECK(c->p_sigparent == SIGCHLD);
    const pid_t pid = c->p_pid;
    run_others();
    int st = -1;
    // What init does: wait without WLINUXCLONE.
    CHECK(kern_wait(initproc->p_thread, WAIT_ANY, &st, WNOHANG).value() == pid);

    // Without RFNOWAIT the parent keeps SIGUSR1 and WLINUXCLONE.
    fr.fr_flags = RFPROC | RFFDG | RFLINUXTHPN;
    c = fork1(&thread0, fr).release_value();
    CHECK(c->p_sigparent == SIGUSR1);
    const pid_t pid2 = c->p_pid;
    run_others();
    CHECK(kern_wait(&thread0, pid2, &st, WNOHANG).error() == Errno::Child);
    CHECK(kern_wait(&thread0, WAIT_ANY, &st, WNOHANG | WLINUXCLONE).value() == pid2);
}

TEST_CASE("wait4(INT_MIN): the group -INT_MIN has no members, so ECHILD and the child stays")
{
    ProcWorld w;
    proc* c = spawn([](void*) { exit1(curthread(), 0); });
    const pid_t pid = c->p_pid;
    run_others();
    int st = -1;
    CHECK(kern_wait(&thread0, INT_MIN, &st, WNOHANG).error() == Errno::Child);
    CHECK(kern_wait(&thread0, INT_MIN, &st, 0).error() == Errno::Child);
    CHECK(kern_wait(&thread0, INT_MIN + 1, &st, WNOHANG).error() == Errno::Child);
    CHECK(proc_table().pfind(pid) != nullptr);
    CHECK(wait_for(pid) == 0);
}
