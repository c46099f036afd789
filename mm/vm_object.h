// Backing objects (FreeBSD's vm_object): what the pages of a map entry
// come from.  An object is reference counted by the map entries that name
// it, and holds its resident pages by page index, one page reference each.
//
// Private memory and fork: a child's private copy of a whole object is a
// new object whose page index shares the parent's nodes copy-on-write
// (vm_object_copy, PageIndex::share: O(1), no page gains a reference); a
// copy of part of an object (a clipped entry) gets a new index holding
// the same pages, each with one more reference.  A write fault on either
// side first unshares the index's path to the page (which makes the
// page's count exact), then copies a page whose count is above one, or
// simply takes it back when the other side has let go.
// Shared memory (MAP_SHARED, inheritance Share) is one object that both
// sides reference, so a page first touched after the fork is seen by both.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <mm/page_index.h>
#include <mm/zone.h>

class PageAllocator;
struct vm_object;
using VmObjectZone = TypedZone<vm_object>;

// FreeBSD's OBJT_*: only anonymous memory so far.
enum class ObjType : uint8_t {
    Default, // OBJT_DEFAULT: anonymous, zero-filled on first touch
};

struct vm_object {
    explicit vm_object(PageAllocator& pa) : allocator(&pa), pages(pa) {}

    uint32_t ref_count = 1;
    ObjType type = ObjType::Default;
    uint64_t size = 0; // pages
    VmObjectZone* zone = nullptr;
    PageAllocator* allocator; // where the pages' references are dropped
    PageIndex pages;          // resident pages, one reference each
};

// A new anonymous object of `pages` pages (at most PageIndex::LIMIT) with
// one reference and no resident page (vm_object_allocate).  NoMem when
// the zone cannot grow.
Result<vm_object*> vm_object_allocate(VmObjectZone& zone, uint64_t pages);
// One more reference (vm_object_reference).
void vm_object_reference(vm_object* obj);
// Drops a reference; the last one drops every resident page's reference
// and frees the object (vm_object_deallocate).
void vm_object_deallocate(vm_object* obj);

// The resident page at pindex (vm_page_lookup).
// *shared (when asked): whether another object may see the page, by a
// second reference or through an index node both share.
bool vm_object_page_lookup(const vm_object* obj, uint64_t pindex, PhysAddr* pa,
                           bool* shared = nullptr);
// Makes pa resident at pindex (< size, empty), taking over the caller's
// reference on it (vm_page_insert).  NoMem (the index needs a node): the
// reference is still the caller's.
Result<void> vm_object_page_insert(vm_object* obj, uint64_t pindex, PhysAddr pa);
// Makes the object's index path to pindex its own (copying the nodes it
// shares), so that the page's reference count says exactly how many
// objects hold it.  NoMem: nothing changed.
Result<void> vm_object_page_unshare(vm_object* obj, uint64_t pindex);
// Puts pa at pindex in place of the page there and returns the old page,
// whose reference passes to the caller (a COW break).  The path must
// have been unshared: then it cannot fail.
PhysAddr vm_object_page_replace(vm_object* obj, uint64_t pindex, PhysAddr pa);
// A new object holding a copy of len bytes of data (a program image from
// the initrd, whose members are only 4-byte aligned): ceil(len / page)
// pages, each resident, the last one zero-padded.  NoMem leaves nothing.
Result<vm_object*> vm_object_from_bytes(VmObjectZone& zone, const void* data, size_t len);
// The same for a program segment: an object of `pages` pages whose bytes
// from `lead` (< a page: where the segment starts in its first page) hold
// the len bytes of data; the pages those bytes touch are resident, the
// rest (bss beyond them) zero-fill on demand.
Result<vm_object*> vm_object_from_image(VmObjectZone& zone, const void* data, size_t len,
                                        size_t lead, uint64_t pages);

// A new object of `count` pages whose page i is src's page first + i: the
// private copy fork gives a child.  The whole of src shares its index
// nodes (O(1)); a part gets its own index, each page referenced once
// more.  NoMem leaves nothing allocated and no reference taken.
Result<vm_object*> vm_object_copy(vm_object* src, uint64_t first, uint64_t count);
