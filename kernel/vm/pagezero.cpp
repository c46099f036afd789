#include <kernel/vm/pagezero.h>

#include <abi/unistd.h>
#include <kernel/clock.h>
#include <kernel/proc/kern_kthread.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/zero_pool.h>

namespace {

// At idle priority it only ever runs when nothing else wants the CPU; it
// yields after each page so that anything woken meanwhile goes first.
void pagezero_loop(void* arg)
{
    auto* pool = static_cast<ZeroPool*>(arg);
    for (;;) {
        if (pool->fill_one())
            sched_yield();
        else
            (void)tsleep(pool, 0, "pgzero", HZ); // full, or no free page
    }
}

} // namespace

void pagezero_start(ZeroPool* pool)
{
    auto r = kproc_create(pagezero_loop, pool, "pagezero", PRI_MIN_IDLE, RFHIGHPID);
    if (!r.ok()) panic("pagezero: cannot start: %s", errno_name(r.error()));
}
