#include <kernel/proc/kern_fork.h>

#include <kernel/clock.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/vnode.h>
#include <kernel/ktrace/ktrace.h>
#include <kernel/proc/fork_limits.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/console.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_kthread.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/kern_thread.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_hold.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/vm_forkproc.h>
#include <kernel/proc/vm_machdep.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>
#include <mm/swap_reserve.h>
#include <mm/vmspace.h>

#include <string.h>

namespace {

// What fork1 allocates before it chooses a pid.  Whatever is still held
// when the object goes away is freed: that is the whole unwind of a
// failed fork.  commit() takes ownership of everything.
class ForkAllocs {
public:
    ForkAllocs() = default;
    ForkAllocs(const ForkAllocs&) = delete;
    ForkAllocs& operator=(const ForkAllocs&) = delete;
    ~ForkAllocs() { free_all(); }

    Result<void> allocate(proc* p1, int flags, unsigned pages);
    // The unwind: frees what is held (nothing after released()).
    void free_all();
    // The child owns it all now.
    void released() { p2 = nullptr, td2 = nullptr, vm2 = nullptr, sigacts_mem = nullptr, fd = nullptr,
                      fdtol = nullptr, p1_fdtol = nullptr; }

    proc* p2 = nullptr;
    thread* td2 = nullptr;
    vmspace* vm2 = nullptr;                   // !RFMEM: the copy, charged
    void* sigacts_mem = nullptr;              // !RFSIGSHARE: built on at commit
    filedesc* fd = nullptr;                   // RFCFDG or RFFDG: the child's table
    filedesc_to_leader* fdtol = nullptr;      // shared table, not RFTHREAD: the child's record
    filedesc_to_leader* p1_fdtol = nullptr;   // shared table: the parent's first record

private:
    Result<void> allocate_fd(proc* p1, int flags);
};

void ForkAllocs::free_all()
{
    ProcZones& z = proc_zones();
    if (fdtol) fdtol_free(fdtol);
    if (p1_fdtol) fdtol_free(p1_fdtol);
    if (fd) fdfree(fd);
    if (sigacts_mem) sigacts_unreserve(z.sigacts, sigacts_mem);
    if (vm2) vmspace_free(vm2); // releases the charge, forced or not
    if (td2) thread_free(td2);
    if (p2) z.procs.destroy(p2);
    released();
}

// The seed's "Copy filedesc" block, its allocating half.
Result<void> ForkAllocs::allocate_fd(proc* p1, int flags)
{
    ProcZones& z = proc_zones();
    if (flags & RFCFDG) {
        fd = TRY(fdinit(z.fds, p1->p_fd));
        return {};
    }
    if (flags & RFFDG) {
        fd = TRY(fdcopy(z.fds, p1->p_fd));
        return {};
    }
    // A shared table: the parent needs a leader record first, and a child
    // that is not an RFTHREAD peer gets one of its own in the same ring.
    filedesc_to_leader* ring = p1->p_fdtol;
    if (!ring) {
        p1_fdtol = TRY(filedesc_to_leader_alloc(z.fds, nullptr, nullptr, p1->p_leader));
        ring = p1_fdtol;
    }
    if (!(flags & RFTHREAD)) fdtol = TRY(filedesc_to_leader_alloc(z.fds, ring, p1->p_fd, p2));
    return {};
}

Result<void> ForkAllocs::allocate(proc* p1, int flags, unsigned pages)
{
    ProcZones& z = proc_zones();
    p2 = TRY(z.procs.create());
    td2 = TRY(thread_alloc(pages));
    if (!(flags & RFMEM)) {
        uint64_t mem_charged = 0;
        vm2 = TRY(vmspace_fork(p1->p_vmspace, &mem_charged));
        if (!vm2->vm_commit->reserve(mem_charged)) {
            // vmspace_free(vm2) releases the charge of the copy, so it
            // must be there: force it, then fail.
            vm2->vm_commit->reserve_force(mem_charged);
            return Errno::NoMem;
        }
    }
    if (!(flags & RFSIGSHARE)) sigacts_mem = TRY(sigacts_reserve(z.sigacts));
    return allocate_fd(p1, flags);
}

ProcessForkEvent g_process_fork{"process_fork"};

void count_fork(proc* p1, proc* p2, int flags)
{
    ForkStats& s = fork_stats();
    const auto pages = static_cast<uint32_t>(p2->p_vmspace->vm_dsize + p2->p_vmspace->vm_ssize);
    if (flags == (RFFDG | RFPROC)) {
        s.v_forks++;
        s.v_forkpages += pages;
    } else if (flags == (RFFDG | RFPROC | RFPPWAIT | RFMEM)) {
        s.v_vforks++;
        s.v_vforkpages += pages;
    } else if (p1 == &proc0) {
        s.v_kthreads++;
        s.v_kthreadpages += pages;
    } else {
        s.v_rforks++;
        s.v_rforkpages += pages;
    }
}

// The child's copy of its parent's thread (the seed's td_startcopy /
// td_startzero sections, the parts Sprig has).
void fork_thread_copy(thread* td, thread* td2, proc* p2)
{
    memcpy(td2->td_name, p2->p_comm, sizeof td2->td_name);
    td2->td_name[sizeof td2->td_name - 1] = 0;
    td2->td_sigstk = td->td_sigstk;
    td2->td_sigmask = td->td_sigmask;
    td2->td_pflags |= td->td_pflags & tdpflag::TDP_ALTSTACK;
    td2->td_ucred = crhold(p2->p_ucred);
}

// RFTHREAD: the child joins its parent's leader's peer list; if that
// leader is already exiting it is killing its peers and may not see this
// one, so the child is killed now and left on the list for the leader to
// wait for.
void fork_link_peers(proc* p1, proc* p2, int flags)
{
    if (!(flags & RFTHREAD)) {
        p2->p_peers = nullptr;
        p2->p_leader = p2;
        return;
    }
    p2->p_peers = p1->p_peers;
    p1->p_peers = p2;
    p2->p_leader = p1->p_leader;
    if (p1->p_leader->p_flag & pflag::P_WEXIT) psignal(p2, SIGKILL);
}

void fork_share_files(proc* p1, proc* p2, int flags, ForkAllocs& a)
{
    if (flags & (RFCFDG | RFFDG)) {
        p2->p_fd = a.fd;
        p2->p_fdtol = nullptr;
        return;
    }
    p2->p_fd = fdshare(p1->p_fd);
    if (a.p1_fdtol) p1->p_fdtol = a.p1_fdtol;
    if (flags & RFTHREAD)
        p2->p_fdtol = fdtol_hold(p1->p_fdtol); // same leader
    else
        p2->p_fdtol = a.fdtol;
}

// From the pid on: nothing here can fail.  Interrupts are off from the
// choice of the pid until the child is on allproc, so no other fork
// can take the same pid.
proc* fork_commit(thread* td, const fork_req& fr, ForkAllocs& a, const PidChoice& choice)
{
    proc* p1 = td->td_proc;
    proc* p2 = a.p2;
    thread* td2 = a.td2;
    const int flags = fr.fr_flags;

    pid_allocator().commit(choice);
    p2->p_state = ProcState::New;
    p2->p_pid = choice.pid;
    p2->p_thread = td2;
    td2->td_proc = p2;
    thread_set_callout(td2, fr.fr_func ? fr.fr_func : fork_return,
                       fr.fr_func ? fr.fr_arg : td2);
    sched_fork(td, td2); // after the callout: setting it up resets the slice
    proc_table().link(p2);

    memcpy(p2->p_comm, p1->p_comm, sizeof p2->p_comm);
    p2->p_ucred = crhold(td->td_ucred);
    fork_thread_copy(td, td2, p2);
    p2->p_flag = pflag::P_INMEM;
    p2->p_swtick = ticks();
    p2->p_sigacts = (flags & RFSIGSHARE)
                        ? sigacts_hold(p1->p_sigacts)
                        : sigacts_fork(a.sigacts_mem, proc_zones().sigacts, p1->p_sigacts);
    p2->p_sigparent = (flags & RFLINUXTHPN) ? SIGUSR1 : SIGCHLD;
    p2->p_textvp = p1->p_textvp;
    fork_share_files(p1, p2, flags, a);
    p2->p_limit = lim_fork(p1->p_limit);
    p2->p_stats = pstats{};
    if (p2->p_textvp) vref(p2->p_textvp);
    fork_link_peers(p1, p2, flags);

    p2->p_flag |= p1->p_flag & pflag::P_SUGID;
    const session* sess = proc_session(p1);
    if (sess && sess->s_ttyp && (p1->p_flag & pflag::P_CONTROLT)) p2->p_flag |= pflag::P_CONTROLT;
    if (flags & RFPPWAIT) p2->p_flag |= pflag::P_PPWAIT;
    if (p1->p_pgrp) pgrp_insert_after(p1, p2);
    ktrprocfork(p1, p2); // the seed's lines 652-664, in the same section

    proc* pptr = (flags & RFNOWAIT) ? initproc : p1;
    KASSERT(pptr, "RFNOWAIT before init exists");
    // Init reaps only what plain wait sees: a child it inherits at birth
    // signals SIGCHLD, as one inherited at its parent's exit does.
    if (flags & RFNOWAIT) p2->p_sigparent = SIGCHLD;
    p2->p_pptr = pptr;
    pptr->p_children.push_front(p2);
    p2->p_acflag = AFORK;

    vm_forkproc_commit(td, p2, td2, a.vm2, flags);
    a.released();
    // The vfork parent sleeps on the child's p_pwait and reads its p_flag
    // after the child's exit has woken it: held, the child cannot be
    // reaped (by init, when the parent ignores SIGCHLD) before that.
    if (flags & RFPPWAIT) PHOLD(p2);
    if (fr.fr_pidp) *fr.fr_pidp = p2->p_pid;
    count_fork(p1, p2, flags);
    g_process_fork.invoke(p1, p2, flags);
    p2->p_stats.p_start = ticks();
    p2->p_state = ProcState::Normal;
    knote_fork(&p1->p_klist, p2->p_pid); // the seed's line 770; before the child runs
    if (!(flags & RFSTOPPED)) sched_add(td2);
    return p2;
}

// The seed's failure tail (fail1): free everything, then pause.
// A signal posted to the parent before the child exists would not reach
// the child: a kill(-pgid) that found the parent in fork would miss it, and
// one ^C could never end a fork bomb.  So a fork that finds a signal the
// parent must act on is abandoned and made again after it (Linux does the
// same; the seed has no such check).  The check and the child's linking
// into its group happen in one section with interrupts off, so a signal
// is either seen here or sent to a group that has the child.
bool fork_signal_pending(thread* td)
{
    if (!sched_running() || td != curthread() || (td->td_proc->p_flag & pflag::P_SYSTEM))
        return false; // kernel processes take no signals
    // TDF_NEEDSIGCHK is clear whenever cursig() would say 0 (signotify).
    return (td->td_flags & tdflag::TDF_NEEDSIGCHK) && cursig(td) != 0;
}

Errno fork_fail(ForkAllocs& a, Errno e)
{
    a.free_all();
    fork_fail_pause();
    return e;
}

// rfork without RFPROC: the caller changes itself.  New tables are made
// before anything changes, so a failure changes nothing.
Result<proc*> fork_norfproc(thread* td, int flags)
{
    // Sprig's processes have one thread each: the seed's single-threading
    // of a multi-threaded caller has nothing to stop.
    proc* p1 = td->td_proc;
    ProcZones& z = proc_zones();
    filedesc* newfd = nullptr;
    if (flags & RFCFDG)
        newfd = TRY(fdinit(z.fds, p1->p_fd));
    else if ((flags & RFFDG) && fdshared(p1->p_fd))
        newfd = TRY(fdcopy(z.fds, p1->p_fd));
    if (auto r = vm_forkproc_self(td, flags); !r.ok()) {
        if (newfd) fdfree(newfd);
        return r.error();
    }
    if (newfd) {
        // The leader record belongs to the old table's ring, and goes with
        // it (as FreeBSD's fdescfree drops p_fdtol).
        if (p1->p_fdtol) {
            fdtol_free(p1->p_fdtol);
            p1->p_fdtol = nullptr;
        }
        filedesc* old = p1->p_fd;
        p1->p_fd = newfd;
        fdfree(old);
    }
    return static_cast<proc*>(nullptr);
}

} // namespace

ProcessForkEvent& process_fork_event() { return g_process_fork; }

Result<proc*> fork1(thread* td, const fork_req& fr)
{
    const int flags = fr.fr_flags;
    if ((flags & (RFFDG | RFCFDG)) == (RFFDG | RFCFDG)) return Errno::Inval;
    // Init may reap an RFNOWAIT child while a vfork parent still sleeps
    // on it: the pair has no meaning, and vfork never asks for it.
    if ((flags & (RFPPWAIT | RFNOWAIT)) == (RFPPWAIT | RFNOWAIT)) return Errno::Inval;
    KASSERT(td == curthread() || !sched_running() || (flags & RFPPWAIT) == 0,
            "vfork on behalf of another thread");
    if (!(flags & RFPROC)) return fork_norfproc(td, flags);

    const unsigned pages = fr.fr_pages ? static_cast<unsigned>(fr.fr_pages) : KSTACK_PAGES;
    if (fr.fr_pages < 0 || pages > KSTACK_MAX_PAGES) return Errno::Inval;
    proc* p1 = td->td_proc;
    ForkAllocs a;
    if (auto r = a.allocate(p1, flags, pages); !r.ok()) return fork_fail(a, r.error());

    // Limits: on refusal ForkLimits has printed the seed's line; as the
    // seed's fail1, everything is freed before the pause.
    if (auto r = fork_limits().charge(td->td_ucred, p1->p_limit); !r.ok())
        return fork_fail(a, r.error());

    proc* p2 = nullptr;
    bool signalled = false;
    {
        IntrOff off;
        const PidRange range = (flags & RFHIGHPID) ? PidRange::High : PidRange::Normal;
        signalled = fork_signal_pending(td);
        if (!signalled) {
            Result<PidChoice> choice = pid_allocator().choose(range, proc_table());
            if (choice.ok()) p2 = fork_commit(td, fr, a, choice.value());
        }
    }
    if (!p2) {
        fork_limits().uncharge(td->td_ucred);
        // Abandoned for a signal: the call is made again once it is dealt
        // with, and makes nobody wait.
        return signalled ? Errno::Restart : fork_fail(a, Errno::Again);
    }
    if (flags & RFPPWAIT) {
        // vfork: sleep until the child has exec'd or exited.
        IntrOff off;
        while (p2->p_flag & pflag::P_PPWAIT) cv_wait(&p2->p_pwait);
        PRELE(p2);
    }
    return p2;
}

namespace {

// The system calls' common body: fork1, then the child's pid (0 for an
// rfork that made none) in td_retval[0], 0 in td_retval[1].  The pid comes
// through fr_pidp, never from the returned proc, which the child's exit
// and init's wait may already have freed.
Errno fork_syscall(thread* td, int flags)
{
    pid_t pid = 0;
    fork_req fr{flags};
    fr.fr_pidp = &pid;
    if (const Result<proc*> r = fork1(td, fr); !r.ok()) return r.error();
    td->td_retval[0] = static_cast<uint64_t>(pid);
    td->td_retval[1] = 0;
    return Errno::Ok;
}

} // namespace

Errno sys_fork(thread* td) { return fork_syscall(td, RFFDG | RFPROC); }

Errno sys_vfork(thread* td) { return fork_syscall(td, RFFDG | RFPROC | RFPPWAIT | RFMEM); }

Errno sys_rfork(thread* td, int flags)
{
    if (flags & RFKERNELONLY) return Errno::Inval;
    return fork_syscall(td, flags);
}

[[noreturn]] void fork_exit(void* arg)
{
    auto* td = static_cast<thread*>(arg);
    sched_fork_exit(td);
    proc* p = td->td_proc;
    KASSERT(p && p->p_state == ProcState::Normal, "a new thread's process is still new");
    td->td_callout(td->td_callout_arg);
    if (p->p_flag & pflag::P_KTHREAD) {
        kprintf("Kernel thread \"%s\" (pid %d) exited prematurely.\n", td->td_name, p->p_pid);
        kproc_exit(0);
    }
    // A kernel-side child of a forking test or self-test: it is done.
    exit1(td, 0);
}

void fork_return(void* arg)
{
    auto* td = static_cast<thread*>(arg);
    userret(td);
    ktrforkret(td); // the seed's line 874: the child's first record
    arch::cpu_user_return(td);
}
