// The periodic clock: the machine's timer interrupt calls hardclock()
// HZ times a second.
#pragma once

#include <stdint.h>

inline constexpr unsigned HZ = 100;

// usermode: the interrupt came from user mode (the tick is user time).
void hardclock(bool usermode = false);
// Clock interrupts since boot (inline: the scheduler asks on every wakeup).
extern volatile uint64_t g_ticks;
inline uint64_t ticks() { return g_ticks; }

// Frequency of arch::read_time() (the device tree's timebase-frequency).
uint64_t timebase_hz();
void clock_set_timebase(uint64_t hz);
