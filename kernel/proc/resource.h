// Resource limits of a process (FreeBSD's struct plimit, kern_resource.c).
// fork shares the parent's limits by reference (lim_fork); whoever changes
// a limit first makes its own copy when the object is shared (lim_cow), so
// a child's setrlimit never shows in its parent and the other way round.
//
// Objects come from a zone the caller owns; each remembers its zone.
#pragma once

#include <stdint.h>
#include <abi/resource.h>
#include <lib/result.h>
#include <mm/zone.h>

struct plimit;
using PlimitZone = TypedZone<plimit>;

struct plimit {
    rlimit pl_rlimit[RLIM_NLIMITS];
    uint32_t pl_refcnt = 1;
    PlimitZone* pl_zone = nullptr;
};

// A new unshared limit set, every limit RLIM_INFINITY (lim_alloc).  NoMem.
Result<plimit*> lim_alloc(PlimitZone& zone);
// One more reference; returns limp.
plimit* lim_hold(plimit* limp);
// Drops a reference; the last one frees the object.
void lim_free(plimit* limp);
// Copies every limit of src into dst, which must be unshared.
void lim_copy(plimit* dst, const plimit* src);
// What a forked child gets: its parent's limits, shared (lim_fork).
plimit* lim_fork(plimit* parent);
// Makes *limpp safe to change: when shared, replaces it by a private copy
// and drops the shared reference; when not, leaves it.  Returns the
// (now unshared) object.  NoMem: *limpp is unchanged.
Result<plimit*> lim_cow(plimit** limpp);
// Sets one limit through lim_cow (the storing half of setrlimit; the
// syscall does the permission checks).  Inval for an unknown resource,
// NoMem from the copy; nothing changes on an error.
Result<void> lim_set(plimit** limpp, int which, const rlimit& value);

inline bool lim_shared(const plimit* limp) { return limp->pl_refcnt > 1; }
// The soft and hard limit of resource `which`.
rlim_t lim_cur(const plimit* limp, int which);
rlim_t lim_max(const plimit* limp, int which);
