#include <kernel/proc/pgrp.h>

#include <string.h>
#include <kernel/tty/tty.h>
#include <mm/intr_off.h>

namespace {

// proc_session(), which lives with the process table; this file does not
// need that one linked in.
session* session_of(const proc* p) { return p->p_pgrp ? p->p_pgrp->pg_session : nullptr; }

} // namespace

PgrpTable::PgrpTable(PageAllocator& pages) : pgrps_("pgrp", pages), sessions_("session", pages) {}

PgrpTable::~PgrpTable()
{
    KASSERT(pgrp_count() == 0 && session_count() == 0,
            "pgrp table destroyed with %zu groups and %zu sessions alive", pgrp_count(),
            session_count());
}

pgrp* PgrpTable::pgfind(pid_t pgid)
{
    for (pgrp* pg : bucket(pgid))
        if (pg->pg_id == pgid) return pg;
    return nullptr;
}

Result<pgrp*> PgrpTable::pgrp_alloc()
{
    pgrp* pg = TRY(pgrps_.create());
    pg->pg_table = this;
    return pg;
}

Result<session*> PgrpTable::session_alloc()
{
    session* sess = TRY(sessions_.create());
    sess->s_table = this;
    return sess;
}

void pgrp_free_unused(pgrp* pg)
{
    KASSERT(pg && pg->pg_table, "pgrp_free_unused of a group of no table");
    KASSERT(!pg->pg_hash.linked() && pg->pg_members.empty() && !pg->pg_session,
            "pgrp_free_unused of group %d in use", pg->pg_id);
    pg->pg_table->pgrps_.destroy(pg);
}

void session_free_unused(session* sess)
{
    KASSERT(sess && sess->s_table, "session_free_unused of a session of no table");
    KASSERT(sess->s_count == 0 && !sess->s_leader, "session_free_unused of session %d in use",
            sess->s_sid);
    sess->s_table->sessions_.destroy(sess);
}

Result<void> PgrpTable::enterpgrp(proc* p, pid_t pgid, pgrp* newpgrp, session* newsess)
{
    KASSERT(p && p->p_pid == pgid, "enterpgrp: group id %d is not the pid %d", pgid,
            p ? p->p_pid : -1);
    KASSERT(newsess || p->p_pgrp, "enterpgrp: pid %d has no session to join", p->p_pid);
    KASSERT(!newpgrp || (newpgrp->pg_table == this && !newpgrp->pg_hash.linked()),
            "enterpgrp: group given is not an unused one of this table");
    KASSERT(!newsess || (newsess->s_table == this && newsess->s_count == 0),
            "enterpgrp: session given is not an unused one of this table");
    if (pgfind(pgid)) return Errno::Perm;
    pgrp* pg = newpgrp ? newpgrp : TRY(pgrp_alloc());

    // Nothing fails from here on.
    session* oldsess = session_of(p);
    if (newsess) {
        newsess->s_count = 1; // the new group's reference
        newsess->s_leader = p;
        newsess->s_sid = p->p_pid;
        newsess->s_ngroups = 0;
        newsess->s_ttyp = nullptr;
        if (oldsess) memcpy(newsess->s_login, oldsess->s_login, sizeof newsess->s_login);
        p->p_flag &= ~pflag::P_CONTROLT; // a new session has no terminal yet
        pg->pg_session = newsess;
    } else {
        sess_hold(oldsess);
        pg->pg_session = oldsess;
    }
    pg->pg_id = pgid;
    pg->pg_jobc = 0;
    bucket(pgid).push_front(pg);
    group_ids_.set(pgid);
    if (pg->pg_session->s_ngroups++ == 0) session_ids_.set(pg->pg_session->s_sid);
    doenterpgrp(p, pg);
    return {};
}

Result<void> enterthispgrp(proc* p, pgrp* pg)
{
    KASSERT(p && p->p_pgrp && pg && pg->pg_hash.linked(),
            "enterthispgrp needs a grouped process and a live group");
    KASSERT(pg->pg_table == p->p_pgrp->pg_table, "enterthispgrp across tables");
    if (pg == p->p_pgrp) return {};
    if (pg->pg_session != session_of(p)) return Errno::Perm;
    PgrpTable::doenterpgrp(p, pg);
    return {};
}

// Moves p (in a group or not yet) to the head of pg's members, freeing the
// group it leaves when that one is left empty (doenterpgrp).
void PgrpTable::doenterpgrp(proc* p, pgrp* pg)
{
    pgrp* old = p->p_pgrp;
    {
        IntrOff off; // the terminal's ^C walks pg_members from its interrupt
        if (old) old->pg_members.remove(p);
        p->p_pgrp = pg;
        pg->pg_members.push_front(p);
    }
    if (old && old->pg_members.empty()) old->pg_table->pgdelete(old);
}

void leavepgrp(proc* p)
{
    KASSERT(p && p->p_pgrp, "leavepgrp of a process in no group");
    pgrp* pg = p->p_pgrp;
    {
        IntrOff off; // as in doenterpgrp
        pg->pg_members.remove(p);
        p->p_pgrp = nullptr;
    }
    if (pg->pg_members.empty()) pg->pg_table->pgdelete(pg);
}

// An empty group goes: out of the hash, its session reference dropped
// (pgdelete).
void PgrpTable::pgdelete(pgrp* pg)
{
    KASSERT(pg->pg_members.empty(), "deleting group %d with %zu members", pg->pg_id,
            pg->pg_members.size());
    bucket(pg->pg_id).remove(pg);
    group_ids_.clear(pg->pg_id);
    session* sess = pg->pg_session;
    KASSERT(sess->s_ngroups > 0, "group %d's session %d counts no groups", pg->pg_id, sess->s_sid);
    if (--sess->s_ngroups == 0) session_ids_.clear(sess->s_sid);
    if (sess->s_ttyp) tty_rel_pgrp(sess->s_ttyp, pg); // no longer its foreground
    pg->pg_session = nullptr;
    pgrps_.destroy(pg);
    sess_release(sess);
}

void pgrp_insert_after(proc* parent, proc* child)
{
    KASSERT(parent && parent->p_pgrp, "pgrp_insert_after: the parent is in no group");
    KASSERT(child && !child->p_pgrp && !child->p_pglist.linked(),
            "pgrp_insert_after: the child is in a group already");
    IntrOff off; // as in doenterpgrp
    child->p_pgrp = parent->p_pgrp;
    parent->p_pgrp->pg_members.insert_after(parent, child);
}

void PgrpTable::drain()
{
    pgrps_.zone().drain();
    sessions_.zone().drain();
}

void sess_hold(session* sess)
{
    KASSERT(sess && sess->s_count > 0, "sess_hold of a freed session");
    sess->s_count++;
}

void sess_release(session* sess)
{
    KASSERT(sess && sess->s_count > 0, "sess_release of a freed session");
    if (--sess->s_count > 0) return;
    // The terminal holds no reference (FreeBSD's sessrele): it forgets
    // the session here.
    if (sess->s_ttyp) tty_rel_sess(sess->s_ttyp, sess);
    sess->s_leader = nullptr;
    sess->s_table->sessions_.destroy(sess);
}
