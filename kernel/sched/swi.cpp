#include <kernel/sched/swi.h>

#include <kernel/proc/proc.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

#include <string.h>

namespace {

swi_handler* g_handlers = nullptr;
bool g_any_pending = false; // the swi thread's wakeup condition
thread* g_swi_td = nullptr;
bool g_stopping = false;
char g_chan; // the swi thread sleeps here

bool registered(const swi_handler* ih)
{
    for (const swi_handler* h = g_handlers; h; h = h->ih_next)
        if (h == ih) return true;
    return false;
}

// Takes ih's pending mark, with interrupts off so that a swi_sched from
// an interrupt is either seen now or makes another run.
bool take_pending(swi_handler* ih)
{
    IntrOff off;
    const bool was = ih->ih_pending;
    ih->ih_pending = false;
    return was;
}

void swi_loop(void*)
{
    for (;;) {
        {
            IntrOff off;
            while (!g_any_pending && !g_stopping) (void)tsleep(&g_chan, PI_SOFT, "swi", 0);
            if (g_stopping) break;
        }
        (void)swi_run_pending();
    }
    g_swi_td = nullptr;
    sched_exit_thread();
}

} // namespace

void swi_add(swi_handler* ih)
{
    KASSERT(ih && ih->ih_func, "swi_add of a handler with no function");
    IntrOff off;
    if (registered(ih)) return;
    ih->ih_next = g_handlers;
    g_handlers = ih;
}

void swi_sched(swi_handler* ih)
{
    IntrOff off;
    KASSERT(registered(ih), "swi_sched of unregistered handler %s", ih->ih_name);
    ih->ih_pending = true;
    g_any_pending = true;
    if (g_swi_td) (void)wakeup(&g_chan);
}

unsigned swi_run_pending()
{
    KASSERT(sched_intr_nesting() == 0, "swi handlers run in a thread, not an interrupt handler");
    {
        IntrOff off;
        g_any_pending = false; // a swi_sched from now on makes another round
    }
    unsigned n = 0;
    for (swi_handler* h = g_handlers; h; h = h->ih_next) {
        if (!take_pending(h)) continue;
        h->ih_func(h->ih_arg);
        n++;
    }
    return n;
}

void swi_start(thread* td, void* stack, size_t size)
{
    KASSERT(!g_swi_td, "swi_start twice");
    strncpy(td->td_name, "swi", sizeof td->td_name - 1);
    td->td_priority = td->td_base_pri = PI_SOFT;
    g_stopping = false;
    sched_thread_setup(td, stack, size, swi_loop, nullptr);
    g_swi_td = td;
    sched_add(td);
}

void swi_stop()
{
    IntrOff off;
    if (!g_swi_td) return;
    g_stopping = true;
    (void)wakeup(&g_chan);
}

bool swi_running() { return g_swi_td != nullptr; }
