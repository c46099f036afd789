// The seed's pid choice (fork1, kern_fork.c) and its two sysctls; the
// table finds the free ids (pid.h).
#include <kernel/proc/pid.h>

#include <kernel/random.h>
#include <kernel/sysctl/sysctl.h>
#include <type_traits>

static_assert(std::is_same_v<pid_t, int>, "sysctl nodes hold pids as int");

namespace {

// The seed's `if (trypid >= PID_MAX)` wrap: modulo PID_MAX, lifted to
// PID_WRAP_FLOOR and up.
pid_t wrap(pid_t trypid)
{
    trypid = trypid % PID_MAX;
    if (trypid < PID_WRAP_FLOOR)
        trypid += PID_WRAP_FLOOR;
    return trypid;
}

Result<int> randompid_handler(int requested) { return PidAllocator::clamp_randompid(requested); }

} // namespace

PidAllocator::PidAllocator(RandomSource& rng, pid_t lastpid) : rng_(rng), lastpid_(lastpid)
{
    KASSERT(lastpid >= 0 && lastpid < PID_MAX, "initial lastpid %d out of range", lastpid);
}

// The seed's sysctl_kern_randompid, after sysctl_handle_int.
int PidAllocator::clamp_randompid(int requested)
{
    if (requested < 0 || requested > RANDOMPID_MAX) // "out of range"
        return RANDOMPID_MAX;
    if (requested < 2) // "NOP": 0 and 1 turn it off
        return 0;
    if (requested < 100) // "make it reasonable"
        return 100;
    return requested;
}

// fork1 from `trypid = lastpid + 1` to the end of its search.
//
// The seed's walk only steps past a candidate after seeing it taken, and
// returns the first one it finds free: so it returns the first id not
// taken at or above `start` (the candidate after the first wrap test),
// or, past PID_MAX, the first from PID_WRAP_FLOOR on.  Where the seed
// would loop forever (every id taken) this returns EAGAIN: once the search
// is back at start, or start is at or below PID_WRAP_FLOOR (RFHIGHPID's
// 10..99), every id it could return has been seen taken.
Result<PidChoice> PidAllocator::choose(PidRange range, ProcIdTable& table)
{
    pid_t trypid = lastpid_ + 1;
    if (range == PidRange::High) {
        // RFHIGHPID: "do not allocate low-numbered pids"; no random step.
        if (trypid < PID_HIGH_FLOOR)
            trypid = PID_HIGH_FLOOR;
    } else if (randompid_ != 0) {
        // The seed's `trypid += arc4random() % randompid`, modulo bias and all.
        trypid += pid_t(rng_.next_u32() % uint32_t(randompid_));
    }
    const pid_t start = trypid >= PID_MAX ? wrap(trypid) : trypid;

    pid_t pid = table.first_unused(start, PID_MAX);
    if (pid == PID_MAX) { // the seed's wrap, and its second lap
        if (start <= PID_WRAP_FLOOR)
            return Errno::Again;
        pid = table.first_unused(PID_WRAP_FLOOR, start);
        if (pid == start)
            return Errno::Again;
    }
    KASSERT(pid >= 1 && pid < PID_MAX, "chose pid %d", pid);
    return PidChoice{pid, range, generation_};
}

// The seed's tail: "RFHIGHPID does not mess with the lastpid counter during
// boot"; otherwise lastpid moves to the pid.
void PidAllocator::commit(const PidChoice& choice)
{
    KASSERT(choice.generation == generation_,
            "pid %d chosen before another fork committed its pid", choice.pid);
    KASSERT(choice.pid >= 1 && choice.pid < PID_MAX, "committing pid %d", choice.pid);
    generation_++;
    if (choice.range != PidRange::High)
        lastpid_ = choice.pid;
}

Result<void> pid_sysctl_register(SysctlRegistry& registry, PidAllocator& pids)
{
    SysctlNode lastpid;
    lastpid.name = "kern.lastpid";
    lastpid.flags = CTLFLAG_RD;
    lastpid.value = &pids.lastpid_;
    lastpid.descr = "Last used PID";
    TRY(registry.add(lastpid));

    SysctlNode randompid;
    randompid.name = "kern.randompid";
    randompid.flags = CTLFLAG_RW | CTLFLAG_ROOTWR;
    randompid.value = &pids.randompid_;
    randompid.handler = randompid_handler;
    randompid.descr = "Random PID modulus";
    TRY(registry.add(randompid));
    return {};
}
