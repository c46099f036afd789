// Rate limiting of repeated events, counted in clock ticks (FreeBSD's
// ppsratecheck(9)): "at most maxpps of these a second", for console
// messages an unprivileged user could otherwise trigger in a loop.
#pragma once

#include <stdint.h>
#include <kernel/clock.h>

class PpsRate {
public:
    // Records one event at tick `now` and says whether it is within the
    // rate: a one-second window (HZ ticks) opens with the first event
    // after the previous window closed, and the first maxpps events in a
    // window pass.  maxpps < 0: every event passes; 0: none does.
    bool check(uint64_t now, int maxpps)
    {
        if (!started_ || now - window_start_ >= HZ) {
            started_ = true;
            window_start_ = now;
            count_ = 0;
        }
        const bool pass = maxpps < 0 || count_ < maxpps;
        if (count_ < INT32_MAX) count_++;
        return pass;
    }

private:
    bool started_ = false;
    uint64_t window_start_ = 0;
    int32_t count_ = 0;
};
