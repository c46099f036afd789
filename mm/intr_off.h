// Interrupts off for the length of a scope, restored after (so sections
// nest).  It lives in mm/ because mm/ and kernel/ both need it.
#pragma once

#include <kernel/machdep.h>

class IntrOff {
public:
    IntrOff() : saved_(arch::intr_disable()) {}
    ~IntrOff() { arch::intr_restore(saved_); }
    IntrOff(const IntrOff&) = delete;
    IntrOff& operator=(const IntrOff&) = delete;

private:
    uint64_t saved_;
};
