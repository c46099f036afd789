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
    pids_.set(p->p_pid);
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
    pids_.clear(p->p_pid);
}

void ProcTable::unlink_live(proc* p)
{
    KASSERT(p->p_state != ProcState::Zombie, "pid %d is a zombie", p->p_pid);
    allproc_.remove(p);
    chain(p->p_pid).remove(p);
    pids_.clear(p->p_pid);
}

proc* ProcTable::pfind(pid_t pid)
{
    for (proc* p : chain(pid)) {
        if (p->p_pid != pid) continue;
        return p->p_state == ProcState::New ? nullptr : p;
    }
    return nullptr;
}

pid_t ProcTable::first_unused(pid_t from, pid_t below)
{
    KASSERT(from >= 1, "first_unused from %d", from);
    const IdBitmap* maps[] = {&pids_, groups_ ? &groups_->group_ids() : nullptr,
                              groups_ ? &groups_->session_ids() : nullptr};
    return first_clear(maps, 3, from, below);
}

ProcTable& proc_table()
{
    static ProcTable table;
    return table;
}

session* proc_session(const proc* p) { return p->p_pgrp ? p->p_pgrp->pg_session : nullptr; }
