// The zones every process object comes from, in one place: fork1 and exit
// allocate from them, and the leak checks (host tests, the boot
// self-test) count the objects in use here.  The kernel makes one set at
// boot over the page allocator; a host test makes its own and removes it.
#pragma once

#include <stddef.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/kern_event.h>
#include <kernel/ktrace/ktr_sink.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/uidinfo.h>
#include <mm/vmspace.h>
#include <mm/zone.h>

class PageAllocator;

struct ProcZones {
    explicit ProcZones(PageAllocator& pages);
    ProcZones(const ProcZones&) = delete;
    ProcZones& operator=(const ProcZones&) = delete;

    TypedZone<proc> procs;
    TypedZone<thread> threads;
    UcredZone creds;
    UidTable uids;
    PlimitZone limits;
    SigactsZone sigacts;
    FdZones fds;
    VmspaceZone vmspaces;
    PgrpTable pgrps;
    TypedZone<kqueue> kqueues;
    TypedZone<knote> knotes;
    TypedZone<ktr_sink> ktrsinks;

    // Every object in use, of every kind: what a leak check compares.
    size_t objects_in_use() const;
    // Cached empty slabs of every zone back to the page allocator, so the
    // next allocation of each kind reaches it again (uma_reclaim).
    void drain();
};

// The kernel's set.  proc_zones_init() makes it (once at boot; a host test
// per test), proc_zones_fini() removes it (host tests; every object must
// have been freed).
ProcZones& proc_zones();
void proc_zones_init(PageAllocator& pages);
void proc_zones_fini();
bool proc_zones_ready();
