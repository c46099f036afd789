#include <mm/vm_map_fork.h>

#include <arch/pte.h>
#include <lib/kassert.h>
#include <lib/utility.h>
#include <mm/pmap.h>

namespace {

constexpr uint64_t pages_of(uint64_t bytes) { return bytes / arch::PAGE_SIZE; }

Result<void> fork_shared(vm_map_entry* e, VmMap& child, VmObjectZone& objects)
{
    if (!e->object) {
        e->object = TRY(vm_object_allocate(objects, pages_of(e->size())));
        e->offset = 0;
    }
    vm_object_reference(e->object);
    Result<void> r = child.insert(e->start, e->end, e->object, e->offset, e->protection,
                                  e->max_protection, VmInherit::Share);
    if (!r.ok()) vm_object_deallocate(e->object);
    return r;
}

Result<void> fork_copied(vm_map_entry* e, VmMap& child)
{
    vm_object* copy = nullptr;
    if (e->object) copy = TRY(vm_object_copy(e->object, pages_of(e->offset), pages_of(e->size())));
    Result<void> r = child.insert(e->start, e->end, copy, 0, e->protection, e->max_protection,
                                  VmInherit::Copy);
    if (!r.ok() && copy) vm_object_deallocate(copy);
    return r;
}

constexpr uint64_t SLOT = PageTable::LEAF_TABLE_SPAN;

// Whether every entry that overlaps the slot [lo, hi) around e is copied:
// only then may the child see the parent's leaf table there (a shared or
// uninherited entry's pages must not reach it through the table).
bool slot_all_copied(VmMap::EntryList& entries, vm_map_entry* e, uint64_t lo, uint64_t hi)
{
    for (vm_map_entry* p = entries.prev(e); p && p->end > lo; p = entries.prev(p))
        if (p->inheritance != VmInherit::Copy) return false;
    for (vm_map_entry* n = entries.next(e); n && n->start < hi; n = entries.next(n))
        if (n->inheritance != VmInherit::Copy) return false;
    return true;
}

// The translations of the copied entries, by 2 MiB slot: each run of
// slots that only copied entries overlap is shared with the child (leaf
// tables write-protected once, no per-page work when they are already);
// any other slot's copied pages lose write permission page by page, and
// the child faults them in, as before on-demand fork.
Result<void> fork_translations(VmMap& parent, Pmap& parent_pmap, Pmap* child_pmap, TlbFlush& fl)
{
    uint64_t shared_to = 0; // the slots below are shared already
    for (vm_map_entry* e : parent.entries()) {
        if (e->inheritance != VmInherit::Copy || !e->object) continue;
        const uint64_t first = sprig::max(sprig::align_down(e->start, SLOT), shared_to);
        uint64_t run = first; // the start of the run of shareable slots so far
        for (uint64_t lo = first; lo < e->end; lo += SLOT) {
            // A slot inside e overlaps no other entry.
            const bool inside = lo >= e->start && lo + SLOT <= e->end;
            if (child_pmap && (inside || slot_all_copied(parent.entries(), e, lo, lo + SLOT)))
                continue;
            if (run < lo) TRY(parent_pmap.share_leaves(*child_pmap, VirtAddr(run), lo - run, fl));
            run = lo + SLOT;
            if (e->protection & VM_PROT_WRITE) {
                const uint64_t from = sprig::max(lo, e->start);
                const uint64_t to = sprig::min(lo + SLOT, e->end);
                fl.merge(parent_pmap.protect(VirtAddr(from), to - from,
                                             e->protection & ~VM_PROT_WRITE));
            }
        }
        const uint64_t end = sprig::align_down(e->end + SLOT - 1, SLOT);
        if (run < end) {
            TRY(parent_pmap.share_leaves(*child_pmap, VirtAddr(run), end - run, fl));
            shared_to = end;
        }
    }
    return {};
}

} // namespace

Result<TlbFlush> vm_map_fork(VmMap& parent, Pmap* parent_pmap, VmMap& child,
                             VmObjectZone& objects, Pmap* child_pmap)
{
    KASSERT(child.entry_count() == 0, "forking into a map with %zu entries",
            child.entry_count());
    TlbFlush fl;
    for (vm_map_entry* e : parent.entries()) {
        Result<void> r;
        switch (e->inheritance) {
        case VmInherit::None: continue;
        case VmInherit::Share: r = fork_shared(e, child, objects); break;
        case VmInherit::Copy: r = fork_copied(e, child); break;
        }
        if (!r.ok()) return r.error();
    }
    if (parent_pmap) {
        if (Result<void> r = fork_translations(parent, *parent_pmap, child_pmap, fl); !r.ok()) {
            fl.execute();
            return r.error();
        }
    }
    return fl;
}
