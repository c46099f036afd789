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
// on a pipe (raw.h): they share their parent's memory, so each costs the
// kernel a process, a thread and a kernel stack.  Their parent is a
// holder process, not forkbench, whose wait4 would otherwise walk them.  Bringing lastpid round
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

// Makes kern.lastpid equal to mark (at least PID_FLOOR, and free), going
// upwards round the wrap.  A fork landing on an id in use goes past it, so
// one just below mark could carry lastpid past: that fails the figure.
bool bring_lastpid_to(long mark)
{
    int randompid = 0;
    long was_left = PID_MAX;
    for (;;) {
        const long last = read_counter("kern.lastpid");
        if (last < 0) return false;
        if (last < PID_FLOOR) {
            if (!use_one_pid()) return false;
            continue;
        }
        const long left = distance(last, mark);
        if (left == 0) break;
        if (left > was_left) { // stepped past mark: an id below it was in use
            failed("pid_alloc: lastpid went past the held processes");
            set_randompid(0);
            return false;
        }
        was_left = left;
        // A step of 1 + random % left never passes mark; below 100 the
        // kernel would round the modulus up, so walk the rest.
        const int want = left >= 100 ? static_cast<int>(left) : 0;
        if (want != randompid && !set_randompid(randompid = want)) return false;
        if (!use_one_pid()) return false;
    }
    return randompid == 0 || set_randompid(0);
}

// What the holder tells forkbench once its population is made.
struct Report {
    long first = 0;  // the first held pid, 0 if making them failed
    long rforks = 0; // children made, by call, for the kernel's counters
    long vforks = 0;
};

// The holder: a child of forkbench that makes the population, so that the
// held processes are not forkbench's children (wait4 would walk them
// all); it reports, waits for end-of-file on `release`, lets them go and
// reaps them, and exits with 0 if every one exited with 0.
[[noreturn]] void holder(unsigned count, int report_fd, int release_fd)
{
    const Made before = made;
    int fds[2];
    Report r;
    char byte = 0;
    unsigned held = 0;
    bool ok = pipe(fds) == 0;
    // Below PID_FLOOR the wrapped search could never come back; and the
    // pid just below the first held one must be free (forkbench brings
    // lastpid there), so one is used and given back first.
    while (ok && read_counter("kern.lastpid") < PID_FLOOR) ok = use_one_pid();
    ok = ok && use_one_pid();
    for (unsigned i = 0; ok && i < count; i++) {
        made.add(Call::Rfork, 1);
        const long pid = raw_rfork_blocked_reader(fds[0], &byte);
        ok = pid > 0;
        if (ok && held++ == 0) r.first = pid;
        if (ok && i < GAPS) ok = use_one_pid();
    }
    if (!ok) r.first = 0;
    r.rforks = made.count[static_cast<int>(Call::Rfork)] - before.count[static_cast<int>(Call::Rfork)];
    r.vforks = made.count[static_cast<int>(Call::Vfork)] - before.count[static_cast<int>(Call::Vfork)];
    ok = write(report_fd, &r, sizeof(r)) == sizeof(r) && ok;
    char c;
    while (read(release_fd, &c, 1) > 0) {
    }
    close(fds[1]); // end-of-file for every held process
    for (; held > 0; held--) ok = raw_wait_status(-1) == 0 && ok;
    _exit(ok ? 0 : 1);
}

// count processes blocked in a read, held by a holder process.
class Population {
public:
    bool make(unsigned count)
    {
        int report[2];
        if (pipe(report) < 0 || pipe(release_) < 0) {
            failed("pid_alloc: pipe");
            return false;
        }
        made.add(Call::Fork, 1);
        pid_ = fork();
        if (pid_ == 0) {
            close(report[0]);
            close(release_[1]);
            holder(count, report[1], release_[0]);
        }
        close(report[1]);
        close(release_[0]);
        Report r;
        const bool got = pid_ > 0 && read(report[0], &r, sizeof(r)) == sizeof(r);
        close(report[0]);
        if (!got || r.first <= 0) {
            failed("pid_alloc: the holder could not make its processes");
            return false;
        }
        made.add(Call::Rfork, r.rforks);
        made.add(Call::Vfork, r.vforks);
        first_ = r.first;
        return true;
    }

    long first() const { return first_; }

    // The holder lets its processes go and must exit with 0.
    void release()
    {
        close(release_[1]);
        if (pid_ > 0 && raw_reap(pid_) != 0) failed("pid_alloc: the holder or a held process");
    }

private:
    int release_[2] = {-1, -1};
    long pid_ = -1;
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
