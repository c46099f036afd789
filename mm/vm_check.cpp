#include <mm/vm_check.h>

#include <kernel/machdep.h>
#include <arch/pte.h>
#include <kernel/debug/invariant_report.h>
#include <mm/intr_off.h>
#include <mm/page_alloc.h>
#include <mm/pagetable.h>
#include <mm/pt_pages.h>
#include <mm/vmspace.h>

namespace {

using arch::PAGE_SIZE;

// Scratch memory for one run: a block from the page allocator, zeroed,
// given back when the run ends.
class Scratch {
public:
    Scratch(PageAllocator& pages, size_t bytes) : pages_(pages)
    {
        while ((PAGE_SIZE << order_) < bytes && order_ <= PageAllocator::MAX_ORDER) order_++;
        if (order_ > PageAllocator::MAX_ORDER) return;
        Result<PhysAddr> pa = pages.alloc(order_, AllocFlags::Zero);
        if (pa.ok()) pa_ = pa.value(), mem_ = arch::phys_to_virt(pa_);
    }
    ~Scratch()
    {
        if (mem_) pages_.free(pa_, order_);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    void* mem() const { return mem_; }

private:
    PageAllocator& pages_;
    unsigned order_ = 0;
    PhysAddr pa_;
    void* mem_ = nullptr;
};

// A count per distinct object, open addressing over scratch memory.
struct ObjCount {
    vm_object* obj;
    uint64_t count;
};

class ObjTable {
public:
    ObjTable(ObjCount* slots, size_t cap) : slots_(slots), cap_(cap) {}
    ObjCount& at(vm_object* obj)
    {
        size_t i = (reinterpret_cast<uintptr_t>(obj) >> 4) & (cap_ - 1);
        while (slots_[i].obj && slots_[i].obj != obj) i = (i + 1) & (cap_ - 1);
        slots_[i].obj = obj;
        return slots_[i];
    }
    template <typename F>
    void for_each(F f)
    {
        for (size_t i = 0; i < cap_; i++)
            if (slots_[i].obj) f(slots_[i]);
    }

private:
    ObjCount* slots_;
    size_t cap_;
};

// A reference counter per managed page, indexed across the segments.
class PageCounts {
public:
    PageCounts(PageAllocator& pages, uint16_t* counts) : pages_(pages), counts_(counts)
    {
        size_t off = 0;
        for (size_t i = 0; i < pages.segment_count(); i++) {
            first_[i] = pages.page_of(pages.segment(i).base);
            base_[i] = off;
            off += pages.segment(i).size / PAGE_SIZE;
        }
    }
    static size_t total(PageAllocator& pages)
    {
        size_t n = 0;
        for (size_t i = 0; i < pages.segment_count(); i++) n += pages.segment(i).size / PAGE_SIZE;
        return n;
    }
    // nullptr when pa is not a managed page.
    uint16_t* of(PhysAddr pa)
    {
        const Page* pg = pages_.find_page(pa);
        if (!pg) return nullptr;
        return &counts_[base_[pg->segind] + static_cast<size_t>(pg - first_[pg->segind])];
    }
    uint16_t* at(size_t seg, size_t k) { return &counts_[base_[seg] + k]; }

private:
    PageAllocator& pages_;
    uint16_t* counts_;
    const Page* first_[PageAllocator::MAX_SEGMENTS] = {};
    size_t base_[PageAllocator::MAX_SEGMENTS] = {};
};

void check_charges(const VmCheckInput& in, InvariantReport& r)
{
    uint64_t sum = in.other_charges;
    for (size_t i = 0; i < in.nspaces; i++) {
        vmspace* vm = in.spaces[i];
        const uint64_t want = vm_map_charge(vm->vm_map, vm->vm_map.min(), vm->vm_map.max());
        if (vm->vm_charged != want)
            r.violation("commit", "vmspace %p charged %lu bytes, its private writable entries "
                        "are %lu", vm, vm->vm_charged, want);
        if (in.account && vm->vm_commit == in.account) sum += vm->vm_charged;
    }
    if (in.account && in.account->reserved() != sum)
        r.violation("commit", "%lu bytes reserved, the address spaces' and other holders' charges add up to %lu",
                    in.account->reserved(), sum);
}

void count_objects(const VmCheckInput& in, ObjTable& objs)
{
    for (size_t i = 0; i < in.nspaces; i++)
        for (vm_map_entry* e : in.spaces[i]->vm_map.entries())
            if (e->object) objs.at(e->object).count++;
    for (size_t i = 0; i < in.nheld; i++) objs.at(in.held[i]).count++;
}

// Each object once: its count against its holders.  Index nodes are
// shared copy-on-write between objects: each pointer to a node (an
// object's root, a slot of a parent node) counts one reference to the
// node page, and a node's slots count once however many objects share it,
// so the page pass finds a node's references equal to its parents and a
// page's equal to the leaves holding it.
void check_objects(PageAllocator& pages, ObjTable& objs, PageCounts& counts, InvariantReport& r,
                   VmCensus& census)
{
    objs.for_each([&](ObjCount& oc) {
        vm_object* obj = oc.obj;
        if (obj->ref_count != oc.count)
            r.violation("vm", "object %p has %u references, %lu map entries and holds name it",
                        obj, obj->ref_count, oc.count);
        const auto node_fn = [&](PhysAddr pa) {
            const Page* pg = pages.find_page(pa);
            if (!pg || pg->state != PageState::Allocated || pg->order != 0) {
                r.violation("vm", "object %p's page index points at %#lx, not an allocated page",
                            obj, pa.value());
                return false;
            }
            uint16_t* c = counts.of(pa);
            if (*c < UINT16_MAX) (*c)++;
            if (*c > 1) return false; // its slots are counted already
            census.index_nodes++;
            if (!obj->pages.groups_exact(pa))
                r.violation("vm", "object %p's page index node %#lx: its mask of occupied "
                            "groups does not match its slots", obj, pa.value());
            return true;
        };
        obj->pages.visit(node_fn, [&](uint64_t pindex, PhysAddr pa) {
            if (pindex >= obj->size)
                r.violation("vm", "object %p of %lu pages holds page %#lx at index %lu", obj,
                            obj->size, pa.value(), pindex);
            const Page* pg = pages.find_page(pa);
            if (!pg || pg->state != PageState::Allocated || pg->order != 0) {
                r.violation("vm", "object %p holds %#lx at index %lu, not an allocated page", obj,
                            pa.value(), pindex);
                return;
            }
            uint16_t* c = counts.of(pa);
            if (*c == 0) census.object_pages++;
            if (*c < UINT16_MAX) (*c)++;
        });
        size_t seen = 0;
        obj->pages.for_each(0, PageIndex::LIMIT, [&](uint64_t, PhysAddr) { seen++; });
        if (seen != obj->pages.count())
            r.violation("vm", "object %p counts %zu pages, its index holds %zu", obj,
                        obj->pages.count(), seen);
    });
}

void check_page_refs(PageAllocator& pages, PageCounts& counts, InvariantReport& r,
                     VmCensus& census)
{
    for (size_t i = 0; i < pages.segment_count(); i++) {
        const PhysRange seg = pages.segment(i);
        const Page* first = pages.page_of(seg.base);
        for (size_t k = 0; k < seg.size / PAGE_SIZE; k++) {
            const Page& pg = first[k];
            if (pg.state != PageState::Allocated) continue;
            if (pg.flags & page_flag::SLAB) census.slab_pages += uint64_t{1} << pg.order;
            if (pg.flags & page_flag::KMALLOC) census.kmalloc_pages += uint64_t{1} << pg.order;
            const uint32_t held = *counts.at(i, k);
            const uint32_t want = held ? held : 1;
            if (pg.ref_count != want && held < UINT16_MAX)
                r.violation("page", "page %#lx has %u references; %u %s", pages.phys_of(&pg).value(),
                            pg.ref_count, want, held ? "index slots point at it" : "expected (a kernel page)");
        }
    }
}

// One user leaf of vm's table against the map.
void check_leaf(vmspace* vm, uint64_t va, arch::Pte pte, PageCounts* counts, InvariantReport& r)
{
    const PhysAddr pa = pte.pa();
    const vm_map_entry* e = vm->vm_map.lookup(va);
    if (!e) {
        r.violation("pmap", "vmspace %p maps %#lx -> %#lx outside every entry", vm, va, pa.value());
        return;
    }
    PhysAddr want;
    bool path_shared = false;
    const uint64_t pindex = (va - e->start + e->offset) / PAGE_SIZE;
    if (!e->object || !vm_object_page_lookup(e->object, pindex, &want, &path_shared) ||
        want != pa) {
        r.violation("pmap", "vmspace %p maps %#lx -> %#lx, its object holds %#lx there", vm, va,
                    pa.value(), e->object && vm_object_page_lookup(e->object, pindex, &want)
                                    ? want.value() : 0ul);
        return;
    }
    if (!(pte.raw & arch::pte::U))
        r.violation("pmap", "vmspace %p maps %#lx without the user bit", vm, va);
    if (!(pte.raw & arch::pte::W)) return;
    if (!(e->protection & VM_PROT_WRITE))
        r.violation("pmap", "vmspace %p maps %#lx writable in a read-only entry", vm, va);
    if (path_shared)
        r.violation("pmap", "vmspace %p maps %#lx writable, but its object shares the page "
                    "index nodes above page %#lx copy-on-write", vm, va, pa.value());
    const uint16_t* c = counts ? counts->of(pa) : nullptr;
    if (c && *c > 1)
        r.violation("pmap", "vmspace %p maps %#lx writable, but its page %#lx is shared "
                    "copy-on-write by %u objects", vm, va, pa.value(), *c);
}

// A table page's count of valid entries (mm/pagetable.h) must equal its
// entries: emptiness is decided by the count, so a wrong one frees a table
// still in use or keeps an empty one.
void check_count(vmspace* vm, PhysAddr table, InvariantReport& r)
{
    PtPageSource* src = vm->vm_zone->pt_pages;
    if (!src) return;
    const auto* ptes = static_cast<const arch::Pte*>(arch::phys_to_virt(table));
    unsigned valid = 0; // a pending level-1 entry counts: it still points at its table
    for (unsigned i = 0; i < arch::PT_ENTRIES; i++)
        valid += ptes[i].valid() || PageTable::pending(ptes[i]);
    const unsigned counted = src->valid_count(table);
    if (counted != valid)
        r.violation("pmap", "vmspace %p: page table %#lx counts %u valid entries, holds %u", vm,
                    table.value(), counted, valid);
}

// hidden: the table is reached through a pending level-1 entry (its pass
// deferred, mm/pagetable.h): the MMU sees none of it, so its leaves may
// still grant W on pages shared copy-on-write; each must still be its
// object's page.
void walk_table(vmspace* vm, PhysAddr table, unsigned level, uint64_t base, unsigned first,
                unsigned last, PageCounts* counts, InvariantReport& r, bool hidden = false)
{
    check_count(vm, table, r);
    const auto* ptes = static_cast<const arch::Pte*>(arch::phys_to_virt(table));
    for (unsigned i = first; i < last; i++) {
        arch::Pte pte = ptes[i];
        const bool pending = level == 1 && PageTable::pending(pte);
        if (!pte.valid() && !pending) continue;
        if (hidden) pte.raw &= ~arch::pte::W;
        const uint64_t va = base + i * arch::level_size(level);
        if (pte.leaf()) {
            if (level != 0) {
                r.violation("pmap", "vmspace %p has a level-%u leaf at %#lx", vm, level, va);
                continue;
            }
            check_leaf(vm, va, pte, counts, r);
        } else if (level == 0) {
            r.violation("pmap", "vmspace %p: a table entry at level 0 for %#lx", vm, va);
        } else {
            // A leaf table's pointers, counted for check_shares (its page
            // is no object's, so its count starts at 0).
            if (level == 1 && counts)
                if (uint16_t* c = counts->of(pte.pa()); c && *c < UINT16_MAX) (*c)++;
            walk_table(vm, pte.pa(), level - 1, va, 0, arch::PT_ENTRIES, counts, r, pending);
        }
    }
}

unsigned user_roots()
{
    return static_cast<unsigned>(VM_MAX_USER_ADDRESS / arch::level_size(arch::PT_LEVELS - 1));
}

// Calls f(level-1 entry, its va) for each of vm's level-1 entries that
// points at a leaf table.
template <typename F>
void for_each_leaf_table(vmspace* vm, F f)
{
    const auto* root = static_cast<const arch::Pte*>(arch::phys_to_virt(vm->vm_pmap.table().root()));
    for (unsigned i = 0; i < user_roots(); i++) {
        if (!root[i].valid() || root[i].leaf()) continue;
        const auto* l1 = static_cast<const arch::Pte*>(arch::phys_to_virt(root[i].pa()));
        for (unsigned j = 0; j < arch::PT_ENTRIES; j++)
            if ((l1[j].valid() && !l1[j].leaf()) || PageTable::pending(l1[j]))
                f(l1[j], i * arch::level_size(2) + j * arch::level_size(1));
    }
}

// On-demand fork (mm/pagetable.h): a leaf table's share count is the
// level-1 entries pointing at it less one, each of them carries the hint
// while it is shared, and a shared table grants no W (each sharer's
// objects hold its pages copy-on-write).  The walk counted the pointers
// into `counts`; each table is reported once (its count then marked).
void check_shares(const VmCheckInput& in, PageCounts& counts, InvariantReport& r)
{
    for (size_t i = 0; i < in.nspaces; i++) {
        vmspace* vm = in.spaces[i];
        PtPageSource* src = vm->vm_zone->pt_pages;
        if (!src || !vm->vm_pmap.table().live()) continue;
        for_each_leaf_table(vm, [&](arch::Pte e, uint64_t va) {
            const PhysAddr table = e.pa();
            const unsigned shares = src->share_count(table);
            if (shares > 0 && !(e.raw & PageTable::SHARED_HINT))
                r.violation("pmap", "vmspace %p: leaf table %#lx at %#lx is shared by %u more "
                            "spaces, its entry lacks the hint", vm, table.value(), va, shares);
            // The quick fault path relies on this to leave the mark alone
            // (a pending entry gets the hint when it is made valid again).
            const bool pending = PageTable::pending(e);
            if (src->write_protected(table) && !(e.raw & PageTable::WP_HINT) && !pending)
                r.violation("pmap", "vmspace %p: leaf table %#lx at %#lx is marked "
                            "write-protected, its entry lacks the hint", vm, table.value(), va);
            // Its pass deferred, a shared table may still grant W, but
            // then no MMU may reach it: every entry at it is pending.
            if (shares > 0 && !src->write_protected(table) && !pending)
                r.violation("pmap", "vmspace %p: leaf table %#lx at %#lx is shared and not "
                            "marked write-protected, but its entry is valid", vm, table.value(),
                            va);
            uint16_t* c = counts.of(table);
            if (!c || *c == UINT16_MAX) return;
            if (*c != shares + 1)
                r.violation("pmap", "leaf table %#lx counts %u sharers, %u level-1 entries "
                            "point at it", table.value(), shares + 1, unsigned(*c));
            *c = UINT16_MAX;
            if (!src->write_protected(table)) return;
            const auto* ptes = static_cast<const arch::Pte*>(arch::phys_to_virt(table));
            for (unsigned k = 0; k < arch::PT_ENTRIES; k++)
                if (ptes[k].leaf() && (ptes[k].raw & arch::pte::W))
                    r.violation("pmap", "leaf table %#lx (%s) maps %#lx writable",
                                table.value(), shares ? "shared" : "marked write-protected",
                                va + k * PAGE_SIZE);
        });
    }
}

void check_translations(const VmCheckInput& in, PageCounts* counts, InvariantReport& r)
{
    for (size_t i = 0; i < in.nspaces; i++) {
        vmspace* vm = in.spaces[i];
        PageTable& pt = vm->vm_pmap.table();
        if (!pt.live()) continue;
        walk_table(vm, pt.root(), arch::PT_LEVELS - 1, 0, 0, user_roots(), counts, r);
    }
    if (counts) check_shares(in, *counts, r);
}

} // namespace

void vm_check(PageAllocator& pages, const VmCheckInput& in, InvariantReport& r, VmCensus* census)
{
    VmCensus local;
    VmCensus& c = census ? *census : local;
    IntrOff off;
    check_charges(in, r);
    size_t entries = in.nheld;
    for (size_t i = 0; i < in.nspaces; i++) entries += in.spaces[i]->vm_map.entry_count();
    size_t cap = 16;
    while (cap < 2 * entries) cap *= 2;
    // Two blocks: 8 GiB of RAM needs 4 MiB of counts, the largest block.
    const size_t npages = PageCounts::total(pages);
    Scratch count_mem(pages, npages * sizeof(uint16_t));
    Scratch obj_mem(pages, cap * sizeof(ObjCount));
    if (!count_mem.mem() || !obj_mem.mem()) {
        r.skipped("page references", "no memory for the scratch counts");
        check_translations(in, nullptr, r);
        return;
    }
    PageCounts counts(pages, static_cast<uint16_t*>(count_mem.mem()));
    ObjTable objs(static_cast<ObjCount*>(obj_mem.mem()), cap);
    count_objects(in, objs);
    check_objects(pages, objs, counts, r, c);
    // The scratch blocks are the checker's own: one reference, like any
    // kernel page, so the page pass needs no exception for it.
    check_page_refs(pages, counts, r, c);
    c.counted = true;
    check_translations(in, &counts, r);
}
