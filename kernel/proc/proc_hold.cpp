#include <kernel/proc/proc_hold.h>

#include <kernel/sched/priority.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

void PHOLD(proc* p)
{
    IntrOff off;
    KASSERT(p->p_lock >= 0, "pid %d: hold count %d", p->p_pid, p->p_lock);
    p->p_lock++;
}

void PRELE(proc* p)
{
    IntrOff off;
    KASSERT(p->p_lock > 0, "pid %d: PRELE without a hold", p->p_pid);
    if (--p->p_lock == 0 && p->p_state == ProcState::Zombie) wakeup(&p->p_lock);
}

void proc_wait_unheld(proc* p)
{
    IntrOff off;
    KASSERT(p->p_state == ProcState::Zombie, "waiting for the holds of pid %d, not a zombie",
            p->p_pid);
    // No PCATCH: the reaper has already taken the zombie's status, and
    // a hold lasts only until its holder next runs.
    while (p->p_lock > 0) (void)tsleep(&p->p_lock, PWAIT, "reaphold", 0);
}
