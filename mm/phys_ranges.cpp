#include <mm/phys_ranges.h>

void PhysRangeSet::remove_at(size_t i)
{
    for (size_t j = i; j + 1 < n_; j++) r_[j] = r_[j + 1];
    n_--;
}

Result<void> PhysRangeSet::insert_at(size_t i, PhysRange r)
{
    if (n_ == CAPACITY) return Errno::NoSpc;
    for (size_t j = n_; j > i; j--) r_[j] = r_[j - 1];
    r_[i] = r;
    n_++;
    return {};
}

Result<void> PhysRangeSet::add(PhysRange r)
{
    if (r.size == 0) return {};
    KASSERT(r.base.value() + r.size > r.base.value(), "range wraps: %#lx + %#lx",
            r.base.value(), r.size);
    // Absorb every range that overlaps or touches r.
    size_t i = 0;
    while (i < n_ && r_[i].end() < r.base) i++;
    while (i < n_ && r_[i].base <= r.end()) {
        const PhysAddr lo = r_[i].base < r.base ? r_[i].base : r.base;
        const PhysAddr hi = r_[i].end() > r.end() ? r_[i].end() : r.end();
        r = {lo, hi - lo};
        remove_at(i);
    }
    return insert_at(i, r);
}

Result<void> PhysRangeSet::subtract(PhysRange cut)
{
    if (cut.size == 0) return {};
    for (size_t i = 0; i < n_;) {
        PhysRange& cur = r_[i];
        if (!cur.overlaps(cut)) {
            i++;
            continue;
        }
        const PhysRange before{cur.base, cut.base > cur.base ? cut.base - cur.base : 0};
        const PhysRange after{cut.end(), cur.end() > cut.end() ? cur.end() - cut.end() : 0};
        if (before.size && after.size) {
            // A split needs one more slot: check first, so that a full set
            // is left exactly as it was.
            if (n_ == CAPACITY) return Errno::NoSpc;
            cur = before;
            TRY(insert_at(i + 1, after));
        } else if (before.size || after.size) {
            cur = before.size ? before : after;
        } else {
            remove_at(i);
        }
        i += (before.size != 0) + (after.size != 0);
    }
    return {};
}

void PhysRangeSet::clip(PhysRange keep)
{
    for (size_t i = 0; i < n_;) {
        PhysRange& cur = r_[i];
        const PhysAddr lo = cur.base > keep.base ? cur.base : keep.base;
        const PhysAddr hi = cur.end() < keep.end() ? cur.end() : keep.end();
        if (lo >= hi) {
            remove_at(i);
            continue;
        }
        cur = {lo, hi - lo};
        i++;
    }
}

void PhysRangeSet::shrink_to(uint64_t align)
{
    for (size_t i = 0; i < n_;) {
        const PhysAddr lo = r_[i].base.align_up(align);
        const PhysAddr hi = r_[i].end().align_down(align);
        if (lo >= hi) {
            remove_at(i);
            continue;
        }
        r_[i] = {lo, hi - lo};
        i++;
    }
}

uint64_t PhysRangeSet::total() const
{
    uint64_t t = 0;
    for (const PhysRange& r : *this) t += r.size;
    return t;
}

bool PhysRangeSet::contains(PhysAddr pa) const
{
    for (const PhysRange& r : *this)
        if (r.contains(pa)) return true;
    return false;
}
