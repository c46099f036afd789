// A fork while many other processes live: what the pid search costs
// when its window has run out.  The seed's search (kernel/proc/pid.cpp)
// remembers a window of ids above lastpid known to be free; a fork whose
// candidate is in use rescans every process.  So the population is laid
// out in pid order as `held, gap, held, gap, ...` (GAPS gaps, then the
// rest of the held processes in a row), lastpid is brought round the
// wrap to just below the first held pid, and each timed fork then finds
// its candidate taken, steps over it into the next gap, and must look at
// the next held pid again: one full search per fork.
//
// The held processes are rfork(RFPROC | RFMEM) children blocked in a read
// on a pipe (raw.h): they share the parent's memory, so each costs the
// kernel a process, a thread and a kernel stack.  Bringing lastpid round
// uses kern.randompid (root only; forkbench runs as init): random steps
// of at most the distance left, so lastpid never passes its mark, then
// single forks for the last hundred ids.
#include "procs.h"

#include "kstats.h"
#include "raw.h"

#include <sys/sysctl.h>
#include <unistd.h>

namespace bench {

namespace {

// The kernel's bounds (kernel/proc/pid.h): pids are below PID_MAX, and a
// search that wraps restarts at PID_FLOOR.
constexpr long PID_MAX = 99999;
constexpr long PID_FLOOR = 100;
// The most timed forks a figure can make: one per gap.
constexpr unsigned GAPS = 1000;

bool set_randompid(int value)
{
    if (sysctlbyname("kern.randompid", nullptr, nullptr, &value, sizeof(value)) == 0) return true;
    failed("kern.randompid (forkbench must run as root)");
    return false;
}

// One more pid used and given back at once.
bool use_one_pid()
{
    made.add(Call::Vfork, 1);
    if (raw_reap(raw_fork_exit(SYS_vfork)) == 0) return true;
    failed("pid_alloc: vfork+_exit+wait4");
    return false;
}

// How far the search must go from pid a to reach pid b, both at or above
// PID_FLOOR: upwards, from PID_MAX - 1 on to PID_FLOOR.
long distance(long a, long b)
{
    constexpr long span = PID_MAX - PID_FLOOR;
    return ((b - a) % span + span) % span;
}

// Makes kern.lastpid equal to mark (at least PID_FLOOR), going upwards
// round the wrap.  Nothing between lastpid and mark may be in use.
bool bring_lastpid_to(long mark)
{
    int randompid = 0;
    for (;;) {
        const long last = read_counter("kern.lastpid");
        if (last < 0) return false;
        const long left = last < PID_FLOOR ? 1 : distance(last, mark);
        if (left == 0) break;
        // A step of 1 + random % left never passes mark; below 100 the
        // kernel would round the modulus up, so walk the rest.
        const int want = left >= 100 ? static_cast<int>(left) : 0;
        if (want != randompid && !set_randompid(randompid = want)) return false;
        if (!use_one_pid()) return false;
    }
    return randompid == 0 || set_randompid(0);
}

// count processes blocked on one pipe, laid out as the comment at the top
// says; release() lets them exit and reaps them.
class Population {
public:
    bool make(unsigned count)
    {
        if (pipe(fds_) < 0) {
            failed("pid_alloc: pipe");
            return false;
        }
        // Below PID_FLOOR the wrapped search could never come back.
        while (read_counter("kern.lastpid") < PID_FLOOR)
            if (!use_one_pid()) return false;
        for (unsigned i = 0; i < count; i++) {
            const long pid = hold();
            if (pid < 0) return false;
            if (i == 0) first_ = pid;
            if (i < GAPS && !use_one_pid()) return false;
        }
        return true;
    }

    long first() const { return first_; }

    // Every held process must see end-of-file and exit with 0.
    void release()
    {
        if (fds_[1] >= 0) close(fds_[1]);
        for (; held_ > 0; held_--)
            if (raw_wait_status(-1) != 0) failed("pid_alloc: a held process");
        if (fds_[0] >= 0) close(fds_[0]);
    }

private:
    long hold()
    {
        made.add(Call::Rfork, 1);
        const long pid = raw_rfork_blocked_reader(fds_[0], &byte_);
        if (pid <= 0) {
            failed("pid_alloc: rfork(RFPROC|RFMEM) of a held process");
            return -1;
        }
        held_++;
        return pid;
    }

    int fds_[2] = {-1, -1};
    char byte_ = 0;
    unsigned held_ = 0;
    long first_ = 0;
};

Cost fork_among(unsigned live, unsigned n)
{
    if (n > GAPS || n > live) {
        failed("pid_alloc: more iterations than gaps between the held pids");
        return {};
    }
    Population population;
    Cost c;
    if (population.make(live) && bring_lastpid_to(population.first() - 1)) {
        made.add(Call::Fork, n);
        long bad = 0;
        c = {timed_loop(n, [&] { bad |= raw_reap(raw_fork_exit(SYS_fork)); }), n};
        if (bad) failed("pid_alloc: fork+_exit+wait4");
    }
    population.release();
    return c;
}

} // namespace

Cost pid_alloc_100(unsigned n) { return fork_among(100, n); }
Cost pid_alloc_1k(unsigned n) { return fork_among(1000, n); }
Cost pid_alloc_10k(unsigned n) { return fork_among(10000, n); }

} // namespace bench
