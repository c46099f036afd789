#include <kernel/proc/kern_exit.h>

#include <kernel/proc/init_exec.h>

#include <abi/signal.h>
#include <abi/wait.h>
#include <kernel/clock.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/vnode.h>
#include <kernel/ktrace/ktrace.h>
#include <kernel/proc/fork_limits.h>
#include <kernel/proc/init_exec.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_resource.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/kern_thread.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_hold.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/ucred.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <kernel/vm/vm_pageout_oom.h>
#include <lib/kassert.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>
#include <mm/vmspace.h>

namespace {

// An RFTHREAD leader's exit: SIGKILL to every peer, then wait until each
// has left the list (their exit1 unlinks them and wakes the leader).
void exit_kill_peers(proc* p)
{
    // One interrupts-off walk: a peer preempted into exiting would leave
    // the list (and may be reaped) under a walk that had let go.
    IntrOff off;
    if (p->p_leader != p || !p->p_peers) return;
    for (proc* q = p->p_peers; q; q = q->p_peers) psignal(q, SIGKILL);
    while (p->p_peers) (void)tsleep(p, PWAIT, "exit1", 0);
}

// A peer's exit: off its leader's list, and the leader told.
void exit_leave_peers(proc* p)
{
    IntrOff off;
    proc* leader = p->p_leader;
    if (leader == p || !leader) return;
    proc* q = leader;
    while (q->p_peers && q->p_peers != p) q = q->p_peers;
    KASSERT(q->p_peers == p, "pid %d is not on its leader's (%d) peer list", p->p_pid,
            leader->p_pid);
    q->p_peers = p->p_peers;
    p->p_peers = nullptr;
    wakeup(leader);
}

} // namespace

void proc_exit_release(proc* p)
{
    // The controlling terminal's revocation comes with the terminal.
    if (session* sp = proc_session(p); sp && sp->s_leader == p) sp->s_leader = nullptr;
    if (p->p_fdtol) {
        fdtol_free(p->p_fdtol);
        p->p_fdtol = nullptr;
    }
    if (p->p_fd) {
        fdfree(p->p_fd);
        p->p_fd = nullptr;
    }
    if (vmspace* vm = p->p_vmspace) {
        // Off the process first: a switch back to it must not find a
        // freed space (the scheduler activates p_vmspace).
        p->p_vmspace = nullptr;
        vmspace_free(vm);
    }
    if (p->p_textvp) {
        vrele(p->p_textvp);
        p->p_textvp = nullptr;
    }
    if (p->p_limit) {
        lim_free(p->p_limit);
        p->p_limit = nullptr;
    }
    vm_pages_freed(); // faults waiting for pages look again
}

namespace {

// Children go to init, which reaps the zombies among them.
void exit_orphan_children(proc* p)
{
    IntrOff off;
    if (p->p_children.empty()) return;
    KASSERT(initproc && p != initproc, "init (pid 1) is exiting with children");
    while (proc* q = p->p_children.front()) {
        proc_reparent(q, initproc);
        q->p_sigparent = SIGCHLD;
    }
    wakeup(initproc);
}

// The parent learns of the exit: its exit signal and a wakeup for wait.
// A parent that leaves no zombies (SA_NOCLDWAIT, SIGCHLD ignored, kernel
// processes) hands the child to init, and is still woken in case it
// waits for this very pid.
void exit_notify_parent(proc* p)
{
    proc* pp = p->p_pptr;
    if (pp != initproc && sig_nocldwait(pp->p_sigacts)) {
        proc_reparent(p, initproc);
        p->p_sigparent = SIGCHLD;
        wakeup(pp);
        pp = initproc;
    }
    if (pp == initproc || p->p_sigparent == SIGCHLD)
        psignal(pp, SIGCHLD);
    else if (p->p_sigparent)
        psignal(pp, p->p_sigparent);
    wakeup(pp);
}

// pid > 0: that process; pgid >= 0: the members of that group (group 0
// is proc0's, so a negative value, not 0, means "no group").  pgid is
// 64 bits wide: -INT32_MIN is a group no process can be in.
bool wait_matches(const proc* p, pid_t pid, int64_t pgid, int options)
{
    if (pid > 0 && p->p_pid != pid) return false;
    if (pgid >= 0 && (!p->p_pgrp || p->p_pgrp->pg_id != pgid)) return false;
    // FreeBSD's rule for Linux-style threads: a child whose exit signal is
    // not SIGCHLD is seen only by WLINUXCLONE, and only it.
    return (p->p_sigparent != SIGCHLD) == ((options & WLINUXCLONE) != 0);
}

// What wait4 reports of a reaped child: its usage, its own reaped
// children's included (added at its exit, as FreeBSD's exit1 does).
void fill_rusage(const proc* p, rusage* ru) { rux_to_rusage(p->p_stats.p_rux, ru); }

// A stop (WUNTRACED) or a continue (WCONTINUED) of a live child that
// wait4 has not reported yet (FreeBSD 8's kern_wait): its status, and
// the report remembered unless WNOWAIT.
bool wait_stop_status(proc* p, int options, int* status)
{
    const bool keep = options & WNOWAIT;
    int st;
    if ((options & WUNTRACED) && (p->p_flag & pflag::P_STOPPED_SIG) && !(p->p_flag & pflag::P_WAITED)) {
        if (!keep) p->p_flag |= pflag::P_WAITED;
        st = W_STOPCODE(p->p_xstat);
    } else if ((options & WCONTINUED) && (p->p_flag & pflag::P_CONTINUED)) {
        if (!keep) p->p_flag &= ~pflag::P_CONTINUED;
        st = SIGCONT;
    } else {
        return false;
    }
    if (status) *status = st;
    return true;
}

constexpr int WAIT_OPTIONS = WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT | WLINUXCLONE;

} // namespace

void proc_reparent(proc* child, proc* parent)
{
    IntrOff off;
    if (child->p_pptr == parent) return;
    child->p_pptr->p_children.remove(child);
    parent->p_children.push_front(child);
    child->p_pptr = parent;
}

[[noreturn]] void exit1(thread* td, int xstat)
{
    proc* p = td->td_proc;
    if (p == initproc) init_exited(xstat); // the system ends with its first program
    KASSERT(p != &proc0, "proc0 cannot exit");
    KASSERT(td == curthread(), "exit1 of thread %s from %s", td->td_name, curthread()->td_name);
    {
        IntrOff off;
        KASSERT(!(p->p_flag & pflag::P_WEXIT), "pid %d exits twice", p->p_pid);
        p->p_flag |= pflag::P_WEXIT;
    }
    exit_kill_peers(p);
    {
        // A vfork parent may go on: its child will not exec any more.
        IntrOff off;
        p->p_flag &= ~pflag::P_PPWAIT;
        cv_broadcast(&p->p_pwait);
    }
    exit_leave_peers(p);
    ktrprocexit(td); // KTR_PROCDTOR, then the sink reference goes
    proc_exit_release(p);
    IntrOff off;
    p->p_xstat = xstat;
    knote_exit(&p->p_klist); // NOTE_EXIT with p_xstat
    p->p_stats.p_runticks += td->td_runticks;
    sched_rux_settle(td);
    p->p_stats.p_rux.add(td->td_rux);
    p->p_stats.p_rux.add(p->p_stats.p_crux);
    exit_orphan_children(p);
    proc_table().zombify(p);
    exit_notify_parent(p);
    sched_exit_thread();
}

void proc_reap(proc* p)
{
    KASSERT(p->p_state == ProcState::Zombie, "reaping pid %d, which has not exited", p->p_pid);
    proc_wait_unheld(p);
    {
        IntrOff off;
        p->p_pptr->p_children.remove(p);
        proc_table().unlink_zombie(p);
        // FreeBSD's ruadd at reap: the parent's children's totals.
        p->p_pptr->p_stats.p_crux.add(p->p_stats.p_rux);
    }
    if (p->p_pgrp) leavepgrp(p);
    fork_limits().uncharge(p->p_ucred);
    thread* td = p->p_thread;
    crfree(td->td_ucred);
    td->td_ucred = nullptr;
    thread_free(td);
    crfree(p->p_ucred);
    sigacts_free(p->p_sigacts);
    KASSERT(p->p_lock == 0, "pid %d held again while it was reaped", p->p_pid);
    proc_zones().procs.destroy(p);
}

Result<pid_t> kern_wait(thread* td, pid_t pid, int* status, int options, rusage* ru)
{
    if (options & ~WAIT_OPTIONS) return Errno::Inval;
    proc* q = td->td_proc;
    int64_t pgid = -1;
    if (pid == WAIT_MYPGRP)
        pgid = q->p_pgrp ? q->p_pgrp->pg_id : -1;
    else if (pid < -1)
        pgid = -static_cast<int64_t>(pid);
    IntrOff off;
    for (;;) {
        unsigned nfound = 0;
        for (proc* p : q->p_children) {
            if (!wait_matches(p, pid, pgid, options)) continue;
            nfound++;
            if (p->p_state != ProcState::Zombie) {
                if (!wait_stop_status(p, options, status)) continue;
                return p->p_pid;
            }
            const pid_t found = p->p_pid;
            if (status) *status = p->p_xstat;
            if (ru) fill_rusage(p, ru);
            if (!(options & WNOWAIT)) proc_reap(p);
            return found;
        }
        if (!nfound) return Errno::Child;
        if (options & WNOHANG) return 0;
        const Errno e = tsleep(q, PWAIT | PCATCH, "wait", 0);
        if (e != Errno::Ok) return e;
    }
}

Errno user_wait4(thread* td, pid_t pid, uint64_t ustatus, int options, uint64_t urusage)
{
    int status = 0;
    rusage ru{};
    Result<pid_t> r = kern_wait(td, pid, &status, options, urusage ? &ru : nullptr);
    if (!r.ok()) return r.error();
    td->td_retval[0] = static_cast<uint64_t>(r.value());
    if (r.value() == 0) return Errno::Ok; // WNOHANG, nothing to report
    Errno e = ustatus ? copyout(&status, ustatus, sizeof status) : Errno::Ok;
    if (e == Errno::Ok && urusage) e = copyout(&ru, urusage, sizeof ru);
    return e;
}
