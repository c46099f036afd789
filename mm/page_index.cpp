#include <mm/page_index.h>

#include <kernel/machdep.h>
#include <arch/pte.h>
#include <lib/kassert.h>
#include <mm/kmem.h>
#include <mm/zero_pool.h>

PageIndex::~PageIndex()
{
    KASSERT(count_ == 0 && root_ == 0, "page index destroyed holding %zu pages", count_);
}

// The kernel's pre-zeroed pool, when it serves this index's allocator.
static ZeroPool* zero_pool_for(PageAllocator& pages)
{
    ZeroPool* pool = kmem_zero_pool();
    return pool && pool->serves(pages) ? pool : nullptr;
}

Result<PageIndex::Slot> PageIndex::new_node()
{
    ZeroPool* pool = zero_pool_for(*pages_);
    const PhysAddr pa = TRY(pool ? pool->take() : pages_->alloc(0, AllocFlags::Zero));
    groups(pa.value()) = 0;
    return pa.value();
}

void PageIndex::free_node(Slot n)
{
    KASSERT(groups(n) == 0, "freeing page index node %#lx with groups %#lx", n, groups(n));
    if constexpr (INVARIANTS) {
        const Slot* s = node(n);
        for (uint64_t i = 0; i < SLOTS; i++)
            KASSERT(!s[i], "freeing page index node %#lx holding %#lx at slot %lu", n, s[i], i);
    }
    if (ZeroPool* pool = zero_pool_for(*pages_); pool && pool->put(PhysAddr(n))) return;
    pages_->free(PhysAddr(n));
}

void PageIndex::fill_slot(Slot n, unsigned i, Slot v)
{
    node(n)[i] = v;
    groups(n) |= group_bit(i);
}

void PageIndex::empty_slot(Slot n, unsigned i)
{
    Slot* s = node(n);
    s[i] = 0;
    const unsigned g = i / GROUP * GROUP;
    for (unsigned k = g; k < g + GROUP; k++)
        if (s[k]) return;
    groups(n) &= ~group_bit(i);
}

uint64_t PageIndex::scan_groups(const Slot* s)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < SLOTS; i++)
        if (s[i]) m |= group_bit(i);
    return m;
}

bool PageIndex::groups_exact(PhysAddr node_pa) const
{
    return groups(node_pa.value()) == scan_groups(node(node_pa.value()));
}

bool PageIndex::node_shared(Slot n) const { return pages_->ref_count(PhysAddr(n)) > 1; }

bool PageIndex::drop_shared(Slot n)
{
    if (!node_shared(n)) return false;
    pages_->unref(PhysAddr(n));
    return true;
}

void PageIndex::share(const PageIndex& src)
{
    KASSERT(root_ == 0 && count_ == 0, "sharing into an index of %zu pages", count_);
    KASSERT(pages_ == src.pages_, "sharing a page index across allocators");
    if (!src.root_) return;
    pages_->ref(PhysAddr(src.root_));
    root_ = src.root_;
    count_ = src.count_;
}

size_t PageIndex::count_nodes(Slot n, unsigned level) const
{
    size_t total = 1;
    if (level == 0) return total;
    const Slot* s = node(n);
    for (uint64_t m = groups(n); m; m &= m - 1) {
        const unsigned g = sprig::lowest_bit(m) * GROUP;
        for (unsigned i = g; i < g + GROUP; i++)
            if (s[i]) total += count_nodes(s[i], level - 1);
    }
    return total;
}

size_t PageIndex::nodes() const { return root_ ? count_nodes(root_, LEVELS - 1) : 0; }

bool PageIndex::lookup(uint64_t pindex, PhysAddr* pa, bool* shared) const
{
    if (pindex >= LIMIT) return false;
    bool sh = false;
    Slot n = root_;
    for (unsigned level = LEVELS - 1;; level--) {
        if (!n) return false;
        if (shared && !sh) sh = node_shared(n);
        const Slot s = node(n)[slot_of(pindex, level)];
        if (level == 0) {
            if (!s) return false;
            *pa = PhysAddr(s & ~PRESENT);
            if (shared) *shared = sh;
            return true;
        }
        n = s;
    }
}

// Copies the occupied groups into `to` (zeroed, from new_node), taking a
// reference on everything they point at: the old node keeps its own, and
// both now point there.
void PageIndex::copy_node(Slot from, Slot to)
{
    const Slot* s = node(from);
    Slot* d = node(to);
    const uint64_t mask = groups(from);
    IntrOff off; // one critical section for the node's references
    for (uint64_t m = mask; m; m &= m - 1) {
        const unsigned g = sprig::lowest_bit(m) * GROUP;
        for (unsigned i = g; i < g + GROUP; i++) {
            d[i] = s[i];
            if (s[i]) pages_->ref_locked(PhysAddr(s[i] & ~PRESENT));
        }
    }
    groups(to) = mask;
}

Result<void> PageIndex::own_path(uint64_t pindex, bool make, Slot* path[LEVELS])
{
    KASSERT(pindex < LIMIT, "page index %#lx beyond %#lx", pindex, LIMIT);
    // First pass: the path as it is, and how many copies and new nodes it
    // needs (usually none: then that is all).  Below a shared node every
    // node is copied: the copy's reference makes its children shared in
    // turn.
    unsigned ncopy = 0, nmake = 0;
    {
        Slot* slot = &root_;
        for (unsigned level = LEVELS; level-- > 0;) {
            path[level] = slot;
            if (!*slot) {
                if (make)
                    nmake = level + 1;
                else
                    for (unsigned l = level + 1; l-- > 0;) path[l] = nullptr;
                break;
            }
            if (ncopy || node_shared(*slot)) ncopy++;
            slot = &node(*slot)[slot_of(pindex, level)];
        }
    }
    if (ncopy + nmake == 0) return {};
    // All allocated before anything changes, so a NoMem leaves the tree
    // as it was.
    Slot fresh[LEVELS] = {};
    for (unsigned i = 0; i < ncopy + nmake; i++) {
        Result<Slot> r = new_node();
        if (!r.ok()) {
            while (i) free_node(fresh[--i]);
            return r.error();
        }
        fresh[i] = r.value();
    }
    unsigned next = 0;
    bool copying = false;
    Slot* slot = &root_;
    Slot parent = 0; // the node holding *slot (0: root_)
    for (unsigned level = LEVELS; level-- > 0;) {
        if (!*slot && !make) break; // path[] below is nullptr already
        path[level] = slot;
        if (!*slot) {
            *slot = fresh[next++];
            if (parent) groups(parent) |= group_bit(slot_of(pindex, level + 1));
        } else if (copying || node_shared(*slot)) {
            copying = true;
            const Slot copy = fresh[next++];
            copy_node(*slot, copy);
            pages_->unref(PhysAddr(*slot)); // another parent still holds it
            *slot = copy;
        }
        parent = *slot;
        slot = &node(*slot)[slot_of(pindex, level)];
    }
    KASSERT(next == ncopy + nmake, "page index: %u nodes made, %u used", ncopy + nmake, next);
    return {};
}

Result<void> PageIndex::unshare(uint64_t pindex)
{
    Slot* path[LEVELS];
    return own_path(pindex, false, path);
}

Result<PhysAddr> PageIndex::replace(uint64_t pindex, PhysAddr pa)
{
    KASSERT((pa.value() & (arch::PAGE_SIZE - 1)) == 0, "page index: %#lx is not a page",
            pa.value());
    Slot* path[LEVELS];
    TRY(own_path(pindex, false, path));
    KASSERT(path[0], "page index %#lx is empty", pindex);
    Slot& leaf = node(*path[0])[slot_of(pindex, 0)];
    KASSERT(leaf, "page index %#lx is empty", pindex);
    const PhysAddr old(leaf & ~PRESENT);
    leaf = pa.value() | PRESENT;
    return old;
}

Result<void> PageIndex::insert(uint64_t pindex, PhysAddr pa)
{
    KASSERT(pindex < LIMIT, "page index %#lx beyond %#lx", pindex, LIMIT);
    KASSERT((pa.value() & (arch::PAGE_SIZE - 1)) == 0, "page index: %#lx is not a page",
            pa.value());
    Slot* path[LEVELS];
    TRY(own_path(pindex, true, path));
    KASSERT(!node(*path[0])[slot_of(pindex, 0)], "page index %#lx is taken", pindex);
    fill_slot(*path[0], slot_of(pindex, 0), pa.value() | PRESENT);
    count_++;
    return {};
}

Result<PhysAddr> PageIndex::remove(uint64_t pindex)
{
    KASSERT(pindex < LIMIT, "page index %#lx beyond %#lx", pindex, LIMIT);
    Slot* path[LEVELS]; // path[level]: the slot that points to the level's node
    TRY(own_path(pindex, false, path));
    KASSERT(path[0], "page index %#lx is empty", pindex);
    Slot& leaf = node(*path[0])[slot_of(pindex, 0)];
    KASSERT(leaf & PRESENT, "page index %#lx is empty", pindex);
    const PhysAddr pa(leaf & ~PRESENT);
    empty_slot(*path[0], slot_of(pindex, 0));
    count_--;
    // Free the nodes this left empty, lowest first (the path is ours alone).
    for (unsigned level = 0; level < LEVELS; level++) {
        if (groups(*path[level])) return pa;
        free_node(*path[level]);
        if (level + 1 < LEVELS)
            empty_slot(*path[level + 1], slot_of(pindex, level + 1));
        else
            *path[level] = 0;
    }
    return pa;
}
