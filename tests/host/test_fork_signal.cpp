// A fork that finds a signal pending for its parent is abandoned before
// the child exists (Errno::Restart: the call is made again after the
// signal), so that one kill(-pgid) reaches every process the group will
// ever have: a fork bomb ends with one ^C.
#include "syscall_test_util.h"

#include <kernel/proc/fork_stats.h>
#include <kernel/proc/kern_sig.h>

using namespace proctest;

namespace {

Errno g_first = Errno::Ok, g_second = Errno::Ok;
int g_nprocs_before = 0, g_nprocs_after_first = 0;
uint32_t g_forks_before = 0, g_forks_after_first = 0;

void child_exits_0(void*) { exit1(curthread(), 0); }

// In a user process (proc0 is a system process, which takes no signals):
// fork with SIGTERM pending, then again once it is no longer pending.
void forks_with_a_signal_pending(thread* td)
{
    proc* p = td->td_proc;
    g_nprocs_before = fork_limits().nprocs();
    g_forks_before = fork_stats().v_forks;
    psignal(p, SIGTERM);
    REQUIRE(cursig(td) == SIGTERM);
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC;
    fr.fr_func = child_exits_0;
    const Result<proc*> first = fork1(td, fr);
    g_first = first.ok() ? Errno::Ok : first.error();
    g_nprocs_after_first = fork_limits().nprocs();
    g_forks_after_first = fork_stats().v_forks;
    {
        IntrOff off;
        sigdelset(p->p_siglist, SIGTERM); // as userret takes it
    }
    signotify(td);
    const Result<proc*> second = fork1(td, fr);
    g_second = second.ok() ? Errno::Ok : second.error();
    if (second.ok()) (void)wait_for_in(td, second.value()->p_pid);
}

} // namespace

TEST_CASE("fork1 with a signal pending for the parent makes no child and asks for the call again")
{
    SysWorld s;
    run_in_child(forks_with_a_signal_pending); // warm: every zone has its slab
    const Counts before = settled_counts(s.w);
    CHECK(run_in_child(forks_with_a_signal_pending) == 0);
    CHECK(g_first == Errno::Restart);
    CHECK(g_nprocs_after_first == g_nprocs_before); // nothing made, nothing charged
    CHECK(g_forks_after_first == g_forks_before);
    CHECK(g_second == Errno::Ok);
    CHECK(g_pauses == 0); // no failure pause for a fork that is made again
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("fork1 from a system process ignores its pending set (kernel processes take no signals)")
{
    ProcWorld w;
    {
        IntrOff off;
        sigaddset(proc0.p_siglist, SIGTERM);
    }
    proc* c = spawn(child_exits_0);
    CHECK(c != nullptr);
    CHECK(wait_for(c->p_pid) == 0);
    IntrOff off;
    sigdelset(proc0.p_siglist, SIGTERM);
}
