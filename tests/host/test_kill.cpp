// kill(2) through the dispatcher: FreeBSD 8's forms (a pid, 0 for the
// caller's group, -1 for everyone it may signal, -pgid) and its
// permission rules (cr_cansignal: a non-root user signals only processes
// whose real or saved uid is its real or effective uid; set-id processes
// take only a short list of signals; SIGCONT within a session always).
// ESRCH 3, EPERM 1, EINVAL 22, FreeBSD's values.
#include "sig_test_util.h"

#include <kernel/proc/kern_kill.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/ucred.h>

using namespace sigtest;

namespace {

constexpr uint64_t ESRCH_ = 3, EPERM_ = 1, EINVAL_ = 22;

void child_exit(void*) { exit1(curthread(), 0); }

// A child of proc0 that stays stopped (RFSTOPPED) until released.
proc* stopped_child()
{
    return spawn(child_exit, nullptr, RFFDG | RFPROC | RFSTOPPED);
}

// proc0 (and so its children) acting as uid `uid` while alive; the
// credential is given back at the end.
struct ActAs {
    ucred* saved_p;
    ucred* saved_td;
    ucred* cred;
    explicit ActAs(uid_t uid)
        : saved_p(proc0.p_ucred), saved_td(thread0.td_ucred),
          cred(cred_create(proc_zones().creds, proc_zones().uids, uid, uid).release_value())
    {
        proc0.p_ucred = cred;
        thread0.td_ucred = cred;
    }
    ~ActAs()
    {
        proc0.p_ucred = saved_p;
        thread0.td_ucred = saved_td;
        crfree(cred);
    }
};

// Lets the stopped children run to their exit and reaps them.
void release(std::initializer_list<proc*> ps)
{
    pid_t pids[8];
    int n = 0;
    for (proc* p : ps) {
        pids[n++] = p->p_pid;
        sched_add(p->p_thread);
    }
    for (int i = 0; i < n; i++) wait_for(pids[i]);
}

} // namespace

TEST_CASE("kill(2): a pid; signal 0 only checks; ESRCH, EINVAL")
{
    SigWorld sw;
    proc* c = stopped_child();
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(c->p_pid), 0) == 0);
    CHECK(sigisempty(c->p_siglist));
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(c->p_pid), SIGUSR2) == 0);
    CHECK(sigismember(c->p_siglist, SIGUSR2));
    CHECK(sw.call(SYS_kill, 99999, SIGUSR2) == ESRCH_);
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(c->p_pid), 129) == EINVAL_);
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(c->p_pid), ~uint64_t{0}) == EINVAL_); // -1
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(-5000), SIGUSR2) == ESRCH_); // no such group
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(int64_t{INT32_MIN}), SIGUSR2) == ESRCH_);
    release({c});
}

TEST_CASE("kill(2): a zombie is found (ESRCH only once reaped), and takes no signal")
{
    SigWorld sw;
    proc* c = stopped_child();
    const pid_t pid = c->p_pid;
    sched_add(c->p_thread);
    run_others();
    REQUIRE(c->p_state == ProcState::Zombie);
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(pid), 0) == 0);
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(pid), SIGTERM) == 0);
    CHECK(sigisempty(c->p_siglist));
    wait_for(pid);
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(pid), 0) == ESRCH_);
}

TEST_CASE("kill(2): 0 is the caller's group, -pgid another group; init and system processes are spared")
{
    SigWorld sw;
    proc* a = stopped_child();
    proc* b = stopped_child();
    // b leads a group of its own.
    REQUIRE(proc_zones().pgrps.enterpgrp(b, b->p_pid, nullptr, nullptr).ok());
    sigaddset(thread0.td_sigmask, SIGUSR2); // the caller is in its group too: keep it pending
    CHECK(sw.call(SYS_kill, 0, SIGUSR2) == 0);
    CHECK(sigismember(a->p_siglist, SIGUSR2));
    CHECK(!sigismember(b->p_siglist, SIGUSR2));
    CHECK(!sigismember(proc0.p_siglist, SIGUSR2)); // pids 0 and 1 are always spared
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(-static_cast<int64_t>(b->p_pid)), SIGUSR1) == 0);
    CHECK(sigismember(b->p_siglist, SIGUSR1));
    CHECK(!sigismember(a->p_siglist, SIGUSR1));
    // -1: everyone but init (pid 1), the system and the caller.
    CHECK(sw.call(SYS_kill, ~uint64_t{0}, SIGHUP) == 0);
    CHECK(sigismember(a->p_siglist, SIGHUP));
    CHECK(sigismember(b->p_siglist, SIGHUP));
    CHECK(!sigismember(initproc->p_siglist, SIGHUP));
    CHECK(!sigismember(proc0.p_siglist, SIGHUP));
    sigemptyset(thread0.td_sigmask);
    release({a, b});
}

TEST_CASE("kill(2): a non-root user signals its own processes, not another user's (EPERM)")
{
    SigWorld sw;
    proc* roots = stopped_child();
    proc* mine = nullptr;
    {
        ActAs user(1001);
        mine = stopped_child(); // uid 1001
        CHECK(sw.call(SYS_kill, static_cast<uint64_t>(mine->p_pid), SIGUSR1) == 0);
        CHECK(sw.call(SYS_kill, static_cast<uint64_t>(roots->p_pid), SIGUSR1) == EPERM_);
        CHECK(sw.call(SYS_kill, static_cast<uint64_t>(roots->p_pid), 0) == EPERM_);
        CHECK(!sigismember(roots->p_siglist, SIGUSR1));
        // SIGCONT goes anywhere in the caller's session.
        CHECK(sw.call(SYS_kill, static_cast<uint64_t>(roots->p_pid), SIGCONT) == 0);
        // -1 reaches what it may; the refusals do not make it fail.
        CHECK(sw.call(SYS_kill, ~uint64_t{0}, SIGUSR2) == 0);
        CHECK(sigismember(mine->p_siglist, SIGUSR2));
        CHECK(!sigismember(roots->p_siglist, SIGUSR2));
        // A group holding only processes it may not signal: EPERM.
        REQUIRE(proc_zones().pgrps.enterpgrp(roots, roots->p_pid, nullptr, nullptr).ok());
        CHECK(sw.call(SYS_kill, static_cast<uint64_t>(-static_cast<int64_t>(roots->p_pid)), SIGUSR2) ==
              EPERM_);
        // A set-id process of its own takes the listed signals only.
        mine->p_flag |= pflag::P_SUGID;
        CHECK(sw.call(SYS_kill, static_cast<uint64_t>(mine->p_pid), SIGTERM) == 0);
        CHECK(sw.call(SYS_kill, static_cast<uint64_t>(mine->p_pid), SIGSEGV) == EPERM_);
        mine->p_flag &= ~pflag::P_SUGID;
    }
    // Root signals anyone.
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(mine->p_pid), SIGTERM) == 0);
    release({roots, mine});
}

TEST_CASE("cr_cansignal: the real or effective uid must match the target's real or saved uid")
{
    SigWorld sw;
    proc* t = stopped_child();
    ucred* tc = crdup(t->p_ucred).release_value();
    ucred* old = t->p_ucred;
    tc->cr_ruid = 10;
    tc->cr_svuid = 11;
    tc->cr_uid = 12;
    t->p_ucred = tc;
    ucred* c = cred_create(proc_zones().creds, proc_zones().uids, 0, 0).release_value();
    struct Try {
        uid_t ruid, euid;
        bool ok;
    };
    for (Try x : {Try{10, 99, true}, Try{11, 99, true}, Try{99, 10, true}, Try{99, 11, true},
                  Try{12, 99, false}, Try{99, 12, false}, Try{98, 99, false}}) {
        CAPTURE(x.ruid);
        CAPTURE(x.euid);
        c->cr_ruid = x.ruid;
        c->cr_uid = x.euid;
        CHECK(cr_cansignal(c, t, SIGUSR1).ok() == x.ok);
    }
    c->cr_ruid = 0;
    c->cr_uid = 0;
    CHECK(cr_cansignal(c, t, SIGUSR1).ok());
    crfree(c);
    t->p_ucred = old;
    crfree(tc);
    release({t});
}

TEST_CASE("kill(2): init takes only what it catches; kernel processes take nothing (EPERM)")
{
    SigWorld sw;
    CHECK(sw.call(SYS_kill, 1, SIGKILL) == 0);
    CHECK(sw.call(SYS_kill, 1, SIGTERM) == 0);
    CHECK(sigisempty(initproc->p_siglist));
    const sigaction act = make_action(TEXT);
    REQUIRE(kern_sigaction_set(initproc->p_sigacts, SIGHUP, &act, nullptr).ok());
    CHECK(sw.call(SYS_kill, 1, SIGHUP) == 0);
    CHECK(sigismember(initproc->p_siglist, SIGHUP));
    sigemptyset(initproc->p_siglist);
    const sigaction dfl = make_action(SIG_DFL);
    REQUIRE(kern_sigaction_set(initproc->p_sigacts, SIGHUP, &dfl, nullptr).ok());
    // A kernel process: system, so no signal, whoever asks.
    proc* k = stopped_child();
    k->p_flag |= pflag::P_SYSTEM;
    CHECK(sw.call(SYS_kill, static_cast<uint64_t>(k->p_pid), SIGKILL) == EPERM_);
    CHECK(sigisempty(k->p_siglist));
    k->p_flag &= ~pflag::P_SYSTEM;
    release({k});
}
