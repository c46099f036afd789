#include <kernel/proc/kern_kthread.h>

#include <abi/wait.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_fork.h>
#include <kernel/proc/sigacts.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

#include <string.h>

Result<proc*> kproc_create(void (*func)(void*), void* arg, const char* name, uint8_t pri,
                           int flags, int pages)
{
    KASSERT(proc0.p_thread, "kproc_create before proc0 exists");
    fork_req fr;
    fr.fr_flags = RFMEM | RFFDG | RFPROC | RFSTOPPED | flags;
    fr.fr_pages = pages;
    fr.fr_func = func;
    fr.fr_arg = arg;
    proc* p2 = TRY(fork1(proc0.p_thread, fr));
    thread* td = p2->p_thread;
    p2->p_flag |= pflag::P_SYSTEM | pflag::P_KTHREAD;
    p2->p_sigacts->ps_flag |= PS_NOCLDWAIT;
    strncpy(p2->p_comm, name, sizeof p2->p_comm - 1);
    strncpy(td->td_name, name, sizeof td->td_name - 1);
    td->td_priority = td->td_base_pri = pri;
    sched_set_timeshare(td, false);
    if (!(flags & RFSTOPPED)) sched_add(td);
    return p2;
}

[[noreturn]] void kproc_exit(int ecode)
{
    thread* td = curthread();
    proc* p = td->td_proc;
    KASSERT(p->p_flag & pflag::P_KTHREAD, "kproc_exit from pid %d, not a kernel process",
            p->p_pid);
    // proc0 waits for nobody: init reaps the zombie.
    proc_reparent(p, initproc);
    exit1(td, W_EXITCODE(ecode, 0));
}
