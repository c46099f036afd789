// A small set of disjoint physical ranges, kept sorted: RAM minus the
// firmware's reserved regions, plus what must stay mapped anyway.  Boot
// code uses it to decide what the direct map covers.  Fixed capacity, no
// allocation: it runs before any allocator exists.
#pragma once

#include <stddef.h>
#include <lib/addr.h>
#include <lib/result.h>

class PhysRangeSet {
public:
    static constexpr size_t CAPACITY = 64;

    // Adds [r.base, r.end()), merging with neighbours it touches.
    // Errno::NoSpc when the set is full.
    Result<void> add(PhysRange r);
    // Removes [r.base, r.end()); splitting a range may need a slot.
    Result<void> subtract(PhysRange r);
    // Keeps only what lies inside r.
    void clip(PhysRange r);
    // Rounds every range inwards to `align` (dropping what vanishes).
    void shrink_to(uint64_t align);

    size_t size() const { return n_; }
    const PhysRange& operator[](size_t i) const { return r_[i]; }
    const PhysRange* begin() const { return r_; }
    const PhysRange* end() const { return r_ + n_; }
    uint64_t total() const;
    bool contains(PhysAddr pa) const;

private:
    void remove_at(size_t i);
    Result<void> insert_at(size_t i, PhysRange r);

    PhysRange r_[CAPACITY];
    size_t n_ = 0;
};
