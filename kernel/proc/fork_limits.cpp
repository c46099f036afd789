#include <kernel/proc/fork_limits.h>

#include <kernel/machdep.h>
#include <kernel/clock.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/resource.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <kernel/sysctl/sysctl.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/uidinfo.h>
#include <stdint.h>

void ForkLimits::configure(int maxproc)
{
    KASSERT(maxproc > 0, "maxproc %d", maxproc);
    maxproc_ = maxproc;
    maxprocperuid_ = static_cast<int>(static_cast<int64_t>(maxproc) * 9 / 10);
}

Result<void> ForkLimits::charge(const ucred* cred, const plimit* lim)
{
    KASSERT(maxproc_ > 0, "fork limits used before configure()");
    KASSERT(cred && cred->cr_ruidinfo, "charging a credential without a real-uid record");

    // The last ROOT_RESERVE slots are for PRIV_MAXPROC, and not even
    // root goes past maxproc.
    if ((nprocs_ >= maxproc_ - ROOT_RESERVE && !priv_check_cred(cred, Priv::MaxProc).ok()) ||
        nprocs_ >= maxproc_)
        return refuse(cred);

    // With PRIV_PROC_LIMIT the count still goes up, but unbounded.
    const rlim_t max =
        priv_check_cred(cred, Priv::ProcLimit).ok() ? 0 : lim_cur(lim, RLIMIT_NPROC);
    if (!chgproccnt(cred->cr_ruidinfo, 1, max)) return refuse(cred);

    nprocs_++;
    return {};
}

Result<void> ForkLimits::refuse(const ucred* cred)
{
    refusals_++;
    if (fail_rate_.check(ticks(), 1))
        kprintf("maxproc limit exceeded by uid %u, please see tuning(7) and login.conf(5).\n",
                cred->cr_ruid);
    return Errno::Again;
}

void ForkLimits::uncharge(const ucred* cred)
{
    KASSERT(cred && cred->cr_ruidinfo, "uncharging a credential without a real-uid record");
    KASSERT(nprocs_ > 1, "uncharge with %d processes counted", nprocs_);
    (void)chgproccnt(cred->cr_ruidinfo, -1, 0);
    nprocs_--;
}

void ForkLimits::init_proc0_limits(plimit* lim) const
{
    KASSERT(maxproc_ > 0, "fork limits used before configure()");
    KASSERT(!lim_shared(lim), "proc0's limits are shared already");
    lim->pl_rlimit[RLIMIT_NPROC] = {maxprocperuid_, maxprocperuid_};
}

ForkLimits& fork_limits()
{
    static ForkLimits limits;
    return limits;
}

int boot_maxproc(const CmdLine& cmdline, uint64_t physpages)
{
    // FreeBSD's sizing: one "user" per 2 MiB of RAM.
    const uint64_t maxusers = sprig::min<uint64_t>(sprig::max<uint64_t>(physpages / 512, 32), 384);
    uint64_t maxproc = 20 + 16 * maxusers;

    const char* key = "kern.maxproc";
    if (cmdline.has(key)) {
        Result<uint64_t> n = cmdline.get_u64(key);
        if (!n.ok())
            kprintf("kern.maxproc: not a number (%s), using %lu\n", errno_name(n.error()),
                    maxproc);
        else if (n.value() == 0 || n.value() > INT32_MAX)
            kprintf("kern.maxproc=%lu out of range, using %lu\n", n.value(), maxproc);
        else
            maxproc = n.value();
    }
    // Never more processes than RAM can plausibly hold.
    const uint64_t cap = sprig::max<uint64_t>(physpages / 12, 1);
    return static_cast<int>(sprig::min(maxproc, cap));
}

void fork_limits_init(const CmdLine& cmdline, uint64_t physpages)
{
    fork_limits().configure(boot_maxproc(cmdline, physpages));
}

Result<void> ForkLimits::sysctl_register(SysctlRegistry& registry)
{
    SysctlNode n;
    n.name = "kern.maxproc";
    n.flags = CTLFLAG_RD; // fixed at boot (kern.maxproc=N on the command line)
    n.value = &maxproc_;
    n.descr = "Maximum number of processes";
    TRY(registry.add(n));
    n.name = "kern.maxprocperuid";
    n.value = &maxprocperuid_;
    n.descr = "Maximum processes allowed per userid";
    return registry.add(n);
}

void fork_limits_init(uint64_t physpages) { fork_limits_init(kernel_cmdline(), physpages); }

namespace {

// A real sleep once the scheduler runs (the seed's pause("fork", hz/2));
// before that, waiting for the clock.
void default_fork_fail_pause()
{
    if (sched_running()) {
        pause("fork", HZ / 2);
        return;
    }
    const uint64_t until = ticks() + HZ / 2;
    while (ticks() < until) arch::cpu_wait();
}

ForkFailPauseFn g_pause = default_fork_fail_pause;

} // namespace

void fork_fail_pause() { g_pause(); }

ForkFailPauseFn set_fork_fail_pause(ForkFailPauseFn fn)
{
    ForkFailPauseFn old = g_pause;
    g_pause = fn ? fn : default_fork_fail_pause;
    return old;
}
