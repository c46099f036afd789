// The seed's pid search (fork1, kern_fork.c) and its two sysctls.  The
// comments name the seed's statements each piece stands for.
#include <kernel/proc/pid.h>

#include <kernel/random.h>
#include <kernel/sysctl.h>
#include <type_traits>

static_assert(std::is_same_v<pid_t, int>, "sysctl nodes hold pids as int");

namespace {

// One pass of the seed's `for (; p2 != NULL; ...)` body over one list.
// trypid and pidchecked are the search's working copies.
class ScanVisitor final : public ProcIdVisitor {
public:
    ScanVisitor(pid_t& trypid, pid_t& pidchecked) : trypid_(trypid), pidchecked_(pidchecked) {}

    // true once some process pushed trypid up to pidchecked: the seed's
    // `goto retry`, which ends the walk.
    bool retry() const { return retry_; }

    bool visit(const ProcIds& ids) override
    {
        KASSERT(ids.pid >= 0 && ids.pgid >= 0 && ids.sid >= 0,
                "negative id in the process table: %d %d %d", ids.pid, ids.pgid, ids.sid);
        // `while (p2->p_pid == trypid || pg_id == trypid || s_sid == trypid)`:
        // the same process is tested again after each step, since the next
        // candidate may be another of its ids.
        while (ids.pid == trypid_ || ids.pgid == trypid_ || ids.sid == trypid_) {
            trypid_++;
            if (trypid_ >= pidchecked_) {
                retry_ = true;
                return false;
            }
        }
        // Narrow the window to the smallest id above trypid.  Processes
        // already passed are covered: any of their ids above the old trypid
        // narrowed pidchecked, so trypid cannot step onto one without
        // reaching pidchecked and rescanning.
        narrow(ids.pid);
        narrow(ids.pgid);
        narrow(ids.sid);
        return true;
    }

private:
    void narrow(pid_t id)
    {
        if (id > trypid_ && pidchecked_ > id)
            pidchecked_ = id;
    }

    pid_t& trypid_;
    pid_t& pidchecked_;
    bool retry_ = false;
};

// The seed's `if (trypid >= pidchecked) { ... }` block: pidchecked =
// PID_MAX, then allproc, then zombproc (doingzomb).  Returns false for the
// seed's `goto retry` (trypid reached pidchecked); true when trypid is
// free, with pidchecked narrowed.
bool scan(ProcIdTable& table, pid_t& trypid, pid_t& pidchecked)
{
    pidchecked = PID_MAX;
    static constexpr ProcList lists[] = {ProcList::Allproc, ProcList::Zombproc};
    for (ProcList list : lists) {
        ScanVisitor visitor(trypid, pidchecked);
        table.foreach_proc(list, visitor);
        if (visitor.retry())
            return false;
    }
    return true;
}

// The seed's `if (trypid >= PID_MAX)` wrap: modulo PID_MAX, lifted to
// PID_WRAP_FLOOR and up, and the window forgotten.
void wrap(pid_t& trypid, pid_t& pidchecked)
{
    trypid = trypid % PID_MAX;
    if (trypid < PID_WRAP_FLOOR)
        trypid += PID_WRAP_FLOOR;
    pidchecked = 0;
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

// fork1 from `trypid = lastpid + 1` to the end of the zombproc scan, on
// local copies of trypid and pidchecked.
//
// Termination (Sprig's, not the seed's): the candidates the search tries
// form one run upward from `start` (trypid after the first wrap test),
// restarting at PID_WRAP_FLOOR after a wrap; it only moves past a
// candidate after seeing it in use.  Once it has wrapped and is back at
// or above start, every pid it could return has been seen in use: EAGAIN.
// (If start is below PID_WRAP_FLOOR, RFHIGHPID's 10..99, the first lap
// already covered every pid a wrapped search could return.)
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

    pid_t pidchecked = pidchecked_;
    pid_t start = -1;
    bool wrapped = false;
    for (;;) { // the seed's `retry:`
        if (wrapped && trypid >= start)
            return Errno::Again;
        if (trypid >= PID_MAX) {
            wrap(trypid, pidchecked);
            wrapped = start >= 0;
        }
        if (start < 0)
            start = trypid;
        else if (wrapped && trypid >= start)
            return Errno::Again;
        // Below pidchecked the candidate is in the known-free window.
        if (trypid < pidchecked || scan(table, trypid, pidchecked))
            break;
    }
    KASSERT(trypid >= 1 && trypid < PID_MAX, "chose pid %d", trypid);
    return PidChoice{trypid, pidchecked, range, generation_};
}

// The seed's tail: "RFHIGHPID does not mess with the lastpid counter during
// boot", so it only forgets the window (the chosen pid may lie inside it);
// otherwise lastpid moves to the pid and the window is the scan's.
void PidAllocator::commit(const PidChoice& choice)
{
    KASSERT(choice.generation == generation_,
            "pid %d chosen before another fork committed its pid", choice.pid);
    KASSERT(choice.pid >= 1 && choice.pid < PID_MAX, "committing pid %d", choice.pid);
    generation_++;
    if (choice.range == PidRange::High) {
        pidchecked_ = 0;
    } else {
        lastpid_ = choice.pid;
        pidchecked_ = choice.pidchecked;
    }
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
