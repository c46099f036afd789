// Backing objects (FreeBSD's vm_object): what the pages of a map entry
// come from.  An object is reference counted by the map entries that name
// it; a shared anonymous mapping is one object that both sides of a fork
// reference, which is how a page first touched after the fork is still
// seen by both.  This first version has the reference count and the size;
// the pages an object holds come with the fault handler.
#pragma once

#include <stdint.h>
#include <lib/result.h>
#include <mm/zone.h>

struct vm_object;
using VmObjectZone = TypedZone<vm_object>;

// FreeBSD's OBJT_*: only anonymous memory so far.
enum class ObjType : uint8_t {
    Default, // OBJT_DEFAULT: anonymous, zero-filled on first touch
};

struct vm_object {
    uint32_t ref_count = 1;
    ObjType type = ObjType::Default;
    uint64_t size = 0; // pages
    VmObjectZone* zone = nullptr;
};

// A new anonymous object of `pages` pages with one reference
// (vm_object_allocate).  NoMem when the zone cannot grow.
Result<vm_object*> vm_object_allocate(VmObjectZone& zone, uint64_t pages);
// One more reference (vm_object_reference).
void vm_object_reference(vm_object* obj);
// Drops a reference; the last one frees the object (vm_object_deallocate).
void vm_object_deallocate(vm_object* obj);
