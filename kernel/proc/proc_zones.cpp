#include <kernel/proc/proc_zones.h>

#include <lib/kassert.h>

#include <new>

namespace {

alignas(ProcZones) unsigned char g_storage[sizeof(ProcZones)];
ProcZones* g_zones = nullptr;

} // namespace

ProcZones::ProcZones(PageAllocator& pages)
    : procs("proc", pages), threads("thread", pages), creds("ucred", pages), uids(pages),
      limits("plimit", pages), sigacts("sigacts", pages), fds(pages), vmspaces("vmspace", pages),
      pgrps(pages), kqueues("kqueue", pages), knotes("knote", pages),
      ktrsinks("ktrsink", pages)
{
}

size_t ProcZones::objects_in_use() const
{
    return procs.objects_in_use() + threads.objects_in_use() + creds.objects_in_use() +
           uids.count() + limits.objects_in_use() + sigacts.objects_in_use() +
           fds.objects_in_use() + vmspaces.all_in_use() + pgrps.pgrp_count() +
           pgrps.session_count() + kqueues.objects_in_use() + knotes.objects_in_use() +
           ktrsinks.objects_in_use();
}

void ProcZones::drain()
{
    Zone* const all[] = {&procs.zone(),       &threads.zone(),     &creds.zone(),
                         &uids.zone().zone(), &limits.zone(),      &sigacts.zone(),
                         &fds.files.zone(),   &fds.tables.zone(),  &fds.leaders.zone(),
                         &kqueues.zone(),     &knotes.zone(),      &ktrsinks.zone()};
    for (Zone* z : all) z->drain();
    vmspaces.drain();
    pgrps.drain();
}

ProcZones& proc_zones()
{
    KASSERT(g_zones, "proc_zones() before proc_zones_init()");
    return *g_zones;
}

bool proc_zones_ready() { return g_zones != nullptr; }

void proc_zones_init(PageAllocator& pages)
{
    KASSERT(!g_zones, "proc_zones_init twice");
    g_zones = new (g_storage) ProcZones(pages);
}

void proc_zones_fini()
{
    KASSERT(g_zones, "proc_zones_fini without init");
    KASSERT(g_zones->objects_in_use() == 0, "proc_zones_fini with %zu objects in use",
            g_zones->objects_in_use());
    g_zones->~ProcZones();
    g_zones = nullptr;
}
