// The zones' part of the invariant checker (kernel/debug/invariants.h): every
// slab's free list well formed (each link an object of the slab, not
// marked in use, trash pattern intact, as many as the slab says are
// free), slabs on the list their fill implies, the zone's object and page
// counts equal to what its slabs hold, and every slab page pointing at its
// slab.  Read-only; runs with interrupts off.
#pragma once

#include <stddef.h>

class InvariantReport;
class PageAllocator;
class Zone;

// Checks one zone.
void zone_check(Zone& z, InvariantReport& r);
// Finds every zone that has a slab, through the page metadata (a page of
// a slab names its header, the header its zone), and checks each; also
// that the zone's lists hold exactly the slabs the pages name.  Returns
// how many zones it checked.
size_t zones_check(PageAllocator& pages, InvariantReport& r);

// Gives every zone's cached empty slab back to the page allocator
// (uma_reclaim), for a free-page count that holds no cache: what the
// checker's `debug.invariants.check=2` does first.  Returns the zones.
size_t zones_drain(PageAllocator& pages, InvariantReport& r);
