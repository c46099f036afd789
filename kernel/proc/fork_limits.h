// The process-count limits fork1 enforces (the seed's maxproc / nprocs /
// RLIMIT_NPROC block): a system-wide ceiling with the last ten slots kept
// for root, and a per-real-uid count bounded by RLIMIT_NPROC unless the
// credential holds PRIV_PROC_LIMIT.  A refused fork prints one rate-limited
// console line naming the uid, and fork1, once it has freed what it took,
// pauses half a second, so a fork bomb neither floods the console nor
// spins.
//
// An object, so host tests make their own; the kernel's is fork_limits(),
// set up once at boot by fork_limits_init().
#pragma once

#include <stdint.h>
#include <lib/result.h>
#include <kernel/proc/ratecheck.h>

class CmdLine;
class SysctlRegistry;
struct ucred;
struct plimit;

class ForkLimits {
public:
    // Slots below maxproc that only PRIV_MAXPROC may use.
    static constexpr int ROOT_RESERVE = 10;

    // Not usable until configure().
    constexpr ForkLimits() = default;
    explicit ForkLimits(int maxproc) { configure(maxproc); }

    // Sets maxproc (> 0) and maxprocperuid (9/10 of it, FreeBSD's
    // init_param2); nprocs starts at 1 for proc0.
    void configure(int maxproc);

    int maxproc() const { return maxproc_; }
    int maxprocperuid() const { return maxprocperuid_; }
    // Processes counted, proc0 and zombies included.
    int nprocs() const { return nprocs_; }

    // fork1's limit checks, in the seed's order, for a parent acting with
    // cred and limits lim: nprocs >= maxproc - 10 refuses a credential
    // without PRIV_MAXPROC, nprocs >= maxproc refuses everyone; then the
    // real uid's process count goes up by one, bounded by
    // lim_cur(RLIMIT_NPROC) unless cred holds PRIV_PROC_LIMIT (chgproccnt:
    // a limit of 0 bounds nothing).  On success both counts went up by
    // one.  On refusal nothing changed, the console got "maxproc limit
    // exceeded by uid N ..." (cr_ruid, at most once a second of ticks),
    // and the result is Again.  It does not pause: the seed frees the
    // failed fork's allocations first (fail1), then pauses, and so does
    // fork1 (fork_fail).
    Result<void> charge(const ucred* cred, const plimit* lim);
    // Undoes one successful charge(cred, ...): for a fork that fails after
    // it, and for the reaping of a process (nprocs-- and its real uid's
    // count down, as proc_reap does).  cred must name the same real-uid
    // record as when charged.
    void uncharge(const ucred* cred);

    // Gives proc0's limits their boot values (proc0_init): RLIMIT_NPROC
    // soft and hard = maxprocperuid.  lim must be unshared.
    void init_proc0_limits(plimit* lim) const;

    // kern.maxproc and kern.maxprocperuid, read-only.
    Result<void> sysctl_register(SysctlRegistry& registry);

    // Refusals so far (for statistics; the console line is rate-limited).
    uint64_t refusals() const { return refusals_; }

private:
    Result<void> refuse(const ucred* cred);

    int maxproc_ = 0;
    int maxprocperuid_ = 0;
    int nprocs_ = 1;
    uint64_t refusals_ = 0;
    PpsRate fail_rate_;
};

// The kernel's limits.
ForkLimits& fork_limits();

// maxproc at boot: FreeBSD's default for this much RAM (NPROC =
// 20 + 16 * maxusers, maxusers = physpages / 512 clamped to 32..384),
// replaced by kern.maxproc=N when the command line has one in 1..INT_MAX,
// then capped at physpages / 12 as FreeBSD does.  A malformed or zero
// value is reported on the console and ignored.
int boot_maxproc(const CmdLine& cmdline, uint64_t physpages);
// Boot: configures fork_limits() from kernel_cmdline() (or cmdline).
void fork_limits_init(uint64_t physpages);
void fork_limits_init(const CmdLine& cmdline, uint64_t physpages);

// The failed fork's pause (the seed's pause("fork", hz / 2)).  The default
// sleeps HZ/2 ticks once the scheduler runs (before that it waits for the
// clock); host tests replace it with a counter, observed, not slept.
using ForkFailPauseFn = void (*)();
void fork_fail_pause();
// Installs fn as the pause (nullptr: the default); returns the previous.
ForkFailPauseFn set_fork_fail_pause(ForkFailPauseFn fn);
