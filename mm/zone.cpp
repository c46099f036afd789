#include <mm/zone.h>

#include <kernel/machdep.h>
#include <mm/intr_off.h>

#include <string.h>

namespace {

using arch::PAGE_SIZE;

// What a freed object is filled with (after its free-list link), like
// uma's trash_dtor: a write through a stale pointer shows up at the next
// alloc.
constexpr uint64_t TRASH = 0xdeadc0dedeadc0de;

Zone* g_zones = nullptr; // every zone alive, linked through next_

constexpr size_t bitmap_words(size_t nobjs) { return (nobjs + 63) / 64; }
constexpr size_t header_bytes(size_t nobjs) { return sizeof(Slab) + 8 * bitmap_words(nobjs); }

// How many objects of `stride` bytes fit in `bytes` next to the header.
size_t objects_fitting(size_t bytes, size_t stride)
{
    if (bytes <= sizeof(Slab)) return 0;
    size_t n = (bytes - sizeof(Slab)) / stride;
    while (n > 0 && n * stride + header_bytes(n) > bytes) n--;
    return n;
}

void* next_free(const void* obj) { return *static_cast<void* const*>(obj); }
void set_next_free(void* obj, void* next) { *static_cast<void**>(obj) = next; }

} // namespace

static_assert(sizeof(Slab) % 8 == 0, "the bitmap follows the header");

Zone::Zone(const char* name, size_t size, size_t align, PageAllocator& pages)
    : name_(name), size_(size), pages_(pages)
{
    KASSERT(size > 0, "zone %s: objects of size 0", name);
    KASSERT(align != 0 && (align & (align - 1)) == 0 && align <= PAGE_SIZE,
            "zone %s: bad alignment %zu", name, align);
    choose_layout(sprig::max(align, alignof(void*)));
    IntrOff off;
    Zone** tail = &g_zones;
    while (*tail) tail = &(*tail)->next_;
    *tail = this;
}

Zone* Zone::first() { return g_zones; }

// The smallest slab that wastes at most an eighth of itself; failing that,
// the one that wastes the least.  The header goes at the end of the block
// so objects start on a page boundary and keep their alignment.
void Zone::choose_layout(size_t align)
{
    stride_ = sprig::align_up(sprig::max(size_, sizeof(void*)), align);
    size_t best_waste = 0, best_bytes = 0;
    for (unsigned order = 0; order <= MAX_SLAB_ORDER; order++) {
        const size_t bytes = PAGE_SIZE << order;
        const size_t n = objects_fitting(bytes, stride_);
        if (n == 0) continue;
        const size_t waste = bytes - n * stride_;
        if (best_bytes == 0 || waste * best_bytes < best_waste * bytes) {
            best_waste = waste;
            best_bytes = bytes;
            slab_order_ = order;
            per_slab_ = n;
        }
        if (waste * 8 <= bytes) break;
    }
    KASSERT(per_slab_ > 0, "zone %s: objects of %zu bytes do not fit a slab", name_, size_);
    header_offset_ = (PAGE_SIZE << slab_order_) - header_bytes(per_slab_);
}

Zone::~Zone()
{
    KASSERT(in_use_ == 0, "zone %s destroyed with %zu objects in use", name_, in_use_);
    drain();
    KASSERT(partial_.empty() && full_.empty() && pages_in_use_ == 0,
            "zone %s: slabs left at destruction", name_);
    IntrOff off;
    Zone** p = &g_zones;
    while (*p != this) {
        KASSERT(*p, "zone %s is not on the list of zones", name_);
        p = &(*p)->next_;
    }
    *p = next_;
}

// Marks (or unmarks) every page of the slab as belonging to it.
void Zone::set_owner(Slab* s, void* owner, uint8_t flags)
{
    const PhysAddr pa = arch::virt_to_phys(s->base);
    for (size_t i = 0; i < pages_per_slab(); i++) {
        Page* pg = pages_.page_of(pa + i * PAGE_SIZE);
        pg->owner = owner;
        pg->flags = flags;
    }
}

// A slab with every object free, linked in address order, and trashed.
Result<Slab*> Zone::new_slab()
{
    const PhysAddr pa = TRY(pages_.alloc(slab_order_));
    char* base = static_cast<char*>(arch::phys_to_virt(pa));
    Slab* s = new (base + header_offset_) Slab{};
    s->zone = this;
    s->base = base;
    s->nfree = static_cast<uint32_t>(per_slab_);
    memset(s->alloc_bits(), 0, 8 * bitmap_words(per_slab_));
    void* next = nullptr;
    for (size_t i = per_slab_; i-- > 0;) {
        char* obj = base + i * stride_;
        trash(obj);
        set_next_free(obj, next);
        next = obj;
    }
    s->free_head = next;
    set_owner(s, s, page_flag::SLAB);
    pages_in_use_ += pages_per_slab();
    return s;
}

void Zone::release_slab(Slab* s)
{
    KASSERT(s->nfree == per_slab_, "zone %s: releasing a slab in use", name_);
    set_owner(s, nullptr, 0);
    pages_.free(arch::virt_to_phys(s->base), slab_order_);
    pages_in_use_ -= pages_per_slab();
}

void Zone::drain()
{
    IntrOff off;
    while (Slab* s = empty_.pop_front()) release_slab(s);
}

// Index of obj in its slab; panics unless obj is exactly an object of s.
size_t Zone::index_of(Slab* s, const void* obj) const
{
    const char* p = static_cast<const char*>(obj);
    const size_t off = static_cast<size_t>(p - s->base);
    KASSERT(p >= s->base && off < per_slab_ * stride_ && off % stride_ == 0,
            "zone %s: %p is not the start of an object", name_, obj);
    return off / stride_;
}

void Zone::trash(void* obj) const
{
    if constexpr (!INVARIANTS) return; // uma's trash_dtor is an INVARIANTS check too
    auto* w = static_cast<uint64_t*>(obj);
    for (size_t i = 1; i < stride_ / 8; i++) w[i] = TRASH;
}

void Zone::check_trash(const void* obj) const
{
    if constexpr (!INVARIANTS) return;
    auto* w = static_cast<const uint64_t*>(obj);
    for (size_t i = 1; i < stride_ / 8; i++)
        KASSERT(w[i] == TRASH, "zone %s: object %p modified after free (at +%zu)", name_, obj,
                8 * i);
}

// Unlinks the first free object of s, checking the free list as it goes.
void* Zone::take_object(Slab* s)
{
    void* obj = s->free_head;
    const size_t i = index_of(s, obj);
    uint64_t& word = s->alloc_bits()[i / 64];
    const uint64_t bit = uint64_t{1} << (i % 64);
    KASSERT(!(word & bit), "zone %s: free list of slab %p holds a used object", name_, s);
    void* next = next_free(obj);
    if (next) (void)index_of(s, next);
    check_trash(obj);
    word |= bit;
    s->free_head = next;
    s->nfree--;
    in_use_++;
    return obj;
}

// uma_zalloc: a partial slab first, then the cached empty one, then a new
// slab from the page allocator.
Result<void*> Zone::alloc(AllocFlags flags)
{
    void* obj;
    {
        IntrOff off;
        if (fail_.should_fail() || fail_site_hit(FailSite::Zone)) return Errno::NoMem;
        Slab* s = partial_.front();
        if (!s) {
            s = empty_.pop_front();
            if (!s) s = TRY(new_slab());
            partial_.push_front(s);
        }
        obj = take_object(s);
        if (s->nfree == 0) {
            partial_.remove(s);
            full_.push_front(s);
        }
        fail_.succeeded();
    }
    if (has_flag(flags, AllocFlags::Zero)) memset(obj, 0, stride_);
    return obj;
}

// uma_zfree.  An emptied slab is cached if none is, else given back.
void Zone::free(void* obj)
{
    if (!obj) return;
    IntrOff off;
    const Page* pg = pages_.find_page(arch::virt_to_phys(obj));
    KASSERT(pg != nullptr && (pg->flags & page_flag::SLAB),
            "zone %s: freeing %p, which is not a zone object", name_, obj);
    Slab* s = static_cast<Slab*>(pg->owner);
    KASSERT(s->zone == this, "zone %s: freeing %p, which belongs to zone %s", name_, obj,
            s->zone->name_);
    const size_t i = index_of(s, obj);
    uint64_t& word = s->alloc_bits()[i / 64];
    const uint64_t bit = uint64_t{1} << (i % 64);
    KASSERT(word & bit, "zone %s: double free of %p", name_, obj);
    word &= ~bit;
    trash(obj);
    set_next_free(obj, s->free_head);
    s->free_head = obj;
    const bool was_full = s->nfree == 0;
    s->nfree++;
    in_use_--;
    if (s->nfree == per_slab_) {
        if (was_full)
            full_.remove(s);
        else
            partial_.remove(s);
        if (empty_.empty())
            empty_.push_front(s);
        else
            release_slab(s);
    } else if (was_full) {
        full_.remove(s);
        partial_.push_front(s);
    }
}

Zone* Zone::owner_of(PageAllocator& pages, const void* obj)
{
    const Page* pg = pages.find_page(arch::virt_to_phys(obj));
    if (!pg || !(pg->flags & page_flag::SLAB)) return nullptr;
    return static_cast<const Slab*>(pg->owner)->zone;
}
