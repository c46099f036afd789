#include <mm/zone_check.h>

#include <kernel/machdep.h>
#include <kernel/debug/invariant_report.h>
#include <lib/utility.h>
#include <mm/intr_off.h>
#include <mm/zone.h>

namespace {

// Zone::trash's pattern (mm/zone.cpp): a freed object holds its free-list
// link in the first word and this in every other one.
constexpr uint64_t TRASH = 0xdeadc0dedeadc0de;

// Zones with a slab, as found through the pages.
constexpr size_t MAX_ZONES = 128;

struct ZoneSeen {
    Zone* zone;
    size_t slabs; // slabs the pages name
};

} // namespace

// Zone's friend: the walks over its private lists.
class ZoneCheck {
public:
    using SlabList = List<Slab, &Slab::link>;
    enum class Kind { Partial, Full, Empty };

    static void check(Zone& z, InvariantReport& r, ZoneSeen* seen)
    {
        size_t used = 0;
        size_t slabs = list(z, z.partial_, Kind::Partial, used, r);
        slabs += list(z, z.full_, Kind::Full, used, r);
        slabs += list(z, z.empty_, Kind::Empty, used, r);
        if (used != z.in_use_)
            r.violation("zone", "%s: %zu objects in use by its count, %zu by its slabs", z.name_,
                        z.in_use_, used);
        if (slabs * z.pages_per_slab() != z.pages_in_use_)
            r.violation("zone", "%s: %zu pages by its count, %zu slabs of %zu pages on its lists",
                        z.name_, z.pages_in_use_, slabs, z.pages_per_slab());
        if (seen && seen->slabs != slabs)
            r.violation("zone", "%s: the pages name %zu slabs, its lists hold %zu", z.name_,
                        seen->slabs, slabs);
    }

private:
    static size_t list(Zone& z, SlabList& l, Kind kind, size_t& used, InvariantReport& r)
    {
        size_t n = 0;
        // More slabs than pages: the list loops (a corrupted link).
        const size_t most = z.pages_.total_pages() / z.pages_per_slab() + 1;
        for (Slab* s : l) {
            if (++n > most) {
                r.violation("zone", "%s: a slab list longer than memory could hold", z.name_);
                break;
            }
            if (s->zone != &z) {
                r.violation("zone", "%s: slab %p on its list belongs to zone %p", z.name_, s,
                            s->zone);
                continue;
            }
            const size_t nfree = s->nfree;
            const bool fits = kind == Kind::Full    ? nfree == 0
                              : kind == Kind::Empty ? nfree == z.per_slab_
                                                    : nfree > 0 && nfree < z.per_slab_;
            if (!fits)
                r.violation("zone", "%s: slab %p with %zu of %zu objects free is on its %s list",
                            z.name_, s, nfree, z.per_slab_,
                            kind == Kind::Full ? "full" : kind == Kind::Empty ? "empty" : "partial");
            used += z.per_slab_ - sprig::min(nfree, z.per_slab_);
            slab(z, s, r);
        }
        return n;
    }

    // Index of p in s, or per_slab_ when p is not the start of one of its objects.
    static size_t index_of(const Zone& z, const Slab* s, const void* p)
    {
        const char* c = static_cast<const char*>(p);
        if (c < s->base) return z.per_slab_;
        const size_t off = static_cast<size_t>(c - s->base);
        if (off >= z.per_slab_ * z.stride_ || off % z.stride_ != 0) return z.per_slab_;
        return off / z.stride_;
    }

    static bool in_use(Slab* s, size_t i)
    {
        return (s->alloc_bits()[i / 64] >> (i % 64)) & 1;
    }

    // The free list, link by link: no pointer is followed before it is
    // known to be an object of the slab, so a corrupted link cannot fault.
    static void slab(Zone& z, Slab* s, InvariantReport& r)
    {
        size_t marked = 0;
        for (size_t i = 0; i < z.per_slab_; i++) marked += in_use(s, i);
        if (marked + s->nfree != z.per_slab_)
            r.violation("zone", "%s: slab %p: %zu objects marked in use but %u free of %zu",
                        z.name_, s, marked, s->nfree, z.per_slab_);
        size_t walked = 0;
        for (void* obj = s->free_head; obj; walked++) {
            if (walked > s->nfree) {
                r.violation("zone", "%s: slab %p: free list longer than its %u free objects",
                            z.name_, s, s->nfree);
                return;
            }
            const size_t i = index_of(z, s, obj);
            if (i == z.per_slab_) {
                r.violation("zone", "%s: slab %p: free list link %p is not an object of it",
                            z.name_, s, obj);
                return;
            }
            if (in_use(s, i))
                r.violation("zone", "%s: object %p is on the free list and marked in use",
                            z.name_, obj);
            const auto* w = static_cast<const uint64_t*>(obj);
            // The release configuration trashes nothing (INVARIANTS off).
            for (size_t k = 1; INVARIANTS && k < z.stride_ / 8; k++) {
                if (w[k] == TRASH) continue;
                r.violation("zone", "%s: free object %p modified after free (at +%zu)", z.name_,
                            obj, 8 * k);
                break;
            }
            obj = *static_cast<void* const*>(obj);
        }
        if (walked != s->nfree)
            r.violation("zone", "%s: slab %p: free list of %zu objects, %u counted free", z.name_,
                        s, walked, s->nfree);
    }
};

void zone_check(Zone& z, InvariantReport& r)
{
    IntrOff off;
    ZoneCheck::check(z, r, nullptr);
}

namespace {

// Notes the slab headed at page k of a segment, and checks that each of
// its pages names it.  Returns the pages to skip.
size_t note_slab(PageAllocator& pages, Page* pg, ZoneSeen* seen, size_t& nseen, InvariantReport& r)
{
    auto* s = static_cast<Slab*>(pg->owner);
    const PhysAddr pa = pages.phys_of(pg);
    const Page* hdr = s ? pages.find_page(arch::virt_to_phys(s)) : nullptr;
    if (!hdr || !(hdr->flags & page_flag::SLAB) || hdr->owner != s) {
        r.violation("zone", "page %#lx is marked as a slab's but names %p", pa.value(), s);
        return 1;
    }
    if (arch::virt_to_phys(s->base) != pa) return 1; // not the slab's first page
    Zone* z = s->zone;
    size_t i = 0;
    while (i < nseen && seen[i].zone != z) i++;
    if (i == nseen) {
        if (nseen == MAX_ZONES) {
            r.skipped("zone", "more zones than the checker tracks");
            return 1;
        }
        seen[nseen++] = {z, 0};
    }
    seen[i].slabs++;
    const size_t n = z->pages_per_slab();
    for (size_t k = 0; k < n; k++) {
        if (pg[k].owner != s || !(pg[k].flags & page_flag::SLAB))
            r.violation("zone", "%s: page %zu of slab %p does not name it", z->name(), k, s);
    }
    return n;
}

} // namespace

namespace {

// Every zone that has a slab, through the pages (see note_slab).
size_t find_zones(PageAllocator& pages, ZoneSeen* seen, InvariantReport& r)
{
    size_t nseen = 0;
    for (size_t i = 0; i < pages.segment_count(); i++) {
        const PhysRange seg = pages.segment(i);
        Page* first = pages.page_of(seg.base);
        const size_t npages = seg.size / arch::PAGE_SIZE;
        for (size_t k = 0; k < npages;) {
            Page* pg = first + k;
            if (pg->state == PageState::Allocated && (pg->flags & page_flag::SLAB))
                k += note_slab(pages, pg, seen, nseen, r);
            else
                k++;
        }
    }
    return nseen;
}

} // namespace

size_t zones_check(PageAllocator& pages, InvariantReport& r)
{
    IntrOff off;
    ZoneSeen seen[MAX_ZONES];
    const size_t nseen = find_zones(pages, seen, r);
    for (size_t i = 0; i < nseen; i++) ZoneCheck::check(*seen[i].zone, r, &seen[i]);
    return nseen;
}

size_t zones_drain(PageAllocator& pages, InvariantReport& r)
{
    IntrOff off;
    ZoneSeen seen[MAX_ZONES];
    const size_t nseen = find_zones(pages, seen, r);
    for (size_t i = 0; i < nseen; i++) seen[i].zone->drain();
    return nseen;
}
