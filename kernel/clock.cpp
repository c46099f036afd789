#include <kernel/clock.h>

namespace {
volatile uint64_t g_ticks = 0;
}

void hardclock() { g_ticks = g_ticks + 1; }
uint64_t ticks() { return g_ticks; }
