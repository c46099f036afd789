// Address-space identifiers for user page tables, by generation (the
// scheme of FreeBSD/riscv's and Linux's ASID allocators).  Each address
// space keeps a tag: its ASID and the generation it was given in.  When
// every ASID of the hart's width is taken, a new generation starts: all
// are free again, old tags are stale and get a fresh ASID at their next
// activation, and the TLB must be flushed whole once, since entries of
// the old generation may still be cached under any ASID.
//
// A hart without ASIDs (width 0, as the JH7110's U74 cores) runs every
// address space as ASID 0 and flushes the whole TLB on every switch.
// ASID 0 is otherwise the kernel's and never given to a user space.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <lib/kassert.h>

class AsidAllocator {
public:
    static constexpr unsigned MAX_BITS = 16; // satp's ASID field under Sv39

    // bits: the hart's ASID width as probed (0 .. MAX_BITS).
    explicit AsidAllocator(unsigned bits);
    AsidAllocator(const AsidAllocator&) = delete;
    AsidAllocator& operator=(const AsidAllocator&) = delete;

    struct Tag {
        uint16_t asid = 0;
        uint64_t generation = 0; // 0: never had an ASID
    };

    // Makes t valid for the current generation, keeping its ASID when it
    // is.  Returns true when the caller must flush the whole TLB
    // (sfence.vma x0, x0) before running with it: a new generation began,
    // or the hart has no ASIDs.
    // Inline for the common case, an ASID of this generation (every
    // context switch between processes asks).
    bool activate(Tag& t)
    {
        if (max_ && t.generation == generation_) {
            KASSERT(taken(t.asid), "ASID %u of this generation is not taken", t.asid);
            return false;
        }
        return activate_new(t);
    }
    // The address space of t is gone and its translations were flushed
    // (PageTable::destroy's flush): its ASID may be given out again.
    void release(Tag& t);

    unsigned bits() const { return bits_; }
    // User ASIDs there are: 2^bits - 1 (ASID 0 is the kernel's).
    uint32_t capacity() const { return max_; }
    uint64_t generation() const { return generation_; }
    uint32_t in_use() const { return in_use_; }
    // Generations started after the first (full-TLB flushes they cost).
    uint64_t rollovers() const { return generation_ - 1; }

private:
    bool activate_new(Tag& t);
    bool taken(uint32_t asid) const { return map_[asid / 64] >> (asid % 64) & 1; }
    void set(uint32_t asid, bool on);
    // A free ASID at or after next_, wrapping; 0 when there is none.
    uint32_t find_free() const;

    unsigned bits_;
    uint32_t max_;           // the highest user ASID
    uint32_t next_ = 1;      // where the search starts
    uint32_t in_use_ = 0;
    uint64_t generation_ = 1;
    uint64_t map_[(uint32_t{1} << MAX_BITS) / 64] = {};
};
