#include <kernel/proc/kern_prot.h>

#include <kernel/proc/pgrp.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/uidinfo.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

namespace {

// The process with this pid if it is alive (FreeBSD's pfind skips
// zombies and processes still being made).
proc* pfind_live(pid_t pid)
{
    proc* p = proc_table().pfind(pid);
    return p && p->p_state == ProcState::Normal ? p : nullptr;
}

// Whether p is q or one of q's descendants (FreeBSD's inferior()).
bool inferior_of(const proc* p, const proc* q)
{
    for (; p != q; p = p->p_pptr)
        if (!p || p->p_pid == 0) return false;
    return true;
}

bool is_session_leader(const proc* p)
{
    const session* s = proc_session(p);
    return s && s->s_leader == p;
}

// The process acts with newcred from now on: the process's reference
// and its thread's move to it (one thread per process, so no other
// thread keeps acting with the old one).
void proc_set_cred(thread* td, ucred* newcred)
{
    proc* p = td->td_proc;
    KASSERT(p->p_thread == td, "pid %d: credential change from a thread not its own", p->p_pid);
    ucred* old = p->p_ucred;
    p->p_ucred = newcred;
    crfree(td->td_ucred);
    td->td_ucred = crhold(newcred);
    crfree(old);
}

// FreeBSD 8's change_ruid also moves the process from one uid's count
// to the other's; Sprig's change_ruid (shared with credential setup)
// leaves counts alone, so setuid moves it here.
void setuid_change_ruid(ucred* cr, uidinfo* uip)
{
    (void)chgproccnt(cr->cr_ruidinfo, -1, 0);
    change_ruid(cr, uip);
    (void)chgproccnt(cr->cr_ruidinfo, 1, 0);
}

} // namespace

pid_t kern_getpgrp(const thread* td)
{
    const pgrp* pg = td->td_proc->p_pgrp;
    KASSERT(pg, "pid %d is in no process group", td->td_proc->p_pid);
    return pg->pg_id;
}

Errno kern_setuid(thread* td, uid_t uid)
{
    proc* p = td->td_proc;
    const ucred* old = p->p_ucred;
    const bool privileged = priv_check_cred(old, Priv::CredSetuid).ok();
    if (uid != old->cr_ruid && uid != old->cr_svuid && !privileged) return Errno::Perm;

    Result<uidinfo*> uip = proc_zones().uids.uifind(uid);
    if (!uip.ok()) return uip.error();
    Result<ucred*> dup = crdup(old);
    if (!dup.ok()) {
        uifree(uip.value());
        return dup.error();
    }
    ucred* cr = dup.value();
    if (privileged && uid != old->cr_ruid) setuid_change_ruid(cr, uip.value());
    if (privileged && uid != old->cr_svuid) change_svuid(cr, uid);
    if (uid != old->cr_uid) change_euid(cr, uip.value());
    uifree(uip.value()); // the credential holds its own references
    if (cr->cr_ruid != old->cr_ruid || cr->cr_svuid != old->cr_svuid || cr->cr_uid != old->cr_uid)
        p->p_flag |= pflag::P_SUGID;
    proc_set_cred(td, cr);
    return Errno::Ok;
}

namespace {

// setpgid's choice of target: the caller, or a live descendant in its
// session that has not exec'd.
Result<proc*> setpgid_target(proc* curp, pid_t pid)
{
    if (pid == 0 || pid == curp->p_pid) return curp;
    proc* targp = pfind_live(pid);
    if (!targp || !inferior_of(targp, curp)) return Errno::Srch;
    if (!targp->p_pgrp || proc_session(targp) != proc_session(curp)) return Errno::Perm;
    if (targp->p_flag & pflag::P_EXEC) return Errno::Acces;
    return targp;
}

} // namespace

namespace {

// setpgid's decisions, interrupts off; *spare is the preallocated group,
// set to null when enterpgrp consumes it.
Errno setpgid_locked(proc* curp, pid_t pid, pid_t pgid, pgrp** spare)
{
    proc* targp = TRY(setpgid_target(curp, pid));
    if (is_session_leader(targp)) return Errno::Perm;
    if (pgid == 0) pgid = targp->p_pid;
    PgrpTable& groups = proc_zones().pgrps;
    pgrp* pg = groups.pgfind(pgid);
    if (!pg) {
        if (pgid != targp->p_pid) return Errno::Perm;
        TRY(groups.enterpgrp(targp, pgid, *spare, nullptr));
        *spare = nullptr;
        return Errno::Ok;
    }
    if (pg == targp->p_pgrp) return Errno::Ok;
    if (pg->pg_id != targp->p_pid && pg->pg_session != proc_session(curp)) return Errno::Perm;
    return enterthispgrp(targp, pg).error();
}

} // namespace

Errno kern_setpgid(thread* td, pid_t pid, pid_t pgid)
{
    if (pgid < 0) return Errno::Inval;
    // The group is allocated before anything is decided, as FreeBSD does,
    // so that nothing can fail half-way.
    pgrp* spare = TRY(proc_zones().pgrps.pgrp_alloc());
    Errno e;
    {
        IntrOff off;
        e = setpgid_locked(td->td_proc, pid, pgid, &spare);
    }
    if (spare) pgrp_free_unused(spare);
    return e;
}

Result<pid_t> kern_setsid(thread* td)
{
    proc* p = td->td_proc;
    PgrpTable& groups = proc_zones().pgrps;
    pgrp* pg = TRY(groups.pgrp_alloc());
    Result<session*> sess = groups.session_alloc();
    if (!sess.ok()) {
        pgrp_free_unused(pg);
        return sess.error();
    }
    IntrOff off;
    if (kern_getpgrp(td) == p->p_pid || groups.pgfind(p->p_pid)) {
        pgrp_free_unused(pg);
        session_free_unused(sess.value());
        return Errno::Perm;
    }
    const Result<void> r = groups.enterpgrp(p, p->p_pid, pg, sess.value());
    KASSERT(r.ok(), "setsid: enterpgrp of pid %d failed (%s)", p->p_pid, errno_name(r.error()));
    return p->p_pid;
}

Result<pid_t> kern_getsid(thread* td, pid_t pid)
{
    const proc* p = pid == 0 ? td->td_proc : pfind_live(pid);
    if (!p) return Errno::Srch;
    const session* s = proc_session(p);
    KASSERT(s, "pid %d is in no session", p->p_pid);
    return s->s_sid;
}
