#include <kernel/proc/proc_check.h>

#include <kernel/debug/invariant_report.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/uidinfo.h>
#include <kernel/sched/sched_check.h>
#include <mm/intr_off.h>
#include <mm/vmspace.h>

namespace {

template <typename List, typename T>
bool contains(List& l, T* x)
{
    for (T* y : l)
        if (y == x) return true;
    return false;
}

// Calls f(p) for every process on either list.
template <typename F>
void each_proc(ProcTable& t, F f)
{
    for (proc* p : t.allproc()) f(p);
    for (proc* p : t.zombproc()) f(p);
}

void check_lists(const ProcCheckInput& in, InvariantReport& r)
{
    ProcTable& t = *in.table;
    for (proc* p : t.allproc()) {
        if (p->p_state == ProcState::Zombie)
            r.violation("proc", "pid %d is a zombie on allproc", p->p_pid);
        if (p->p_state != ProcState::New && t.pfind(p->p_pid) != p)
            r.violation("proc", "pid %d on allproc is not in the pid hash", p->p_pid);
    }
    for (proc* p : t.zombproc()) {
        if (p->p_state != ProcState::Zombie)
            r.violation("proc", "pid %d on zombproc is in state %d", p->p_pid,
                        static_cast<int>(p->p_state));
        if (t.pfind(p->p_pid) != p)
            r.violation("proc", "zombie pid %d is not in the pid hash", p->p_pid);
    }
    if (in.nprocs >= 0 && static_cast<unsigned>(in.nprocs) != t.nprocs())
        r.violation("proc", "nprocs is %d, allproc and zombproc hold %u", in.nprocs, t.nprocs());
}

void check_family(const ProcCheckInput& in, InvariantReport& r)
{
    size_t children = 0, parentless = 0;
    each_proc(*in.table, [&](proc* p) {
        for (proc* c : p->p_children) {
            children++;
            if (c->p_pptr != p)
                r.violation("proc", "pid %d is on pid %d's children but names pid %d as parent",
                            c->p_pid, p->p_pid, c->p_pptr ? c->p_pptr->p_pid : -1);
        }
        if (p->p_state == ProcState::Zombie && !p->p_children.empty())
            r.violation("proc", "zombie pid %d still has %zu children", p->p_pid,
                        p->p_children.size());
        proc* pp = p->p_pptr;
        if (!pp) {
            parentless++;
            if (p != in.proc0) r.violation("proc", "pid %d has no parent", p->p_pid);
            return;
        }
        if (!contains(pp->p_children, p))
            r.violation("proc", "pid %d is missing from its parent pid %d's children", p->p_pid,
                        pp->p_pid);
    });
    if (children + parentless != in.table->nprocs())
        r.violation("proc", "%zu processes on children lists and %zu without a parent, of %u",
                    children, parentless, in.table->nprocs());
}

void check_groups(const ProcCheckInput& in, InvariantReport& r)
{
    size_t members = 0, grouped = 0;
    each_proc(*in.table, [&](proc* p) {
        if (!p->p_pgrp) {
            if (p->p_state != ProcState::New)
                r.violation("pgrp", "pid %d is in no process group", p->p_pid);
            return;
        }
        grouped++;
        if (!contains(p->p_pgrp->pg_members, p))
            r.violation("pgrp", "pid %d is missing from the members of its group %d", p->p_pid,
                        p->p_pgrp->pg_id);
    });
    in.pgrps->foreach_pgrp([&](pgrp* pg) {
        members += pg->pg_members.size();
        if (pg->pg_members.empty()) r.violation("pgrp", "group %d has no members", pg->pg_id);
        for (proc* p : pg->pg_members)
            if (p->p_pgrp != pg)
                r.violation("pgrp", "pid %d is a member of group %d but names group %d",
                            p->p_pid, pg->pg_id, p->p_pgrp ? p->p_pgrp->pg_id : -1);
        if (in.pgrps->pgfind(pg->pg_id) != pg)
            r.violation("pgrp", "group %d is not found by its id", pg->pg_id);
        session* s = pg->pg_session;
        if (!s) {
            r.violation("pgrp", "group %d has no session", pg->pg_id);
            return;
        }
        // Count each session's groups once, at its first group.
        bool first = true;
        size_t groups = 0;
        in.pgrps->foreach_pgrp([&](pgrp* other) {
            if (other->pg_session != s) return;
            if (groups++ == 0 && other != pg) first = false;
        });
        if (first && s->s_count != groups)
            r.violation("pgrp", "session %d has a count of %u and %zu groups", s->s_sid,
                        s->s_count, groups);
    });
    if (members != grouped)
        r.violation("pgrp", "%zu group members, %zu processes in a group", members, grouped);
}

// The pid allocator's bitmaps (pid_bitmap.h) hold exactly the ids in use:
// the pids of the listed processes, the ids of the groups, and the ids of
// the sessions that have groups (s_ngroups of them).
void check_id_maps(const ProcCheckInput& in, InvariantReport& r)
{
    ProcTable& t = *in.table;
    each_proc(t, [&](proc* p) {
        if (!t.pid_in_use(p->p_pid))
            r.violation("pid", "pid %d is on the lists but not in the pid bitmap", p->p_pid);
    });
    if (t.pid_count() != t.nprocs())
        r.violation("pid", "the pid bitmap holds %zu ids, the lists %u processes", t.pid_count(),
                    t.nprocs());
    size_t groups = 0, sessions = 0;
    in.pgrps->foreach_pgrp([&](pgrp* pg) {
        groups++;
        if (!in.pgrps->group_ids().test(pg->pg_id))
            r.violation("pid", "group %d is not in the group-id bitmap", pg->pg_id);
        session* s = pg->pg_session;
        if (!s) return;
        size_t n = 0;
        bool first = true;
        in.pgrps->foreach_pgrp([&](pgrp* other) {
            if (other->pg_session != s) return;
            if (n++ == 0 && other != pg) first = false;
        });
        if (!first) return;
        sessions++;
        if (s->s_ngroups != n)
            r.violation("pid", "session %d counts %u groups, has %zu", s->s_sid, s->s_ngroups, n);
        if (!in.pgrps->session_ids().test(s->s_sid))
            r.violation("pid", "session %d is not in the session-id bitmap", s->s_sid);
    });
    if (in.pgrps->group_ids().count() != groups)
        r.violation("pid", "the group-id bitmap holds %zu ids for %zu groups",
                    in.pgrps->group_ids().count(), groups);
    if (in.pgrps->session_ids().count() != sessions)
        r.violation("pid", "the session-id bitmap holds %zu ids for %zu sessions with groups",
                    in.pgrps->session_ids().count(), sessions);
}

void check_uids(const ProcCheckInput& in, InvariantReport& r)
{
    ProcTable& t = *in.table;
    auto counted = [&](uidinfo* uip) {
        long n = 0;
        each_proc(t, [&](proc* p) {
            if (p != in.proc0 && p->p_ucred && p->p_ucred->cr_ruidinfo == uip) n++;
        });
        return n;
    };
    in.uids->foreach_uidinfo([&](uidinfo* uip) {
        const long n = counted(uip);
        if (uip->ui_proccnt != n)
            r.violation("uid", "uid %u counts %ld processes, %ld have it as real uid",
                        uip->ui_uid, uip->ui_proccnt, n);
        if (in.uids->lookup(uip->ui_uid) != uip)
            r.violation("uid", "uid %u's record is not found by its uid", uip->ui_uid);
    });
    each_proc(t, [&](proc* p) {
        const ucred* cr = p->p_ucred;
        if (!cr) return;
        if (!cr->cr_ruidinfo || cr->cr_ruidinfo->ui_uid != cr->cr_ruid)
            r.violation("uid", "pid %d: real uid %u but its record is uid %d", p->p_pid,
                        cr->cr_ruid, cr->cr_ruidinfo ? int(cr->cr_ruidinfo->ui_uid) : -1);
    });
}

void check_threads(const ProcCheckInput& in, InvariantReport& r)
{
    each_proc(*in.table, [&](proc* p) {
        thread* td = p->p_thread;
        if (!td) {
            if (p->p_state == ProcState::Normal)
                r.violation("proc", "pid %d has no thread", p->p_pid);
            return;
        }
        if (td->td_proc != p)
            r.violation("proc", "pid %d's thread %s names another process", p->p_pid, td->td_name);
        // Each tick it ran was charged as user or system time (rusage.h).
        const rusage_ext& x = td->td_rux;
        if (x.rux_uticks + x.rux_sticks != td->td_runticks)
            r.violation("proc", "pid %d's thread %s ran %lu ticks but was charged %lu user and %lu system",
                        p->p_pid, td->td_name, td->td_runticks, x.rux_uticks, x.rux_sticks);
        sched_check_thread(td, r);
    });
}

} // namespace

void proc_check(const ProcCheckInput& in, InvariantReport& r)
{
    IntrOff off;
    check_lists(in, r);
    check_family(in, r);
    check_groups(in, r);
    check_id_maps(in, r);
    check_uids(in, r);
    check_threads(in, r);
}

size_t proc_vmspaces(ProcTable& table, vmspace** out, size_t max, InvariantReport& r)
{
    IntrOff off;
    size_t n = 0;
    each_proc(table, [&](proc* p) {
        vmspace* vm = p->p_vmspace;
        if (!vm) return;
        // Counted at the first process using it.
        unsigned users = 0;
        bool first = true;
        each_proc(table, [&](proc* q) {
            if (q->p_vmspace != vm) return;
            if (users++ == 0 && q != p) first = false;
        });
        if (!first) return;
        if (vm->vm_refcnt != users)
            r.violation("vm", "vmspace %p has %u references, %u processes use it", vm,
                        vm->vm_refcnt, users);
        if (n < max) out[n] = vm;
        n++;
    });
    return n;
}
