#include <mm/page_index.h>

#include <arch/machdep.h>
#include <arch/pte.h>
#include <lib/kassert.h>
#include <mm/page_alloc.h>

PageIndex::~PageIndex()
{
    KASSERT(count_ == 0 && root_ == 0, "page index destroyed holding %zu pages", count_);
}

PageIndex::Slot* PageIndex::node(Slot n) { return static_cast<Slot*>(arch::phys_to_virt(PhysAddr(n))); }

Result<PageIndex::Slot> PageIndex::new_node()
{
    const PhysAddr pa = TRY(pages_->alloc(0, AllocFlags::Zero));
    nodes_++;
    return pa.value();
}

void PageIndex::free_node(Slot n)
{
    pages_->free(PhysAddr(n));
    nodes_--;
}

PageIndex::Slot* PageIndex::leaf_slot(uint64_t pindex) const
{
    if (pindex >= LIMIT) return nullptr;
    Slot n = root_;
    for (unsigned level = LEVELS - 1; n && level > 0; level--) n = node(n)[slot_of(pindex, level)];
    return n ? &node(n)[slot_of(pindex, 0)] : nullptr;
}

bool PageIndex::lookup(uint64_t pindex, PhysAddr* pa) const
{
    const Slot* leaf = leaf_slot(pindex);
    if (!leaf || !*leaf) return false;
    *pa = PhysAddr(*leaf & ~PRESENT);
    return true;
}

PhysAddr PageIndex::replace(uint64_t pindex, PhysAddr pa)
{
    KASSERT((pa.value() & (arch::PAGE_SIZE - 1)) == 0, "page index: %#lx is not a page",
            pa.value());
    Slot* leaf = leaf_slot(pindex);
    KASSERT(leaf && *leaf, "page index %#lx is empty", pindex);
    const PhysAddr old(*leaf & ~PRESENT);
    *leaf = pa.value() | PRESENT;
    return old;
}

Result<void> PageIndex::insert(uint64_t pindex, PhysAddr pa)
{
    KASSERT(pindex < LIMIT, "page index %#lx beyond %#lx", pindex, LIMIT);
    KASSERT((pa.value() & (arch::PAGE_SIZE - 1)) == 0, "page index: %#lx is not a page",
            pa.value());
    // The nodes missing on the way, made before anything is linked, so a
    // NoMem leaves the tree as it was.
    Slot fresh[LEVELS] = {};
    unsigned nfresh = 0;
    {
        Slot n = root_;
        unsigned missing = n ? 0 : LEVELS;
        for (unsigned level = LEVELS - 1; n && level > 0; level--) {
            n = node(n)[slot_of(pindex, level)];
            if (!n) missing = level;
        }
        for (; nfresh < missing; nfresh++) {
            Result<Slot> r = new_node();
            if (!r.ok()) {
                while (nfresh) free_node(fresh[--nfresh]);
                return r.error();
            }
            fresh[nfresh] = r.value();
        }
    }
    Slot* parent = &root_;
    for (unsigned level = LEVELS; level-- > 0;) {
        if (!*parent) *parent = fresh[--nfresh];
        if (level == 0) break;
        parent = &node(*parent)[slot_of(pindex, level)];
    }
    KASSERT(nfresh == 0, "page index: %u nodes made but not linked", nfresh);
    Slot& leaf = node(*parent)[slot_of(pindex, 0)];
    KASSERT(!leaf, "page index %#lx is taken", pindex);
    leaf = pa.value() | PRESENT;
    count_++;
    return {};
}

PhysAddr PageIndex::remove(uint64_t pindex)
{
    KASSERT(pindex < LIMIT, "page index %#lx beyond %#lx", pindex, LIMIT);
    Slot* path[LEVELS]; // path[level]: the slot that points to the level's node
    Slot* slot = &root_;
    for (unsigned level = LEVELS; level-- > 0;) {
        KASSERT(*slot, "page index %#lx is empty", pindex);
        path[level] = slot;
        slot = &node(*slot)[slot_of(pindex, level)];
    }
    KASSERT(*slot & PRESENT, "page index %#lx is empty", pindex);
    const PhysAddr pa(*slot & ~PRESENT);
    *slot = 0;
    count_--;
    // Free the nodes this left empty, lowest first.
    for (unsigned level = 0; level < LEVELS; level++) {
        const Slot* s = node(*path[level]);
        for (uint64_t i = 0; i < SLOTS; i++)
            if (s[i]) return pa;
        free_node(*path[level]);
        *path[level] = 0;
    }
    return pa;
}
