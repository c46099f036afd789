#include <kernel/clock.h>

#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>

volatile uint64_t g_ticks = 0;

namespace {
uint64_t g_timebase = 0;
}

// The clock interrupt: time moves, sleeps time out, the running thread
// pays for the tick.  Preemption itself happens at the end of the
// interrupt (sched_preempt_point), not here.
void hardclock(bool usermode)
{
    g_ticks = g_ticks + 1;
    sleepq_tick();
    sched_clock(usermode);
}

uint64_t timebase_hz() { return g_timebase; }
void clock_set_timebase(uint64_t hz) { g_timebase = hz; }
