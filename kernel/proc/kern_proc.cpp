#include <kernel/proc/kern_proc.h>

#include <kernel/clock.h>
#include <kernel/sysctl/kern_sysctl.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/ucred.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

#include <string.h>

namespace {

char kinfo_stat(const proc* p)
{
    if (p->p_state == ProcState::Zombie) return SZOMB;
    if (p->p_state == ProcState::New) return SIDL;
    // Stopped by a signal (asleep in stop_proc, or about to be): T in ps.
    if (p->p_flag & pflag::P_STOPPED_SIG) return SSTOP;
    return p->p_thread->td_state == ThreadState::Inhibited ? SSLEEP : SRUN;
}

void copy_string(char* dst, size_t size, const char* src)
{
    strncpy(dst, src ? src : "", size - 1);
    dst[size - 1] = 0;
}

// The live (or zombie) process with the smallest pid above `after`, or
// null: the records go out one at a time, each copyout outside the
// interrupts-off walk, so the walk restarts from the last pid each time.
proc* next_by_pid(pid_t after)
{
    proc* best = nullptr;
    ProcTable& t = proc_table();
    ProcTable::ProcListT* lists[] = {&t.allproc(), &t.zombproc()};
    for (ProcTable::ProcListT* list : lists)
        for (proc* p : *list)
            if (p->p_state != ProcState::New && p->p_pid > after && (!best || p->p_pid < best->p_pid))
                best = p;
    return best;
}

Errno out_all(SysctlReq& req)
{
    pid_t last = -1;
    for (;;) {
        kinfo_proc kp;
        {
            IntrOff off;
            proc* p = next_by_pid(last);
            if (!p) return Errno::Ok;
            fill_kinfo_proc(p, &kp);
            last = p->p_pid;
        }
        if (const Errno e = req.out(&kp, sizeof kp); e != Errno::Ok) return e;
    }
}

Errno out_pid(pid_t pid, SysctlReq& req)
{
    kinfo_proc kp;
    {
        IntrOff off;
        proc* p = proc_table().pfind(pid);
        if (!p) return Errno::Srch;
        fill_kinfo_proc(p, &kp);
    }
    return req.out(&kp, sizeof kp);
}

} // namespace

void fill_kinfo_proc(const proc* p, kinfo_proc* kp)
{
    KASSERT(p->p_state != ProcState::New, "kinfo_proc of pid %d, still being made", p->p_pid);
    memset(kp, 0, sizeof *kp);
    kp->ki_structsize = sizeof *kp;
    kp->ki_pid = p->p_pid;
    kp->ki_ppid = p->p_pptr ? p->p_pptr->p_pid : 0;
    kp->ki_pgid = p->p_pgrp ? p->p_pgrp->pg_id : 0;
    const session* s = proc_session(p);
    kp->ki_sid = s ? s->s_sid : 0;
    if (const ucred* cr = p->p_ucred) {
        kp->ki_uid = cr->cr_uid;
        kp->ki_ruid = cr->cr_ruid;
        kp->ki_svuid = cr->cr_svuid;
        kp->ki_rgid = cr->cr_rgid;
        kp->ki_gid = cr->cr_gid();
    }
    kp->ki_stat = kinfo_stat(p);
    kp->ki_flag = p->p_flag;
    const thread* td = p->p_thread;
    uint64_t runticks = p->p_stats.p_runticks;
    if (p->p_state != ProcState::Zombie && td) {
        kp->ki_pri = td->td_priority;
        runticks += td->td_runticks;
        if (td->td_state == ThreadState::Inhibited)
            copy_string(kp->ki_wmesg, sizeof kp->ki_wmesg, td->td_wmesg);
    }
    kp->ki_runtime = runticks * (1'000'000 / HZ);
    copy_string(kp->ki_comm, sizeof kp->ki_comm, p->p_comm);
}

Errno sysctl_kern_proc(const int* name, unsigned namelen, SysctlReq& req)
{
    if (req.newptr) return Errno::Perm; // read-only, as FreeBSD's CTLFLAG_RD
    if (namelen == 1 && name[0] == KERN_PROC_ALL) return out_all(req);
    if (namelen == 2 && name[0] == KERN_PROC_PID) return out_pid(name[1], req);
    return Errno::Inval;
}
