// /bin/sysfuzz: random system calls with hostile arguments (docs/reliability.md).
// main.cpp runs the batches and judges them; calls.cpp makes the calls.
#pragma once

#include <stdint.h>

namespace fuzz {

// xorshift64*: small, and the same sequence for the same seed.
class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed ? seed : 0x9e3779b97f4a7c15ull) {}
    uint64_t next()
    {
        s_ ^= s_ >> 12;
        s_ ^= s_ << 25;
        s_ ^= s_ >> 27;
        return s_ * 0x2545f4914f6cdd1dull;
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    uint64_t s_;
};

// What a worker may do: root workers never aim signals at init or at
// every process, and never write sysctls (they could tune the kernel
// into a state the next batch trips over, which is not a kernel bug).
struct Policy {
    bool root;
    bool trace = false; // print each call, check the invariants after each (root)
};

// The worker of one batch: `calls` random system calls, made by a run of
// processes forked one after the other (a call may well kill the process
// that makes it) and by their children.  *made (shared memory the batch's
// driver reads) counts the calls made.
void run_worker(uint64_t seed, unsigned calls, const Policy& policy, volatile uint32_t* made);

} // namespace fuzz
