// The pages of a VM object, by page index: a sparse map from pindex to a
// physical page, kept as a radix tree of three levels of 512 slots (the
// shape of a Sv39 table, so one node is one page and 2^27 indexes cover
// the whole 512 GiB a Sv39 user half could ever name).  Nodes are made on
// the first insert below them and freed when their last slot empties.
//
// Nodes are shared copy-on-write between indexes (fork's private copies,
// share()): a node's page reference count in the PageAllocator is the
// number of parents (other nodes, or index roots) that point at it.  Any
// change goes through an exclusive path: the shared nodes on the way down
// are copied first (path copying), a copied interior node referencing
// each child once more and a copied leaf each page once more.  A page
// under a shared leaf is therefore held once for every index sharing it,
// and "may another index see this page?" is "does the page have more
// than one reference, or is any node on its path shared?" (lookup()).
//
// The index holds physical addresses: the object that owns the index
// takes a page's reference when it inserts it and drops it in clear();
// path copies take and drop theirs themselves.
//
// Each node keeps, in its page's metadata (Page::pi_groups), a mask of
// its occupied slot groups: bit g is set exactly when one of slots
// [8g, 8g + 8) is not empty, and the slots of a clear group are zero.  A
// small process has a handful of pages in nodes of 512 slots, so a path
// copy (a node from the pre-zeroed pool, then only the occupied groups
// copied), a teardown and a test for an empty node cost what is populated,
// not the node's size.  A node given back is zeroed group by group as its
// slots are dropped and goes to the pre-zeroed pool when it has room.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <kernel/machdep.h>
#include <lib/addr.h>
#include <lib/bits.h>
#include <lib/kassert.h>
#include <lib/result.h>
#include <mm/page_alloc.h>

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

    // Makes this index (empty, same allocator) see every page of src by
    // sharing src's root node: O(1), no page gains a reference.
    void share(const PageIndex& src);

    // The page at pindex, if there is one; *shared (when asked) tells
    // whether a node on its path is shared with another index.
    bool lookup(uint64_t pindex, PhysAddr* pa, bool* shared = nullptr) const;
    // lookup() for a page fault that changes the page in place: the leaf
    // slot of pindex when every node on its path exists and none is
    // shared with another index (one walk, no allocation), else an empty
    // OwnSlot (the caller takes the general way: unshare(), insert()).
    class OwnSlot {
    public:
        explicit operator bool() const { return slot_ != nullptr; }
        bool empty() const { return *slot_ == 0; }
        PhysAddr page() const { return PhysAddr(*slot_ & ~PRESENT); }

    private:
        friend class PageIndex;
        uint64_t* slot_ = nullptr;
        uint64_t node_ = 0;  // the leaf node holding slot_ (its mask changes on fill)
        unsigned index_ = 0; // slot_'s number in that node
    };
    // Inline: a page fault's whole index work.
    OwnSlot own_slot(uint64_t pindex)
    {
        OwnSlot own;
        if (pindex >= LIMIT) return own;
        Slot n = root_;
        for (unsigned level = LEVELS - 1;; level--) {
            // A node's count is the number of parents pointing at it: one
            // means this path alone.
            if (!n || pages_->find_page(PhysAddr(n))->ref_count != 1) return own;
            Slot& s = node(n)[slot_of(pindex, level)];
            if (level == 0) {
                own.slot_ = &s;
                own.node_ = n;
                own.index_ = slot_of(pindex, 0);
                return own;
            }
            n = s;
        }
    }
    // Puts pa (page aligned) into an empty slot own_slot() gave.
    void fill(OwnSlot s, PhysAddr pa)
    {
        KASSERT(s && s.empty(), "page index: filling a slot that is taken");
        KASSERT(pa.is_aligned(arch::PAGE_SIZE), "page index: %#lx is not a page", pa.value());
        *s.slot_ = pa.value() | PRESENT;
        groups(s.node_) |= group_bit(s.index_);
        count_++;
    }
    // Puts pa in place of the page in a full slot own_slot() gave; returns
    // the old page.
    PhysAddr swap(OwnSlot s, PhysAddr pa)
    {
        KASSERT(s && !s.empty(), "page index: swapping into an empty slot");
        KASSERT(pa.is_aligned(arch::PAGE_SIZE), "page index: %#lx is not a page", pa.value());
        const PhysAddr old = s.page();
        *s.slot_ = pa.value() | PRESENT;
        return old;
    }
    // Copies the shared nodes on pindex's path (those that exist), so that
    // the page there, if any, has exactly one reference per index holding
    // it.  NoMem when a copy cannot be allocated: then nothing changed.
    Result<void> unshare(uint64_t pindex);
    // Puts pa (page aligned) at pindex, which must be empty.  NoMem when a
    // node cannot be allocated or copied: then nothing changed.
    Result<void> insert(uint64_t pindex, PhysAddr pa);
    // Takes the page out of pindex, which must hold one; returns it.  NoMem
    // as for insert (a shared path is copied first).
    Result<PhysAddr> remove(uint64_t pindex);
    // Puts pa in place of the page at pindex, which must hold one; returns
    // the old page.  NoMem as for insert; never fails on a path unshare()
    // made exclusive.
    Result<PhysAddr> replace(uint64_t pindex, PhysAddr pa);

    // Pages held.
    size_t count() const { return count_; }
    // Node pages reachable from this index, shared ones included (a walk:
    // for tests and checks).
    size_t nodes() const;
    // For the invariant checker: whether the node at node_pa's mask of
    // occupied groups matches its slots.
    bool groups_exact(PhysAddr node_pa) const;

    // For the invariant checker: calls node_fn(node_pa) for every pointer
    // to a node (the root, and each interior slot), descending into the
    // node only when node_fn returns true; page_fn(pindex, pa) for every
    // page of the leaves it descends into.
    template <typename NodeFn, typename PageFn>
    void visit(NodeFn node_fn, PageFn page_fn) const
    {
        if (root_) visit_node(root_, LEVELS - 1, 0, node_fn, page_fn);
    }

    // Calls fn(pindex, pa) for every page with first <= pindex < last, in
    // increasing pindex order.  fn must not change the index.
    template <typename Fn>
    void for_each(uint64_t first, uint64_t last, Fn fn) const
    {
        if (root_) walk(root_, LEVELS - 1, 0, first, last, fn);
    }

    // Empties the index: drops its reference on the root node; a node
    // whose last reference this drops is freed after its children, and
    // fn(pindex, pa) is called for every page of a leaf freed so (the
    // pages this index held alone, in increasing order), with interrupts
    // off (one critical section a leaf, so fn may drop its reference with
    // PageAllocator::unref_locked).  Pages under a node still shared stay
    // with the other indexes.
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
    static constexpr unsigned GROUP = 8; // slots per bit of a node's mask
    static_assert(SLOTS / GROUP == 64, "a node's mask is one word");

    static Slot* node(Slot n) { return static_cast<Slot*>(arch::phys_to_virt(PhysAddr(n))); }
    // The leaf slot of pindex, or nullptr when a node on the way is missing.
    Slot* leaf_slot(uint64_t pindex) const;
    static unsigned slot_of(uint64_t pindex, unsigned level)
    {
        return static_cast<unsigned>(pindex >> (BITS * level)) & (SLOTS - 1);
    }
    static uint64_t group_bit(unsigned slot) { return uint64_t{1} << (slot / GROUP); }
    // The node's mask of occupied groups.
    uint64_t& groups(Slot n) const { return pages_->find_page(PhysAddr(n))->pi_groups; }
    // Slot i of node n now holds v (not 0) / is emptied: keeps the mask.
    void fill_slot(Slot n, unsigned i, Slot v);
    void empty_slot(Slot n, unsigned i);
    static uint64_t scan_groups(const Slot* s);
    // A zeroed node with an empty mask.
    Result<Slot> new_node();
    // n's slots must all be zero.
    void free_node(Slot n);
    bool node_shared(Slot n) const;
    // Drops one reference to n when another parent still holds it: true
    // then (n and everything below it stay).
    bool drop_shared(Slot n);
    // The slots pointing at each level's node on pindex's path
    // (path[level]), with every shared node copied and, when `make`, every
    // missing node made.  Without `make` a missing node ends the path:
    // the slots below it are nullptr.  NoMem leaves the tree as it was.
    Result<void> own_path(uint64_t pindex, bool make, Slot* path[LEVELS]);
    void copy_node(Slot from, Slot to);
    size_t count_nodes(Slot n, unsigned level) const;

    template <typename NodeFn, typename PageFn>
    static void visit_node(Slot n, unsigned level, uint64_t base, NodeFn& node_fn,
                           PageFn& page_fn)
    {
        if (!node_fn(PhysAddr(n))) return;
        const Slot* s = node(n);
        const uint64_t span = uint64_t{1} << (BITS * level);
        for (uint64_t i = 0; i < SLOTS; i++) {
            if (!s[i]) continue;
            if (level == 0)
                page_fn(base + i, PhysAddr(s[i] & ~PRESENT));
            else
                visit_node(s[i], level - 1, base + i * span, node_fn, page_fn);
        }
    }

    template <typename Fn>
    void walk(Slot n, unsigned level, uint64_t base, uint64_t first, uint64_t last, Fn& fn) const
    {
        const Slot* s = node(n);
        const uint64_t span = uint64_t{1} << (BITS * level);
        for (uint64_t m = groups(n); m; m &= m - 1) {
            const unsigned g = sprig::lowest_bit(m) * GROUP;
            for (unsigned i = g; i < g + GROUP; i++) {
                const uint64_t lo = base + i * span;
                if (!s[i] || lo + span <= first || lo >= last) continue;
                if (level == 0)
                    fn(lo, PhysAddr(s[i] & ~PRESENT));
                else
                    walk(s[i], level - 1, lo, first, last, fn);
            }
        }
    }

    // Zeroes each slot it drops, so that the node is all zeros again when
    // it is freed.
    template <typename Fn>
    void clear_node(Slot n, unsigned level, uint64_t base, Fn& fn)
    {
        if (drop_shared(n)) return;
        Slot* s = node(n);
        const uint64_t span = uint64_t{1} << (BITS * level);
        if (level == 0) {
            IntrOff off;
            for (uint64_t m = groups(n); m; m &= m - 1) {
                const unsigned g = sprig::lowest_bit(m) * GROUP;
                for (unsigned i = g; i < g + GROUP; i++) {
                    if (!s[i]) continue;
                    fn(base + i, PhysAddr(s[i] & ~PRESENT));
                    s[i] = 0;
                }
            }
        } else {
            for (uint64_t m = groups(n); m; m &= m - 1) {
                const unsigned g = sprig::lowest_bit(m) * GROUP;
                for (unsigned i = g; i < g + GROUP; i++) {
                    if (!s[i]) continue;
                    clear_node(s[i], level - 1, base + i * span, fn);
                    s[i] = 0;
                }
            }
        }
        groups(n) = 0;
        free_node(n);
    }

    PageAllocator* pages_;
    Slot root_ = 0;
    size_t count_ = 0;
};
