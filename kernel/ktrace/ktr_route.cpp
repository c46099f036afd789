#include <kernel/ktrace/ktr_route.h>

#include <kernel/ktrace/ktrace.h>
#include <lib/kassert.h>

namespace {
unsigned g_traced = 0; // processes with a sink
} // namespace

void ktr_route_traced(int delta)
{
    KASSERT(delta > 0 || g_traced > 0, "more traces ended than began");
    const bool was = g_traced > 0;
    g_traced += delta;
    if (was != (g_traced > 0)) cpu_syscall_route_slow(g_traced > 0);
}

unsigned ktr_traced_count() { return g_traced; }
