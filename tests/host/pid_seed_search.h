// The seed's pid search as the seed does it (kern_fork.c fork1, FreeBSD 8:
// from `trypid = lastpid + 1` through the allproc and zombproc walks, with
// its pidchecked window), kept as the reference that the kernel's
// bitmap search (kernel/proc/pid.cpp) must match choice for choice.
// Test-only: the kernel no longer walks its processes to find a pid.
#pragma once

#include <kernel/proc/pid.h>

#include <vector>

namespace seedref {

// One process's ids as the seed reads them (0: no group / no session).
struct ProcIds {
    pid_t pid = 0;
    pid_t pgid = 0;
    pid_t sid = 0;
};

// allproc and zombproc, front to back (LIST_INSERT_HEAD puts new ones at
// the front).
struct Lists {
    std::vector<ProcIds> allproc;
    std::vector<ProcIds> zombproc;
};

// The seed's search state and walk.  scans counts the walks started.
class SeedPidSearch {
public:
    explicit SeedPidSearch(pid_t lastpid = 0) : lastpid_(lastpid) {}

    // The seed's search from trypid = lastpid + 1 + step (step: the random
    // draw's remainder, 0 when randompid is off; RFHIGHPID lifts to 10
    // instead).  Returns the pid, or 0 where the seed would loop forever
    // (Sprig's EAGAIN), and commits it as fork1 does.
    pid_t fork(const Lists& lists, PidRange range, pid_t step)
    {
        pid_t trypid = lastpid_ + 1;
        if (range == PidRange::High) {
            if (trypid < PID_HIGH_FLOOR)
                trypid = PID_HIGH_FLOOR;
        } else {
            trypid += step;
        }
        pid_t pidchecked = pidchecked_;
        pid_t start = -1;
        bool wrapped = false;
        for (;;) { // retry:
            if (trypid >= PID_MAX) {
                trypid = trypid % PID_MAX;
                if (trypid < PID_WRAP_FLOOR)
                    trypid += PID_WRAP_FLOOR;
                pidchecked = 0;
                wrapped = start >= 0;
            }
            if (start < 0)
                start = trypid;
            else if (wrapped && trypid >= start)
                return 0;
            if (trypid < pidchecked || scan(lists, trypid, pidchecked))
                break;
        }
        if (range == PidRange::High) {
            pidchecked_ = 0;
        } else {
            lastpid_ = trypid;
            pidchecked_ = pidchecked;
        }
        return trypid;
    }

    pid_t lastpid() const { return lastpid_; }
    int scans = 0;

private:
    // The `if (trypid >= pidchecked)` block; false for `goto retry`.
    bool scan(const Lists& lists, pid_t& trypid, pid_t& pidchecked)
    {
        scans++;
        pidchecked = PID_MAX;
        for (const auto* list : {&lists.allproc, &lists.zombproc}) {
            for (const ProcIds& p : *list) {
                while (p.pid == trypid || (p.pgid != 0 && (p.pgid == trypid ||
                                                           (p.sid != 0 && p.sid == trypid)))) {
                    trypid++;
                    if (trypid >= pidchecked)
                        return false;
                }
                if (p.pid > trypid && pidchecked > p.pid)
                    pidchecked = p.pid;
                if (p.pgid != 0) {
                    if (p.pgid > trypid && pidchecked > p.pgid)
                        pidchecked = p.pgid;
                    if (p.sid != 0 && p.sid > trypid && pidchecked > p.sid)
                        pidchecked = p.sid;
                }
            }
        }
        return true;
    }

    pid_t lastpid_;
    pid_t pidchecked_ = 0;
};

} // namespace seedref
