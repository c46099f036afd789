// ktrace(2) itself (FreeBSD's ktrace, ktrops, ktrsetchildren, ktrcanset):
// who may be traced, and setting or clearing facilities on one process,
// a process group, or a process and its descendants.
#include <kernel/ktrace/ktrace.h>

#include <kernel/fs/file.h>
#include <kernel/fs/vfs_syscalls.h>
#include <kernel/ktrace/ktr_open.h>
#include <kernel/ktrace/ktr_sink.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/ucred.h>
#include <lib/kassert.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>

namespace {

// Whether td may change p's trace (FreeBSD's ktrcanset, p_candebug's
// rules): a trace root set (KTRFAC_ROOT) only root may change; then a
// process itself, and root anything but kernel processes; anyone else
// only a process whose every user id is its own effective one and whose
// ids did not change since its last exec (P_SUGID).
bool ktrcanset(thread* td, const proc* p)
{
    const ucred* c = td->td_ucred;
    if ((p->p_traceflag & KTRFAC_ROOT) && !priv_check_cred(c, Priv::Ktrace).ok()) return false;
    if (p->p_flag & (pflag::P_SYSTEM | pflag::P_KTHREAD)) return false;
    if (p == td->td_proc) return true; // p_candebug: a process may always trace itself
    const ucred* t = p->p_ucred;
    const bool same = t->cr_uid == c->cr_uid && t->cr_ruid == c->cr_uid && t->cr_svuid == c->cr_uid;
    if (!same && !priv_check_cred(c, Priv::DebugDiffCred).ok()) return false;
    if ((p->p_flag & pflag::P_SUGID) && !priv_check_cred(c, Priv::DebugSugid).ok()) return false;
    return true;
}

// One process (ktrops); interrupts off.  Old sinks are released by the
// caller's ktr_sinks_reap.  False when td may not trace p.
bool ktrops(thread* td, proc* p, int op, int facs, ktr_sink* ks)
{
    if (!ktrcanset(td, p)) return false;
    if (p->p_flag & pflag::P_WEXIT) return true; // exiting: its trace is going anyway
    if (op == KTROP_SET) {
        // Facilities add up, also when the records move to another file.
        int flag = p->p_traceflag | facs;
        if (p->p_tracesink && p->p_tracesink != ks) ktr_sink_drop_locked(ktr_unhook(p));
        if (priv_check_cred(td->td_ucred, Priv::Ktrace).ok()) flag |= KTRFAC_ROOT;
        ktr_attach(p, ks, flag);
        return true;
    }
    // KTROP_CLEAR: once no facility is left, the trace goes.
    p->p_traceflag &= ~facs;
    if (!(p->p_traceflag & KTRFAC_MASK))
        if (ktr_sink* old = ktr_unhook(p)) ktr_sink_drop_locked(old);
    return true;
}

// p and every descendant (ktrsetchildren), depth first without a stack.
bool ktrsetchildren(thread* td, proc* top, int op, int facs, ktr_sink* ks)
{
    bool ret = false;
    proc* p = top;
    for (;;) {
        ret |= ktrops(td, p, op, facs, ks);
        if (proc* c = p->p_children.front()) {
            p = c;
            continue;
        }
        for (;;) {
            if (p == top) return ret;
            if (proc* s = p->p_pptr->p_children.next(p)) {
                p = s;
                break;
            }
            p = p->p_pptr;
        }
    }
}

bool ktr_one(thread* td, proc* p, int ops, int facs, ktr_sink* ks)
{
    const int op = ops & KTROP_MASK;
    return (ops & KTRFLAG_DESCEND) ? ktrsetchildren(td, p, op, facs, ks) : ktrops(td, p, op, facs, ks);
}

// KTROP_CLEARFILE: every process tracing into ks stops (EPERM if one
// may not be changed by td; the others still are).
Errno ktr_clearfile(thread* td, ktr_sink* ks)
{
    Errno e = Errno::Ok;
    IntrOff off;
    for (proc* p : proc_table().allproc()) {
        if (p->p_tracesink != ks) continue;
        if (!ktrcanset(td, p)) {
            e = Errno::Perm;
            continue;
        }
        ktr_sink_drop_locked(ktr_unhook(p));
    }
    return e;
}

// The target: pid > 0 a process, pid < 0 the group -pid.  ESRCH when
// none is there, EPERM when td may change none of them.
Errno ktr_apply(thread* td, int ops, int facs, pid_t pid, ktr_sink* ks)
{
    IntrOff off;
    // A write into the file failed since it was opened: it takes no trace.
    if (ks && ks->ks_dead) return Errno::Io;
    bool ret = false;
    if (pid < 0) {
        pgrp* pg = pid == INT32_MIN ? nullptr : proc_zones().pgrps.pgfind(-pid);
        if (!pg || pg->pg_members.empty()) return Errno::Srch;
        for (proc* p : pg->pg_members)
            if (p->p_state == ProcState::Normal) ret |= ktr_one(td, p, ops, facs, ks);
    } else {
        proc* p = proc_table().pfind(pid);
        if (!p || p->p_state != ProcState::Normal) return Errno::Srch;
        ret = ktr_one(td, p, ops, facs, ks);
    }
    return ret ? Errno::Ok : Errno::Perm;
}

// The sink records go to for KTROP_SET or name KTROP_CLEARFILE: one
// already tracing into the same file, or a new one.  Null with
// KTROP_CLEARFILE when nobody traces into it.
Result<ktr_sink*> ktr_sink_for(thread* td, char* fname, int op)
{
    file* fp = TRY(ktr_open(td, fname));
    if (ktr_sink* ks = ktr_sink_find(fp)) {
        (void)fdrop(fp);
        return ks;
    }
    if (op == KTROP_CLEARFILE) {
        (void)fdrop(fp);
        return static_cast<ktr_sink*>(nullptr);
    }
    return ktr_sink_alloc(fp);
}

} // namespace

Errno kern_ktrace(thread* td, char* fname, int ops, int facs, pid_t pid)
{
    const int op = ops & KTROP_MASK;
    facs &= ~KTRFAC_ROOT; // only the kernel sets it
    if (op > KTROP_CLEARFILE || (ops & ~(KTROP_MASK | KTRFLAG_DESCEND))) return Errno::Inval;
    if (facs & ~(KTRFAC_MASK | KTRFAC_INHERIT)) return Errno::Inval;
    if (op != KTROP_CLEARFILE && !(facs & KTRFAC_MASK)) return Errno::Inval;
    ktr_sink* ks = nullptr;
    if (op != KTROP_CLEAR) {
        if (!fname) return Errno::Fault;
        ks = TRY(ktr_sink_for(td, fname, op));
    }
    Errno e = Errno::Ok;
    if (op == KTROP_CLEARFILE)
        e = ks ? ktr_clearfile(td, ks) : Errno::Ok;
    else
        e = ktr_apply(td, ops, facs, pid, ks);
    if (ks) ktr_sink_unbusy(ks);
    ktr_sinks_reap(); // sinks left without a process: old ones replaced or cleared
    return e;
}

Errno user_ktrace(thread* td, uint64_t ufname, int ops, int facs, pid_t pid)
{
    if (!ufname) return kern_ktrace(td, nullptr, ops, facs, pid);
    char path[MAXPATHLEN];
    if (const Errno e = copyinstr(ufname, path, sizeof path, nullptr); e != Errno::Ok) return e;
    return kern_ktrace(td, path, ops, facs, pid);
}
