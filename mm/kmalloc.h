// kmalloc: variable-size kernel memory (FreeBSD's malloc(9) with
// M_NOWAIT).  Sizes up to MAX_ZONE_SIZE come from power-of-two zones;
// bigger ones are whole blocks of pages.  kfree() needs no size: the page
// metadata says whether a pointer is a slab object or a big block.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <arch/pte.h>
#include <lib/result.h>
#include <mm/fail_point.h>
#include <mm/page_alloc.h>
#include <mm/zone.h>

class KmallocArena {
public:
    static constexpr size_t MIN_SIZE = 16;
    static constexpr size_t MAX_ZONE_SIZE = 2048;
    static constexpr size_t NZONES = 8; // 16, 32, ... 2048
    // The largest request: one block of the page allocator's largest order.
    static constexpr size_t MAX_SIZE = arch::PAGE_SIZE << PageAllocator::MAX_ORDER;

    explicit KmallocArena(PageAllocator& pages);
    // Everything must have been freed.
    ~KmallocArena();
    KmallocArena(const KmallocArena&) = delete;
    KmallocArena& operator=(const KmallocArena&) = delete;

    // At least `size` bytes, aligned to the size class (16 .. 2048 bytes,
    // 0 counts as 1) or to a page for bigger sizes.  NoMem when memory runs
    // out, the size exceeds MAX_SIZE, or a failure is injected.
    Result<void*> alloc(size_t size, AllocFlags flags = AllocFlags::None);
    // Frees what alloc() returned; nullptr is ignored.
    void free(void* p);
    // Bytes usable at p: its size class, or its whole block of pages.
    size_t usable_size(const void* p);
    // Gives cached empty slabs back to the page allocator.
    void drain();

    // Counters.  Bytes are usable sizes (what the classes round up to).
    size_t bytes_in_use() const { return bytes_in_use_; }
    size_t objects_in_use() const { return objects_in_use_; }
    // Pages held: slabs of the zones (cached ones too) and big blocks.
    size_t pages_in_use() const;

    void fail_after(long n) { fail_.fail_after(n); }
    uint64_t injected_failures() const { return fail_.injected(); }

    const Zone& zone(size_t i) const { return zones_[i]; }

private:
    Zone* zone_for(size_t size);
    Zone* own_zone(const void* p);
    Result<void*> alloc_large(size_t size, AllocFlags flags);
    void free_large(void* p);
    Page* large_head(const void* p);

    PageAllocator& pages_;
    Zone zones_[NZONES];
    size_t bytes_in_use_ = 0;
    size_t objects_in_use_ = 0;
    size_t large_pages_ = 0;
    FailPoint fail_;
};

// The kernel's arena, named once at boot; kmalloc()/kfree() go through it.
void kmalloc_set_arena(KmallocArena* arena);
KmallocArena* kmalloc_arena();
Result<void*> kmalloc(size_t size, AllocFlags flags = AllocFlags::None);
void kfree(void* p);
