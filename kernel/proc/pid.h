// Process-id allocation: the seed's fork1() pid search (kern_fork.c, FreeBSD
// 8) as an object.  State is the seed's: lastpid (the last pid handed out),
// pidchecked (ids from lastpid+1 up to pidchecked-1 are known to be free, so
// no scan is needed until a candidate reaches pidchecked) and randompid (the
// modulus of a random step added to lastpid+1, the kern.randompid sysctl).
//
// Choose, then commit.  The seed finds the pid and writes lastpid and
// pidchecked in one go, after which nothing in fork1 can fail.  In Sprig
// allocations can fail, so fork1 does every fallible step first, then:
//   choose()  runs the seed's search (the code from `trypid = lastpid + 1`
//             through the zombproc scan) on local copies of the state and
//             returns the pid with the narrowed pidchecked; it changes
//             nothing in the allocator (it may draw a random number);
//   commit()  applies the seed's tail ("RFHIGHPID does not mess with the
//             lastpid counter"): RFHIGHPID resets pidchecked to 0, otherwise
//             lastpid = pid and pidchecked = the narrowed window.
// Dropping a choice without commit() leaves the allocator exactly as it
// was: a failed fork does not move lastpid.  Between choose() and commit()
// the caller must not sleep or allow another fork to commit (the seed holds
// allproc_lock across both), and must put the new process on allproc in the
// same stretch; commit() KASSERTs that no other commit came in between.
//
// The window assumes what the seed assumes: a new id enters the process
// table only as a pid committed here (setpgid/setsid reuse existing pids).
// An id that appeared some other way inside (lastpid, pidchecked) would
// not be seen until the search reaches pidchecked.
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

// The three ids one process holds that a new pid must not reuse: its pid,
// its process group's id and its session's id.  0 stands for "no process
// group" / "no session" (the seed's NULL p_pgrp / p_session): a candidate
// is never 0, so a 0 neither matches nor narrows the window, exactly as
// the seed's NULL tests skip those ids.  (proc0's real ids of 0 behave the
// same way.)
struct ProcIds {
    pid_t pid = 0;
    pid_t pgid = 0;
    pid_t sid = 0;
};

// The lists the seed walks, in the order it walks them.
enum class ProcList { Allproc, Zombproc };

// Receives processes from a walk.  Returning false ends the walk early (the
// seed's `goto retry` out of the middle of the list).
class ProcIdVisitor {
public:
    virtual bool visit(const ProcIds& ids) = 0;

protected:
    ~ProcIdVisitor() = default;
};

// What the process subsystem implements for the allocator: walk allproc or
// zombproc in list order, calling visit() once per process until it returns
// false.  Called with the process lists stable (allproc_lock in the seed).
class ProcIdTable {
public:
    virtual void foreach_proc(ProcList list, ProcIdVisitor& visitor) = 0;

protected:
    ~ProcIdTable() = default;
};

// A pid found by choose(), not yet taken.
struct PidChoice {
    pid_t pid = 0;
    pid_t pidchecked = 0;     // ids in (pid, pidchecked) were seen free
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

    // The seed's search for an unused pid, over table.  Changes no state
    // here.  Errno::Again when every candidate is in use (see above).
    Result<PidChoice> choose(PidRange range, ProcIdTable& table);
    // Takes the chosen pid: the seed's lastpid/pidchecked update.  choice
    // must come from the latest choose() with no commit since.
    void commit(const PidChoice& choice);

    pid_t lastpid() const { return lastpid_; }
    pid_t pidchecked() const { return pidchecked_; }
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
    pid_t pidchecked_ = 0;
    int randompid_ = 0;
    uint64_t generation_ = 0;
};

// Adds kern.lastpid (read-only) and kern.randompid (read-write, root only,
// clamped by its handler) for pids; boot code calls this once with the
// kernel's registry and allocator.  Errors are the registry's (EEXIST when
// already registered, ENOMEM when the registry is full).
Result<void> pid_sysctl_register(SysctlRegistry& registry, PidAllocator& pids);
