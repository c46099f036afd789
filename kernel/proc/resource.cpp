#include <kernel/proc/resource.h>

Result<plimit*> lim_alloc(PlimitZone& zone)
{
    plimit* limp = TRY(zone.create());
    for (rlimit& r : limp->pl_rlimit) r = {RLIM_INFINITY, RLIM_INFINITY};
    limp->pl_zone = &zone;
    return limp;
}

plimit* lim_hold(plimit* limp)
{
    KASSERT(limp && limp->pl_refcnt > 0, "lim_hold of freed limits");
    limp->pl_refcnt++;
    return limp;
}

void lim_free(plimit* limp)
{
    KASSERT(limp && limp->pl_refcnt > 0, "lim_free of freed limits");
    if (--limp->pl_refcnt > 0) return;
    limp->pl_zone->destroy(limp);
}

void lim_copy(plimit* dst, const plimit* src)
{
    KASSERT(!lim_shared(dst), "lim_copy into shared limits (%u refs)", dst->pl_refcnt);
    for (int i = 0; i < RLIM_NLIMITS; i++) dst->pl_rlimit[i] = src->pl_rlimit[i];
}

plimit* lim_fork(plimit* parent) { return lim_hold(parent); }

Result<plimit*> lim_cow(plimit** limpp)
{
    plimit* old = *limpp;
    if (!lim_shared(old)) return old;
    plimit* copy = TRY(lim_alloc(*old->pl_zone));
    lim_copy(copy, old);
    *limpp = copy;
    lim_free(old);
    return copy;
}

Result<void> lim_set(plimit** limpp, int which, const rlimit& value)
{
    if (which < 0 || which >= RLIM_NLIMITS) return Errno::Inval;
    plimit* limp = TRY(lim_cow(limpp));
    limp->pl_rlimit[which] = value;
    return {};
}

rlim_t lim_cur(const plimit* limp, int which)
{
    KASSERT(which >= 0 && which < RLIM_NLIMITS, "no resource %d", which);
    return limp->pl_rlimit[which].rlim_cur;
}

rlim_t lim_max(const plimit* limp, int which)
{
    KASSERT(which >= 0 && which < RLIM_NLIMITS, "no resource %d", which);
    return limp->pl_rlimit[which].rlim_max;
}
