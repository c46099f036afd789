#include <kernel/clock.h>

namespace {
volatile uint64_t g_ticks = 0;
uint64_t g_timebase = 0;
}

void hardclock() { g_ticks = g_ticks + 1; }
uint64_t ticks() { return g_ticks; }

uint64_t timebase_hz() { return g_timebase; }
void clock_set_timebase(uint64_t hz) { g_timebase = hz; }
