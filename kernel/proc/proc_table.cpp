#include <kernel/proc/proc_table.h>

#include <kernel/proc/pgrp.h>
#include <lib/kassert.h>

void ProcTable::link(proc* p)
{
    KASSERT(p->p_pid >= 0, "pid %d", p->p_pid);
    for (proc* q : chain(p->p_pid))
        KASSERT(q->p_pid != p->p_pid, "pid %d is in use twice", p->p_pid);
    allproc_.push_front(p); // the seed inserts at the head of both
    chain(p->p_pid).push_front(p);
}

void ProcTable::zombify(proc* p)
{
    KASSERT(p->p_state != ProcState::Zombie, "pid %d is a zombie already", p->p_pid);
    allproc_.remove(p);
    zombproc_.push_front(p);
    p->p_state = ProcState::Zombie;
}

void ProcTable::unlink_zombie(proc* p)
{
    KASSERT(p->p_state == ProcState::Zombie, "reaping pid %d, which is no zombie", p->p_pid);
    zombproc_.remove(p);
    chain(p->p_pid).remove(p);
}

void ProcTable::unlink_live(proc* p)
{
    KASSERT(p->p_state != ProcState::Zombie, "pid %d is a zombie", p->p_pid);
    allproc_.remove(p);
    chain(p->p_pid).remove(p);
}

proc* ProcTable::pfind(pid_t pid)
{
    for (proc* p : chain(pid)) {
        if (p->p_pid != pid) continue;
        return p->p_state == ProcState::New ? nullptr : p;
    }
    return nullptr;
}

void ProcTable::foreach_proc(ProcList which, ProcIdVisitor& v)
{
    ProcListT& list = which == ProcList::Allproc ? allproc_ : zombproc_;
    for (proc* p : list) {
        // 0 stands for "none" (proc0's group and session are 0 too, and 0
        // is never a candidate).
        const pgrp* pg = p->p_pgrp;
        const session* sess = pg ? pg->pg_session : nullptr;
        if (!v.visit(ProcIds{p->p_pid, pg ? pg->pg_id : 0, sess ? sess->s_sid : 0})) return;
    }
}

ProcTable& proc_table()
{
    static ProcTable table;
    return table;
}

session* proc_session(const proc* p) { return p->p_pgrp ? p->p_pgrp->pg_session : nullptr; }
