#include <mm/vm_map.h>

#include <arch/pte.h>
#include <lib/kassert.h>
#include <mm/vm_object.h>

namespace {

bool page_aligned(uint64_t a) { return (a & (arch::PAGE_SIZE - 1)) == 0; }

// Whether b, right after a, differs from it in nothing but its range.
bool mergeable(const vm_map_entry* a, const vm_map_entry* b)
{
    return a->end == b->start && a->protection == b->protection &&
           a->max_protection == b->max_protection && a->inheritance == b->inheritance &&
           a->object == b->object && (!a->object || a->offset + a->size() == b->offset);
}

} // namespace

// At most two splits per operation: one at each end of its range.
class VmMap::Spares {
public:
    explicit Spares(VmMapEntryZone& zone) : zone_(zone) {}
    ~Spares()
    {
        while (n_) zone_.destroy(held_[--n_]);
    }
    Spares(const Spares&) = delete;
    Spares& operator=(const Spares&) = delete;

    Result<void> reserve(unsigned n)
    {
        KASSERT(n <= MAX, "%u splits asked for, at most %u", n, MAX);
        while (n_ < n) held_[n_++] = TRY(zone_.create());
        return {};
    }
    vm_map_entry* take()
    {
        KASSERT(n_ > 0, "a split without a spare entry");
        return held_[--n_];
    }

private:
    static constexpr unsigned MAX = 2;
    VmMapEntryZone& zone_;
    vm_map_entry* held_[MAX] = {};
    unsigned n_ = 0;
};

VmMap::VmMap(VmMapEntryZone& zone, uint64_t min, uint64_t max) : zone_(zone), min_(min), max_(max)
{
    KASSERT(page_aligned(min) && page_aligned(max) && min < max, "map of %#lx-%#lx", min, max);
}

VmMap::~VmMap()
{
    while (vm_map_entry* e = entries_.front()) {
        size_ -= e->size();
        unlink_free(e);
    }
}

Result<void> VmMap::check_range(uint64_t start, uint64_t end) const
{
    if (!page_aligned(start) || !page_aligned(end) || start >= end) return Errno::Inval;
    if (start < min_ || end > max_) return Errno::Inval;
    return {};
}

vm_map_entry* VmMap::first_ending_above(uint64_t addr)
{
    for (vm_map_entry* e : entries_)
        if (e->end > addr) return e;
    return nullptr;
}

vm_map_entry* VmMap::lookup(uint64_t addr)
{
    vm_map_entry* e = first_ending_above(addr);
    return e && e->start <= addr ? e : nullptr;
}

const vm_map_entry* VmMap::lookup(uint64_t addr) const
{
    return const_cast<VmMap*>(this)->lookup(addr);
}

Result<void> VmMap::insert(uint64_t start, uint64_t end, vm_object* obj, uint64_t offset,
                           vm_prot_t prot, vm_prot_t maxprot, VmInherit inherit)
{
    TRY(check_range(start, end));
    if ((prot & maxprot) != prot || (maxprot & ~VM_PROT_ALL)) return Errno::Inval;
    vm_map_entry* after = first_ending_above(start);
    if (after && after->start < end) return Errno::NoMem;
    vm_map_entry* e = TRY(zone_.create());
    e->start = start;
    e->end = end;
    e->object = obj;
    e->offset = offset;
    e->protection = prot;
    e->max_protection = maxprot;
    e->inheritance = inherit;
    if (after)
        entries_.insert_before(after, e);
    else
        entries_.push_back(e);
    size_ += e->size();
    simplify(e);
    return {};
}

Result<uint64_t> VmMap::findspace(uint64_t hint, uint64_t length) const
{
    if (!length || !page_aligned(length)) return Errno::Inval;
    uint64_t addr = hint < min_ ? min_ : (hint + arch::PAGE_SIZE - 1) & ~(arch::PAGE_SIZE - 1);
    for (const vm_map_entry* e : const_cast<VmMap*>(this)->entries_) {
        if (e->end <= addr) continue;
        if (addr <= e->start && e->start - addr >= length) break;
        addr = e->end;
    }
    if (addr < hint || addr > max_ || max_ - addr < length) return Errno::NoMem;
    return addr;
}

vm_map_entry* VmMap::split(vm_map_entry* e, uint64_t addr, Spares& spares)
{
    KASSERT(e->start < addr && addr < e->end && page_aligned(addr),
            "splitting %#lx-%#lx at %#lx", e->start, e->end, addr);
    vm_map_entry* high = spares.take();
    high->start = addr;
    high->end = e->end;
    high->object = e->object;
    high->offset = e->offset + (addr - e->start);
    high->protection = e->protection;
    high->max_protection = e->max_protection;
    high->inheritance = e->inheritance;
    if (high->object) vm_object_reference(high->object);
    e->end = addr;
    entries_.insert_after(e, high);
    return high;
}

unsigned VmMap::splits_needed(uint64_t start, uint64_t end)
{
    unsigned n = 0;
    if (const vm_map_entry* e = lookup(start); e && e->start < start) n++;
    if (const vm_map_entry* e = lookup(end); e && e->start < end) n++;
    return n;
}

vm_map_entry* VmMap::clip_range(uint64_t start, uint64_t end, Spares& spares)
{
    vm_map_entry* first = first_ending_above(start);
    if (!first || first->start >= end) return nullptr;
    if (first->start < start) first = split(first, start, spares);
    if (vm_map_entry* last = lookup(end); last && last->start < end) split(last, end, spares);
    return first;
}

void VmMap::unlink_free(vm_map_entry* e)
{
    entries_.remove(e);
    if (e->object) vm_object_deallocate(e->object);
    zone_.destroy(e);
}

void VmMap::simplify(vm_map_entry* e)
{
    if (vm_map_entry* prev = entries_.prev(e); prev && mergeable(prev, e)) {
        e->start = prev->start;
        e->offset = prev->offset;
        unlink_free(prev);
    }
    if (vm_map_entry* next = entries_.next(e); next && mergeable(e, next)) {
        e->end = next->end;
        unlink_free(next);
    }
}

void VmMap::simplify_range(uint64_t start, uint64_t end)
{
    // Up to and including an entry that starts at `end`: a merge inside
    // the range may have made it mergeable with what is now before it.
    for (vm_map_entry* e = first_ending_above(start); e && e->start <= end; e = entries_.next(e))
        simplify(e);
}

template <typename Fn>
Result<void> VmMap::change_range(uint64_t start, uint64_t end, Fn change)
{
    Spares spares(zone_);
    TRY(spares.reserve(splits_needed(start, end)));
    for (vm_map_entry* e = clip_range(start, end, spares); e && e->start < end;
         e = entries_.next(e))
        change(e);
    simplify_range(start, end);
    return {};
}

Result<void> VmMap::remove(uint64_t start, uint64_t end)
{
    TRY(check_range(start, end));
    Spares spares(zone_);
    TRY(spares.reserve(splits_needed(start, end)));
    vm_map_entry* e = clip_range(start, end, spares);
    while (e && e->start < end) {
        vm_map_entry* next = entries_.next(e);
        size_ -= e->size();
        unlink_free(e);
        e = next;
    }
    return {};
}

Result<void> VmMap::protect(uint64_t start, uint64_t end, vm_prot_t prot)
{
    TRY(check_range(start, end));
    if (prot & ~VM_PROT_ALL) return Errno::Inval;
    for (vm_map_entry* e = first_ending_above(start); e && e->start < end; e = entries_.next(e))
        if ((prot & e->max_protection) != prot) return Errno::Acces;
    return change_range(start, end, [prot](vm_map_entry* e) { e->protection = prot; });
}

Result<void> VmMap::inherit(uint64_t start, uint64_t end, VmInherit inh)
{
    TRY(check_range(start, end));
    return change_range(start, end, [inh](vm_map_entry* e) { e->inheritance = inh; });
}

void VmMap::check() const
{
    uint64_t total = 0;
    const vm_map_entry* prev = nullptr;
    for (const vm_map_entry* e : const_cast<VmMap*>(this)->entries_) {
        KASSERT(page_aligned(e->start) && page_aligned(e->end) && e->start < e->end,
                "map entry %#lx-%#lx", e->start, e->end);
        KASSERT(e->start >= min_ && e->end <= max_, "map entry %#lx-%#lx outside %#lx-%#lx",
                e->start, e->end, min_, max_);
        KASSERT((e->protection & e->max_protection) == e->protection,
                "map entry %#lx-%#lx: protection %#x beyond %#x", e->start, e->end,
                e->protection, e->max_protection);
        if (prev) {
            KASSERT(prev->end <= e->start, "map entries %#lx-%#lx and %#lx-%#lx overlap",
                    prev->start, prev->end, e->start, e->end);
            KASSERT(!mergeable(prev, e), "map entries %#lx-%#lx and %#lx-%#lx not merged",
                    prev->start, prev->end, e->start, e->end);
        }
        total += e->size();
        prev = e;
    }
    KASSERT(total == size_, "map size %#lx, entries hold %#lx", size_, total);
}
