// Shared by the credential, limits and fork-limit tests: a fresh arena
// with the three zones (ucred, uidinfo, plimit), a leak check at the end,
// a loop over every allocation failure point, console capture, and a
// counting fork_fail_pause hook.
#pragma once

#include "console_capture.h"
#include "mem_test_util.h"

#include <kernel/console.h>
#include <kernel/proc/fork_limits.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/uidinfo.h>


namespace credtest {

struct CredEnv {
    memtest::MemEnv mem{0x80000000, 4 * memtest::MiB};
    UcredZone creds{"ucred", mem.pages};
    UidTable uids{mem.pages};
    PlimitZone limits{"plimit", mem.pages};

    // Nothing may outlive the test (the zones would panic anyway; this
    // names what leaked).
    ~CredEnv()
    {
        CHECK(creds.objects_in_use() == 0);
        CHECK(uids.count() == 0);
        CHECK(limits.objects_in_use() == 0);
    }

    size_t objects() const
    {
        return creds.objects_in_use() + uids.count() + limits.objects_in_use();
    }
    // Empty slabs back to the page allocator, so the next allocation in
    // each zone reaches the page allocator again.
    void drain()
    {
        creds.zone().drain();
        uids.zone().zone().drain();
        limits.zone().drain();
    }
};

// Runs op() with an injected failure after n successful allocations, for
// n = 0, 1, ... until op succeeds.  arm(n) sets the injection (arm(-1)
// clears it).  Every failed run must return NoMem and leave no object in
// use beyond the baseline.  Returns how many runs failed.
template <typename Arm, typename Op>
long every_failure(CredEnv& env, Arm arm, Op op)
{
    const size_t base = env.objects();
    for (long n = 0;; n++) {
        env.drain();
        arm(n);
        const Errno e = op();
        arm(-1);
        if (e == Errno::Ok) return n;
        REQUIRE(e == Errno::NoMem);
        REQUIRE(env.objects() == base);
        REQUIRE(n < 100); // op must succeed once nothing is injected
    }
}

// Replaces fork_fail_pause with a counter while alive: host tests observe
// the pause, never sleep in it.
struct PauseCounter {
    static inline int calls = 0;
    ForkFailPauseFn saved;
    PauseCounter() : saved(set_fork_fail_pause([] { calls++; })) { calls = 0; }
    ~PauseCounter() { set_fork_fail_pause(saved); }
    PauseCounter(const PauseCounter&) = delete;
    PauseCounter& operator=(const PauseCounter&) = delete;
};

} // namespace credtest
