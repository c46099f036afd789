#include <kernel/proc/kern_resource.h>

#include <kernel/proc/fork_limits.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/resource.h>
#include <kernel/clock.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <lib/utility.h>
#include <mm/copyio.h>

namespace {

bool valid_resource(int which) { return which >= 0 && which < RLIM_NLIMITS; }

// FreeBSD's per-resource adjustments of a new limit (the switch in
// kern_setrlimit), for the resources Sprig enforces.
void clamp_rlimit(int which, rlimit& lim)
{
    if (which != RLIMIT_NPROC) return;
    const rlim_t most = fork_limits().maxprocperuid();
    lim.rlim_cur = sprig::max<rlim_t>(sprig::min(lim.rlim_cur, most), 1);
    lim.rlim_max = sprig::max<rlim_t>(sprig::min(lim.rlim_max, most), 1);
}

} // namespace

Errno kern_getrlimit(thread* td, int which, rlimit* out)
{
    if (!valid_resource(which)) return Errno::Inval;
    const plimit* lim = td->td_proc->p_limit;
    KASSERT(lim, "pid %d has no limits", td->td_proc->p_pid);
    *out = lim->pl_rlimit[which];
    return Errno::Ok;
}

Errno kern_setrlimit(thread* td, int which, rlimit lim)
{
    if (!valid_resource(which)) return Errno::Inval;
    proc* p = td->td_proc;
    if (lim.rlim_cur < 0) lim.rlim_cur = RLIM_INFINITY;
    if (lim.rlim_max < 0) lim.rlim_max = RLIM_INFINITY;
    if (lim.rlim_cur > lim.rlim_max) return Errno::Inval;
    const rlim_t hard = lim_max(p->p_limit, which);
    if ((lim.rlim_cur > hard || lim.rlim_max > hard) &&
        !priv_check_cred(td->td_ucred, Priv::ProcSetRlimit).ok())
        return Errno::Perm;
    clamp_rlimit(which, lim);
    return lim_set(&p->p_limit, which, lim).error();
}

Errno user_getrlimit(thread* td, int which, uint64_t ulim)
{
    rlimit lim{};
    if (const Errno e = kern_getrlimit(td, which, &lim); e != Errno::Ok) return e;
    return copyout(&lim, ulim, sizeof lim);
}

Errno user_setrlimit(thread* td, int which, uint64_t ulim)
{
    rlimit lim{};
    if (const Errno e = copyin(ulim, &lim, sizeof lim); e != Errno::Ok) return e;
    return kern_setrlimit(td, which, lim);
}

namespace {

ktimeval ticks_to_timeval(uint64_t t)
{
    const uint64_t usec = t * (USEC_PER_SEC / HZ);
    return ktimeval{static_cast<ktime_t>(usec / USEC_PER_SEC), static_cast<int64_t>(usec % USEC_PER_SEC)};
}

} // namespace

void rux_to_rusage(const rusage_ext& x, rusage* ru)
{
    *ru = rusage{};
    ru->ru_utime = ticks_to_timeval(x.rux_uticks);
    ru->ru_stime = ticks_to_timeval(x.rux_sticks);
    ru->ru_minflt = static_cast<int64_t>(x.ru_minflt);
    ru->ru_nvcsw = static_cast<int64_t>(x.ru_nvcsw);
    ru->ru_nivcsw = static_cast<int64_t>(x.ru_nivcsw);
}

Errno kern_getrusage(thread* td, int who, rusage* ru)
{
    proc* p = td->td_proc;
    rusage_ext x;
    if (who == RUSAGE_SELF) {
        sched_rux_settle(td);
        x = p->p_stats.p_rux;
        x.add(p->p_thread->td_rux);
    } else if (who == RUSAGE_CHILDREN) {
        x = p->p_stats.p_crux;
    } else {
        return Errno::Inval;
    }
    rux_to_rusage(x, ru);
    return Errno::Ok;
}

Errno user_getrusage(thread* td, int who, uint64_t uru)
{
    rusage ru{};
    if (const Errno e = kern_getrusage(td, who, &ru); e != Errno::Ok) return e;
    return copyout(&ru, uru, sizeof ru);
}
