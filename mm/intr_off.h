// Interrupts off for the length of a scope, restored after (so sections
// nest).  It lives in mm/ because mm/ and kernel/ both need it.
#pragma once

#include <kernel/machdep.h>
#include <lib/kassert.h>

class IntrOff {
public:
    IntrOff() : saved_(arch::intr_disable()) {}
    ~IntrOff() { arch::intr_restore(saved_); }
    IntrOff(const IntrOff&) = delete;
    IntrOff& operator=(const IntrOff&) = delete;

private:
    uint64_t saved_;
};

// For code that opens no IntrOff of its own because its caller's section
// holds interrupts off: KASSERTs that they are (where names the code).
// Compiled out with KASSERT, so a release kernel's fast paths pay nothing.
inline void assert_intr_off([[maybe_unused]] const char* where)
{
    KASSERT(!arch::intr_disable(), "%s with interrupts on", where);
}
