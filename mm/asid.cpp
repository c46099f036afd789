#include <mm/asid.h>

#include <lib/kassert.h>
#include <string.h>

AsidAllocator::AsidAllocator(unsigned bits)
    : bits_(bits), max_(bits ? (uint32_t{1} << bits) - 1 : 0)
{
    KASSERT(bits <= MAX_BITS, "%u ASID bits, at most %u", bits, MAX_BITS);
}

void AsidAllocator::set(uint32_t asid, bool on)
{
    const uint64_t bit = uint64_t{1} << (asid % 64);
    if (on)
        map_[asid / 64] |= bit;
    else
        map_[asid / 64] &= ~bit;
}

uint32_t AsidAllocator::find_free() const
{
    for (uint32_t n = 0, a = next_; n < max_; n++, a = a == max_ ? 1 : a + 1)
        if (!taken(a)) return a;
    return 0;
}

bool AsidAllocator::activate_new(Tag& t)
{
    if (!max_) {
        t = {0, generation_};
        return true;
    }
    bool flush = false;
    uint32_t a = find_free();
    if (!a) {
        // Every ASID is taken: start over, and let the TLB forget them all.
        memset(map_, 0, sizeof map_);
        in_use_ = 0;
        generation_++;
        next_ = 1;
        a = 1;
        flush = true;
    }
    set(a, true);
    in_use_++;
    next_ = a == max_ ? 1 : a + 1;
    t = {static_cast<uint16_t>(a), generation_};
    return flush;
}

void AsidAllocator::release(Tag& t)
{
    if (max_ && t.generation == generation_) {
        KASSERT(taken(t.asid), "releasing ASID %u, which is free", t.asid);
        set(t.asid, false);
        in_use_--;
    }
    t = {};
}
