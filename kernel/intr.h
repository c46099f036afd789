// RAII critical section: interrupts off for the guard's lifetime, then
// restored to what they were (so guards nest).
#pragma once

#include <arch/machdep.h>

class InterruptsOff {
public:
    InterruptsOff() : saved_(arch::intr_disable()) {}
    ~InterruptsOff() { arch::intr_restore(saved_); }
    InterruptsOff(const InterruptsOff&) = delete;
    InterruptsOff& operator=(const InterruptsOff&) = delete;

private:
    uint64_t saved_;
};
