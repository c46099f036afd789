// Default actions on the host: a stop signal stops the process in
// userret until SIGCONT (the parent hears SIGCHLD unless SA_NOCLDSTOP,
// and can see P_STOPPED_SIG and the signal in p_xstat, as FreeBSD 8's
// wait4 reads them), SIGKILL ends a stopped process, SIGCONT cancels
// pending stops and a stop cancels a pending SIGCONT; a caught SIGCHLD
// from an exiting child reaches the parent's handler.
#include "sig_test_util.h"

#include <kernel/proc/kern_proc.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sig_calls.h>

using namespace sigtest;

namespace {

int g_after_stop = 0; // how often the stopping child got past userret

// A child that takes its signals in userret (as on its way back to user
// mode), counts, and exits.
void stopping_child(void*)
{
    thread* td = curthread();
    static arch::TrapFrame f{};
    td->td_frame = &f;
    for (;;) {
        userret(td);
        g_after_stop++;
        if (g_after_stop >= 2) exit1(td, W_EXITCODE(5, 0));
        pause("child", 1);
    }
}

proc* fork_stopping_child()
{
    g_after_stop = 0;
    proc* p = spawn(stopping_child, nullptr, RFPROC | RFFDG | RFSTOPPED);
    return p;
}

} // namespace

TEST_CASE("SIGSTOP stops the process in userret until SIGCONT; the parent hears SIGCHLD both times")
{
    ProcWorld w;
    sigaddset(thread0.td_sigmask, SIGCHLD); // keep it pending to look at
    const sigaction catcher = make_action(TEXT);
    REQUIRE(kern_sigaction(&thread0, SIGCHLD, &catcher, nullptr).ok());
    proc* p = fork_stopping_child();
    const pid_t pid = p->p_pid;
    psignal(p, SIGSTOP);
    sched_add(p->p_thread);
    run_others();
    CHECK((p->p_flag & pflag::P_STOPPED_SIG) != 0);
    CHECK(p->p_xstat == SIGSTOP);
    CHECK(g_after_stop == 0);
    kinfo_proc kp;
    fill_kinfo_proc(p, &kp);
    CHECK(kp.ki_stat == SSTOP); // ps shows T, not S asleep in "stopped"
    CHECK(sigismember(proc0.p_siglist, SIGCHLD));
    sigdelset(proc0.p_siglist, SIGCHLD);
    // Time passes; it stays stopped.
    pause("test", 3);
    CHECK((p->p_flag & pflag::P_STOPPED_SIG) != 0);
    CHECK(g_after_stop == 0);
    psignal(p, SIGCONT);
    CHECK((p->p_flag & pflag::P_STOPPED_SIG) == 0);
    CHECK((p->p_flag & pflag::P_CONTINUED) != 0);
    fill_kinfo_proc(p, &kp);
    CHECK(kp.ki_stat != SSTOP);
    CHECK(sigismember(proc0.p_siglist, SIGCHLD));
    CHECK(!sigismember(p->p_siglist, SIGCONT)); // default SIGCONT is not kept pending
    const int st = wait_for(pid);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 5);
    sigemptyset(proc0.p_siglist);
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("SIGKILL ends a stopped process; SA_NOCLDSTOP spares the parent its SIGCHLD")
{
    ProcWorld w;
    sigaddset(thread0.td_sigmask, SIGCHLD);
    const sigaction catcher = make_action(TEXT, SA_NOCLDSTOP);
    REQUIRE(kern_sigaction(&thread0, SIGCHLD, &catcher, nullptr).ok());
    proc* p = fork_stopping_child();
    const pid_t pid = p->p_pid;
    psignal(p, SIGTSTP);
    sched_add(p->p_thread);
    run_others();
    REQUIRE((p->p_flag & pflag::P_STOPPED_SIG) != 0);
    CHECK(p->p_xstat == SIGTSTP);
    CHECK(!sigismember(proc0.p_siglist, SIGCHLD));
    psignal(p, SIGKILL);
    const int st = wait_for(pid);
    CHECK(WIFSIGNALED(st));
    CHECK(WTERMSIG(st) == SIGKILL);
    CHECK(g_after_stop == 0);
    sigemptyset(proc0.p_siglist);
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("SIGCONT cancels pending stops, a stop cancels a pending SIGCONT; a caught SIGCONT stays")
{
    ProcWorld w;
    proc* p = fork_stopping_child(); // never runs until released
    psignal(p, SIGTSTP);
    psignal(p, SIGTTIN);
    psignal(p, SIGCONT);
    CHECK(!sigismember(p->p_siglist, SIGTSTP));
    CHECK(!sigismember(p->p_siglist, SIGTTIN));
    CHECK(!sigismember(p->p_siglist, SIGCONT));
    // A caught SIGCONT is kept for its handler; a stop then cancels it.
    sigaction act = make_action(TEXT);
    REQUIRE(kern_sigaction_set(p->p_sigacts, SIGCONT, &act, nullptr).ok());
    psignal(p, SIGCONT);
    CHECK(sigismember(p->p_siglist, SIGCONT));
    psignal(p, SIGSTOP);
    CHECK(!sigismember(p->p_siglist, SIGCONT));
    sigemptyset(p->p_siglist);
    act.sa_handler = SIG_DFL;
    REQUIRE(kern_sigaction_set(p->p_sigacts, SIGCONT, &act, nullptr).ok());
    const pid_t pid = p->p_pid;
    sched_add(p->p_thread);
    wait_for(pid);
}

TEST_CASE("exit1: a caught SIGCHLD reaches the parent's handler on its way back to user mode")
{
    SigWorld sw;
    const sigaction act = make_action(TEXT + 0x40, SA_SIGINFO | SA_RESTART);
    REQUIRE(kern_sigaction(&thread0, SIGCHLD, &act, nullptr).ok());
    proc* c = spawn([](void*) { exit1(curthread(), W_EXITCODE(3, 0)); }, nullptr, RFPROC | RFFDG);
    const pid_t pid = c->p_pid;
    // The exit posts SIGCHLD before its wakeup, so the sleeping wait4 is
    // interrupted by a signal caught with SA_RESTART: made again later.
    int st = 0;
    Result<pid_t> r = kern_wait(&thread0, pid, &st, 0);
    REQUIRE(!r.ok());
    CHECK(r.error() == Errno::Restart);
    userret(&thread0);
    CHECK(sw.frame.sepc == TEXT + 0x40);
    CHECK(sw.frame.x[10] == SIGCHLD);
    CHECK(sigismember(thread0.td_sigmask, SIGCHLD)); // blocked in its handler
    // Made again (SIGCHLD now blocked): the zombie is there.
    st = wait_for(pid);
    CHECK(WEXITSTATUS(st) == 3);
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("wait4: WUNTRACED reports a stop once, WCONTINUED a continue once, neither reaps")
{
    ProcWorld w;
    sigaddset(thread0.td_sigmask, SIGCHLD);
    proc* p = fork_stopping_child();
    const pid_t pid = p->p_pid;
    int st = 0;
    // Running, not stopped: nothing to report yet.
    CHECK(kern_wait(&thread0, pid, &st, WNOHANG | WUNTRACED | WCONTINUED).value() == 0);
    psignal(p, SIGTSTP);
    sched_add(p->p_thread);
    run_others();
    REQUIRE((p->p_flag & pflag::P_STOPPED_SIG) != 0);
    // Without WUNTRACED a stop is not seen.
    CHECK(kern_wait(&thread0, pid, &st, WNOHANG).value() == 0);
    // WNOWAIT leaves it reportable.
    CHECK(kern_wait(&thread0, pid, &st, WNOHANG | WUNTRACED | WNOWAIT).value() == pid);
    CHECK(kern_wait(&thread0, pid, &st, WNOHANG | WUNTRACED).value() == pid);
    CHECK(WIFSTOPPED(st));
    CHECK(WSTOPSIG(st) == SIGTSTP);
    CHECK(!WIFEXITED(st));
    CHECK(!WIFSIGNALED(st));
    CHECK(p->p_state == ProcState::Normal);
    CHECK(kern_wait(&thread0, pid, &st, WNOHANG | WUNTRACED).value() == 0); // once per stop
    psignal(p, SIGCONT);
    CHECK(kern_wait(&thread0, pid, &st, WNOHANG | WCONTINUED).value() == pid);
    CHECK(WIFCONTINUED(st));
    CHECK(!WIFSIGNALED(st));
    CHECK(!WIFSTOPPED(st));
    CHECK(kern_wait(&thread0, pid, &st, WNOHANG | WCONTINUED).value() == 0); // once
    st = wait_for(pid);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 5);
    sigemptyset(proc0.p_siglist);
    sigemptyset(thread0.td_sigmask);
}
