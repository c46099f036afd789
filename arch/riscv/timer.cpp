#include "timer.h"

#include <arch/csr.h>
#include <kernel/clock.h>
#include <lib/kassert.h>

#include "sbi.h"

namespace riscv {

namespace {
uint64_t g_interval = 0;
uint64_t g_next = 0;
bool g_sstc = false;

void program(uint64_t when)
{
    if (g_sstc)
        csr_write(stimecmp, when);
    else
        sbi::set_timer(when);
}
} // namespace

void timer_init(uint64_t timebase_hz, bool use_sstc)
{
    KASSERT(timebase_hz >= HZ, "timebase %lu Hz is slower than the clock", timebase_hz);
    g_interval = timebase_hz / HZ;
    g_sstc = use_sstc;
    g_next = csr_read(time) + g_interval;
    program(g_next);
    csr_set(sie, SIE_STIE);
}

// Keeps the ticks on a fixed grid; if we fell behind (a long stretch with
// interrupts off), skips to the next point in the future rather than
// firing a burst.
void timer_intr(bool usermode)
{
    const uint64_t now = csr_read(time);
    g_next += g_interval;
    if (g_next <= now) g_next = now + g_interval;
    program(g_next);
    hardclock(usermode);
}

bool timer_uses_sstc() { return g_sstc; }

} // namespace riscv
