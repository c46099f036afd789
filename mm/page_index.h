// The pages of a VM object, by page index: a sparse map from pindex to a
// physical page, kept as a radix tree of three levels of 512 slots (the
// shape of a Sv39 table, so one node is one page and 2^27 indexes cover
// the whole 512 GiB a Sv39 user half could ever name).  Nodes are made on
// the first insert below them and freed when their last slot empties.
//
// The index holds physical addresses, not references: the object that
// owns the index decides when a page's reference is taken or dropped.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/addr.h>
#include <lib/result.h>

class PageAllocator;

class PageIndex {
public:
    static constexpr unsigned BITS = 9;
    static constexpr unsigned LEVELS = 3;
    static constexpr uint64_t SLOTS = uint64_t{1} << BITS;
    static constexpr uint64_t LIMIT = uint64_t{1} << (BITS * LEVELS); // pindex < LIMIT

    explicit PageIndex(PageAllocator& pages) : pages_(&pages) {}
    // The index must be empty (its owner releases the pages first).
    ~PageIndex();
    PageIndex(const PageIndex&) = delete;
    PageIndex& operator=(const PageIndex&) = delete;

    // The page at pindex, if there is one.
    bool lookup(uint64_t pindex, PhysAddr* pa) const;
    // Puts pa (page aligned) at pindex, which must be empty.  NoMem when a
    // node cannot be allocated: then nothing changed.
    Result<void> insert(uint64_t pindex, PhysAddr pa);
    // Takes the page out of pindex, which must hold one; returns it.
    PhysAddr remove(uint64_t pindex);
    // Puts pa in place of the page at pindex, which must hold one; returns
    // the old page.  Needs no node, so it cannot fail.
    PhysAddr replace(uint64_t pindex, PhysAddr pa);

    // Pages held.
    size_t count() const { return count_; }
    // Node pages allocated.
    size_t nodes() const { return nodes_; }

    // Calls fn(pindex, pa) for every page with first <= pindex < last, in
    // increasing pindex order.  fn must not change the index.
    template <typename Fn>
    void for_each(uint64_t first, uint64_t last, Fn fn) const
    {
        if (root_) walk(root_, LEVELS - 1, 0, first, last, fn);
    }

    // Empties the index: calls fn(pindex, pa) for every page, in
    // increasing order, and frees every node.
    template <typename Fn>
    void clear(Fn fn)
    {
        if (root_) clear_node(root_, LEVELS - 1, 0, fn);
        root_ = 0;
        count_ = 0;
    }

private:
    using Slot = uint64_t; // a node's physical address, or a page's | PRESENT; 0: empty
    static constexpr Slot PRESENT = 1;

    static Slot* node(Slot n);
    // The leaf slot of pindex, or nullptr when a node on the way is missing.
    Slot* leaf_slot(uint64_t pindex) const;
    static unsigned slot_of(uint64_t pindex, unsigned level)
    {
        return static_cast<unsigned>(pindex >> (BITS * level)) & (SLOTS - 1);
    }
    Result<Slot> new_node();
    void free_node(Slot n);

    template <typename Fn>
    static void walk(Slot n, unsigned level, uint64_t base, uint64_t first, uint64_t last, Fn& fn)
    {
        const Slot* s = node(n);
        const uint64_t span = uint64_t{1} << (BITS * level);
        for (uint64_t i = 0; i < SLOTS; i++) {
            const uint64_t lo = base + i * span;
            if (!s[i] || lo + span <= first || lo >= last) continue;
            if (level == 0)
                fn(lo, PhysAddr(s[i] & ~PRESENT));
            else
                walk(s[i], level - 1, lo, first, last, fn);
        }
    }

    template <typename Fn>
    void clear_node(Slot n, unsigned level, uint64_t base, Fn& fn)
    {
        Slot* s = node(n);
        const uint64_t span = uint64_t{1} << (BITS * level);
        for (uint64_t i = 0; i < SLOTS; i++) {
            if (!s[i]) continue;
            if (level == 0)
                fn(base + i, PhysAddr(s[i] & ~PRESENT));
            else
                clear_node(s[i], level - 1, base + i * span, fn);
        }
        free_node(n);
    }

    PageAllocator* pages_;
    Slot root_ = 0;
    size_t count_ = 0;
    size_t nodes_ = 0;
};
