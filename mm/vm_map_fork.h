// The map half of a fork (the entry loop of FreeBSD's vmspace_fork): the
// child's map gets each parent entry as its inheritance says.
//   None   nothing;
//   Share  the same object (made now if the parent never touched the
//          range), one more reference: both see every page, including
//          pages first touched after the fork;
//   Copy   a new object holding the same pages (vm_object_copy), and the
//          parent's translations of the range lose write permission, so
//          the first write on either side faults and copies (vm_fault);
//          the child shares the parent's leaf tables where it may.
// Untouched private memory (no object yet) is copied as untouched.
//
// Private memory is copy-on-write by page reference count between
// per-entry objects, not by FreeBSD's shadow chains.  That relies on an
// object being either private to one space or shared (inheritance Share)
// for good: a Copy entry over an object another space also maps would
// leave that space's translations writable.  Sprig has no minherit, and
// MAP_SHARED entries are always Share, so such an entry cannot arise.
#pragma once

#include <lib/result.h>
#include <mm/tlb_flush.h>
#include <mm/vm_map.h>
#include <mm/vm_object.h>

class Pmap;

// Fills the empty map `child` from `parent`, whose translations are in
// parent_pmap (nullptr: it has none yet).  With child_pmap (empty, never
// run), on-demand fork: each 2 MiB slot that only copied entries overlap
// has its leaf table shared with the child copy-on-write (docs/memory.md,
// "Shared leaf tables"); without it, the child starts with no
// translations.  The flush (for the parent's pmap) must run before the
// parent touches memory again.  NoMem: the child's map and pmap may hold
// some entries and shared tables (its owner frees them), the parent's
// entries are as they were, and its pmap lost only write permissions that
// faults give back.
Result<TlbFlush> vm_map_fork(VmMap& parent, Pmap* parent_pmap, VmMap& child,
                             VmObjectZone& objects, Pmap* child_pmap = nullptr);
