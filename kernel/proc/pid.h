// Process-id allocation: the seed's fork1() pid search (kern_fork.c, FreeBSD
// 8) as an object, with the seed's choices and a cheaper way to make them.
//
// The seed's choice: the first candidate is lastpid + 1 (plus a random
// step below kern.randompid when it is set; RFHIGHPID lifts it to at least
// PID_HIGH_FLOOR instead); a candidate at or past PID_MAX wraps to
// (candidate % PID_MAX), lifted by PID_WRAP_FLOOR when below it; from
// there the search goes up to the first id that no process on allproc or
// zombproc holds as its pid, its process group's id or its session's id,
// and when it reaches PID_MAX it goes on from PID_WRAP_FLOOR.
//
// The seed finds that id by walking every process (remembering a window,
// pidchecked, of ids known to be free above lastpid); once the window is
// spent, each fork costs a walk of the whole process table.  Here the
// table answers first_unused() from bitmaps of the ids in use in each role
// (pid_bitmap.h), a word at a time: the same id, in O(PID_MAX / 64) at
// worst.  tests/host/test_pid_equiv.cpp keeps the seed's walk as its
// reference and checks that both choose the same pids over random forks,
// exits, setpgid and setsid calls and wrap-arounds.
//
// Choose, then commit.  The seed finds the pid and writes lastpid in one
// go, after which nothing in fork1 can fail.  In Sprig allocations can
// fail, so fork1 does every fallible step first, then:
//   choose()  finds the pid; it changes nothing in the allocator (it may
//             draw a random number);
//   commit()  applies the seed's tail ("RFHIGHPID does not mess with the
//             lastpid counter"): without RFHIGHPID, lastpid = pid.
// Dropping a choice without commit() leaves the allocator exactly as it
// was: a failed fork does not move lastpid.  Between choose() and commit()
// the caller must not sleep or allow another fork to commit (the seed holds
// allproc_lock across both), and must put the new process on allproc in the
// same stretch; commit() KASSERTs that no other commit came in between.
//
// Divergence from the seed: when every pid the search could return is in
// use, the seed loops forever; choose() returns EAGAIN (fork's error for
// "no process slot") once the candidate has gone all the way round.
#pragma once

#include <lib/result.h>
#include <stdint.h>

class RandomSource;
class SysctlRegistry;

using pid_t = int32_t;

// Pids stay below PID_MAX (the seed's sys/proc.h value).
inline constexpr pid_t PID_MAX = 99999;
// After a wrap the search restarts here: low pids tend to belong to daemons
// that never exit (the seed's "restart somewhat above 0").
inline constexpr pid_t PID_WRAP_FLOOR = 100;
// RFHIGHPID (boot-time kernel processes) never gets a pid below this.
inline constexpr pid_t PID_HIGH_FLOOR = 10;
// Largest kern.randompid; a write above it, or a negative one, gives this.
inline constexpr int RANDOMPID_MAX = PID_MAX - 100;

// Which search the caller wants: fork1's RFHIGHPID flag or not.
enum class PidRange { Normal, High };

// What the process subsystem implements for the allocator: which ids are
// taken.  An id is taken while a process on allproc or zombproc holds it
// as its pid, its process group's id or its session's id (0, proc0's ids
// and "no group", is never a candidate).  Called with the process lists
// stable (allproc_lock in the seed).
class ProcIdTable {
public:
    // The smallest id in [from, below) that is not taken, or below.
    // 1 <= from <= below <= PID_MAX.
    virtual pid_t first_unused(pid_t from, pid_t below) = 0;

protected:
    ~ProcIdTable() = default;
};

// A pid found by choose(), not yet taken.
struct PidChoice {
    pid_t pid = 0;
    PidRange range = PidRange::Normal;
    uint64_t generation = 0;  // the allocator's commit count at choose()
};

class PidAllocator {
public:
    // rng supplies the random step when randompid is set.  lastpid is the
    // seed's initial 0 unless a test wants to start elsewhere.
    explicit PidAllocator(RandomSource& rng, pid_t lastpid = 0);
    PidAllocator(const PidAllocator&) = delete;
    PidAllocator& operator=(const PidAllocator&) = delete;

    // The seed's choice of an unused pid, from table.  Changes no state
    // here.  Errno::Again when every candidate is in use (see above).
    Result<PidChoice> choose(PidRange range, ProcIdTable& table);
    // Takes the chosen pid: the seed's lastpid update.  choice
    // must come from the latest choose() with no commit since.
    void commit(const PidChoice& choice);

    pid_t lastpid() const { return lastpid_; }
    int randompid() const { return randompid_; }
    // Sets randompid after clamp_randompid(), as a sysctl write does.
    void set_randompid(int requested) { randompid_ = clamp_randompid(requested); }

    // sysctl_kern_randompid's rules: negative or above RANDOMPID_MAX gives
    // RANDOMPID_MAX, below 2 gives 0 (off), below 100 gives 100.
    static int clamp_randompid(int requested);

private:
    friend Result<void> pid_sysctl_register(SysctlRegistry& registry, PidAllocator& pids);

    RandomSource& rng_;
    pid_t lastpid_;
    int randompid_ = 0;
    uint64_t generation_ = 0;
};

// Adds kern.lastpid (read-only) and kern.randompid (read-write, root only,
// clamped by its handler) for pids; boot code calls this once with the
// kernel's registry and allocator.  Errors are the registry's (EEXIST when
// already registered, ENOMEM when the registry is full).
Result<void> pid_sysctl_register(SysctlRegistry& registry, PidAllocator& pids);
