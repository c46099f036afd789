// Zones: caches of fixed-size kernel objects carved from slabs of pages
// (in the spirit of FreeBSD's uma(9)).  A slab is one block of 2^order pages
// from the page allocator with its header at the end; every page of the
// slab points at that header (Page::owner), so an object's address leads
// to its slab and zone.  Slabs sit on partial, full and empty lists; one
// empty slab is kept cached and the others go back to the page allocator.
//
// Debugging checks: a bitmap of allocated objects per slab catches double
// frees (KASSERTs, so the debug configuration's); freed objects are filled
// with a pattern that is checked when they are handed out again ("modified
// after free"), in the debug configuration only (INVARIANTS).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <new>
#include <lib/list.h>
#include <lib/result.h>
#include <lib/utility.h>
#include <mm/fail_point.h>
#include <mm/page_alloc.h>

class Zone;

// The header of one slab, followed by its allocation bitmap.
struct Slab {
    ListNode link; // on one of the zone's partial/full/empty lists
    Zone* zone = nullptr;
    char* base = nullptr;       // first object (the start of the block)
    void* free_head = nullptr;  // free objects, linked through their first word
    uint32_t nfree = 0;

    uint64_t* alloc_bits() { return reinterpret_cast<uint64_t*>(this + 1); }
};

class Zone {
public:
    // Largest slab: 2^MAX_SLAB_ORDER pages.
    static constexpr unsigned MAX_SLAB_ORDER = 4;

    // Objects of `size` bytes aligned to `align` (a power of two up to a
    // page; at least pointer alignment is always given).  The name is kept,
    // not copied.  Nothing is allocated until the first alloc().
    Zone(const char* name, size_t size, size_t align, PageAllocator& pages);
    // The zone must be empty; its cached slabs go back to the allocator.
    ~Zone();
    Zone(const Zone&) = delete;
    Zone& operator=(const Zone&) = delete;

    // One object (uma_zalloc).  Its contents are a fill pattern unless
    // AllocFlags::Zero.  NoMem when a new slab is needed and no pages are
    // left (or a failure is injected).
    Result<void*> alloc(AllocFlags flags = AllocFlags::None);
    // Gives back an object of this zone (uma_zfree); nullptr is ignored.
    void free(void* obj);
    // Returns cached empty slabs to the page allocator (zone_drain).
    void drain();

    // The zone an object belongs to, or nullptr when its page is not part
    // of any slab.  obj must be a direct-map address of managed RAM.
    static Zone* owner_of(PageAllocator& pages, const void* obj);

    const char* name() const { return name_; }
    size_t object_size() const { return size_; }
    // Distance between objects: the size rounded up to the alignment.
    size_t stride() const { return stride_; }
    size_t objects_per_slab() const { return per_slab_; }
    size_t pages_per_slab() const { return size_t{1} << slab_order_; }
    size_t objects_in_use() const { return in_use_; }
    size_t pages_in_use() const { return pages_in_use_; }
    PageAllocator& page_allocator() const { return pages_; }

    void fail_after(long n) { fail_.fail_after(n); }
    uint64_t injected_failures() const { return fail_.injected(); }

    // Every zone alive, oldest first (the vm.zone sysctls walk them):
    // for (Zone* z = Zone::first(); z; z = z->next()).
    static Zone* first();
    Zone* next() const { return next_; }

private:
    friend class ZoneCheck; // mm/zone_check.cpp reads the slab lists
    void choose_layout(size_t align);
    Result<Slab*> new_slab();
    void release_slab(Slab* s);
    void set_owner(Slab* s, void* owner, uint8_t flags);
    void* take_object(Slab* s);
    void trash(void* obj) const;
    void check_trash(const void* obj) const;
    size_t index_of(Slab* s, const void* obj) const;

    const char* name_;
    size_t size_;
    size_t stride_ = 0;
    size_t per_slab_ = 0;
    unsigned slab_order_ = 0;
    size_t header_offset_ = 0; // where the Slab header sits in the block
    PageAllocator& pages_;
    List<Slab, &Slab::link> partial_;
    List<Slab, &Slab::link> full_;
    List<Slab, &Slab::link> empty_;
    size_t in_use_ = 0;
    size_t pages_in_use_ = 0;
    FailPoint fail_;
    Zone* next_ = nullptr; // the list of every zone
};

// A zone of T: create() constructs in place, destroy() destructs and frees.
// The objects of proc, thread, filedesc ... come from these.
template <typename T>
class TypedZone {
public:
    TypedZone(const char* name, PageAllocator& pages) : zone_(name, sizeof(T), alignof(T), pages)
    {
    }

    // A new T built from args; NoMem when the zone cannot grow.
    template <typename... Args>
    Result<T*> create(Args&&... args)
    {
        void* mem = TRY(zone_.alloc());
        return new (mem) T(sprig::forward<Args>(args)...);
    }
    // Destroys and frees obj; nullptr is ignored.
    void destroy(T* obj)
    {
        if (!obj) return;
        obj->~T();
        zone_.free(obj);
    }

    Zone& zone() { return zone_; }
    size_t objects_in_use() const { return zone_.objects_in_use(); }
    size_t pages_in_use() const { return zone_.pages_in_use(); }
    void fail_after(long n) { zone_.fail_after(n); }

private:
    Zone zone_;
};
