#include <kernel/proc/init_main.h>

#include <abi/wait.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/fork_limits.h>
#include <kernel/proc/init_exec.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_fork.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/ucred.h>
#include <kernel/random.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <lib/scope_guard.h>
#include <mm/intr_off.h>
#include <mm/swap_reserve.h>
#include <mm/vmspace.h>

#include <new>
#include <string.h>

proc proc0;
thread thread0;
proc* initproc = nullptr;

namespace {

alignas(PidAllocator) unsigned char g_pids_storage[sizeof(PidAllocator)];
PidAllocator* g_pids = nullptr;
uint64_t g_init_reaped = 0;

// proc0's objects, each undone by proc0_release() when set.
Result<void> proc0_alloc(ProcZones& z)
{
    proc0.p_ucred = TRY(cred_create(z.creds, z.uids, 0, 0));
    proc0.p_limit = TRY(lim_alloc(z.limits));
    fork_limits().init_proc0_limits(proc0.p_limit);
    proc0.p_sigacts = TRY(sigacts_alloc(z.sigacts));
    proc0.p_fd = TRY(fdinit(z.fds, nullptr));
    proc0.p_vmspace = TRY(vmspace_alloc(z.vmspaces, kernel_commit()));
    pgrp* pg = TRY(z.pgrps.pgrp_alloc());
    Result<session*> sess = z.pgrps.session_alloc();
    if (!sess.ok()) {
        pgrp_free_unused(pg);
        return sess.error();
    }
    return z.pgrps.enterpgrp(&proc0, 0, pg, sess.value());
}

void proc0_release()
{
    if (proc0.p_pgrp) leavepgrp(&proc0);
    if (proc0.p_vmspace) vmspace_free(proc0.p_vmspace);
    if (proc0.p_fdtol) fdtol_free(proc0.p_fdtol);
    if (proc0.p_fd) fdfree(proc0.p_fd);
    if (proc0.p_sigacts) sigacts_free(proc0.p_sigacts);
    if (proc0.p_limit) lim_free(proc0.p_limit);
    if (thread0.td_ucred) crfree(thread0.td_ucred);
    if (proc0.p_ucred) crfree(proc0.p_ucred);
    proc0.p_fdtol = nullptr, proc0.p_vmspace = nullptr, proc0.p_fd = nullptr, proc0.p_sigacts = nullptr;
    proc0.p_limit = nullptr, proc0.p_ucred = nullptr, thread0.td_ucred = nullptr;
}

} // namespace

PidAllocator& pid_allocator()
{
    if (!g_pids) g_pids = new (g_pids_storage) PidAllocator(kernel_random());
    return *g_pids;
}

Result<void> proc0_init()
{
    KASSERT(curthread() == &thread0, "proc0_init must run on thread0");
    KASSERT(!proc0.p_thread, "proc0_init twice");
    ProcZones& z = proc_zones();
    // Group and session ids are taken for the pid allocator too.
    proc_table().attach_groups(&z.pgrps);
    if (auto r = proc0_alloc(z); !r.ok()) {
        proc0_release();
        return r.error();
    }
    strncpy(proc0.p_comm, "kernel", sizeof proc0.p_comm - 1);
    proc0.p_pid = 0;
    proc0.p_flag = pflag::P_SYSTEM | pflag::P_INMEM;
    proc0.p_sigparent = SIGCHLD;
    proc0.p_leader = &proc0;
    proc0.p_thread = &thread0;
    thread0.td_proc = &proc0;
    thread0.td_ucred = crhold(proc0.p_ucred);
    proc_table().link(&proc0);
    proc0.p_state = ProcState::Normal;
    return {};
}

Result<void> create_init(void (*start)(void*), void* arg)
{
    KASSERT(!initproc, "create_init twice");
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC | RFSTOPPED;
    fr.fr_func = start;
    fr.fr_arg = arg;
    proc* p = TRY(fork1(&thread0, fr));
    KASSERT(p->p_pid == 1, "init got pid %d", p->p_pid);
    strncpy(p->p_comm, "init", sizeof p->p_comm - 1);
    strncpy(p->p_thread->td_name, "init", sizeof p->p_thread->td_name - 1);
    initproc = p;
    return {};
}

void kick_init()
{
    KASSERT(initproc, "kick_init without init");
    sched_add(initproc->p_thread);
}

[[noreturn]] void start_init(void*)
{
    thread* td = curthread();
    for (;;) {
        int status = 0;
        // Children with another exit signal (RFLINUXTHPN) first: a plain
        // wait would never see them.
        for (;;) {
            Result<pid_t> clone = kern_wait(td, WAIT_ANY, &status, WNOHANG | WLINUXCLONE);
            if (!clone.ok() || clone.value() == 0) break;
            g_init_reaped++;
        }
        Result<pid_t> r = kern_wait(td, WAIT_ANY, &status, 0);
        if (r.ok()) {
            g_init_reaped++;
            continue;
        }
        IntrOff off;
        if (r.error() != Errno::Child) continue;
        // No children left: the boot may have released the first program.
        if (const char* path = init_released_path()) init_exec(td, path);
        (void)tsleep(initproc, PWAIT, "init", 0);
    }
}

uint64_t init_reaped() { return g_init_reaped; }

void proc0_fini()
{
    if (initproc) {
        proc* p = initproc;
        KASSERT(p->p_children.empty(), "proc0_fini: init has children");
        KASSERT(p->p_thread->td_state == ThreadState::Inactive, "proc0_fini: init has run");
        // Init never ran: take it apart as exit and wait would.
        IntrOff off;
        p->p_flag |= pflag::P_WEXIT;
        proc_exit_release(p);
        proc_table().zombify(p);
        initproc = nullptr;
        proc_reap(p);
    }
    KASSERT(proc0.p_children.empty(), "proc0_fini: proc0 has children");
    proc_table().unlink_live(&proc0);
    proc0_release();
    proc_table().attach_groups(nullptr);
    proc0.~proc();
    new (&proc0) proc();
    thread0.td_proc = nullptr;
    if (g_pids) g_pids->~PidAllocator();
    g_pids = nullptr;
}
