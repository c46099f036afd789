#include <kernel/proc/proc_show.h>

#include <kernel/console.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_table.h>
#include <mm/intr_off.h>

namespace {

char state_letter(const proc* p)
{
    if (p->p_state == ProcState::Zombie) return 'Z';
    if (p->p_state == ProcState::New) return 'N';
    switch (p->p_thread->td_state) {
    case ThreadState::Running:
    case ThreadState::RunQ: return 'R';
    case ThreadState::Inhibited: return 'S';
    case ThreadState::Inactive: break;
    }
    return 'I';
}

void show(const proc* p)
{
    const thread* td = p->p_thread;
    const char* wchan = "-";
    if (p->p_state != ProcState::Zombie && td && td->td_wmesg &&
        td->td_state == ThreadState::Inhibited)
        wchan = td->td_wmesg;
    kprintf("%6d %6d %6d %c %#10x %-8s %s\n", p->p_pid, p->p_pptr ? p->p_pptr->p_pid : 0,
            p->p_pgrp ? p->p_pgrp->pg_id : 0, state_letter(p), p->p_flag, wchan, p->p_comm);
}

} // namespace

void proc_show_all()
{
    // No preemption during the walk: a process that exited or was reaped
    // meanwhile would change the lists under it.
    IntrOff off;
    ProcTable& t = proc_table();
    kprintf("%6s %6s %6s %c %10s %-8s %s\n", "PID", "PPID", "PGID", 'S', "FLAGS", "WCHAN",
            "COMMAND");
    for (proc* p : t.allproc()) show(p);
    for (proc* p : t.zombproc()) show(p);
}
