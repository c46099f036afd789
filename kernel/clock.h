// The periodic clock: the machine's timer interrupt calls hardclock()
// HZ times a second.
#pragma once

#include <stdint.h>

inline constexpr unsigned HZ = 100;

void hardclock();
// Clock interrupts since boot.
uint64_t ticks();

// Frequency of arch::read_time() (the device tree's timebase-frequency).
uint64_t timebase_hz();
void clock_set_timebase(uint64_t hz);
