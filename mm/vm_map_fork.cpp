#include <mm/vm_map_fork.h>

#include <arch/pte.h>
#include <lib/kassert.h>
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

Result<void> fork_copied(vm_map_entry* e, Pmap* parent_pmap, VmMap& child, TlbFlush& fl)
{
    vm_object* copy = nullptr;
    if (e->object) {
        copy = TRY(vm_object_copy(e->object, pages_of(e->offset), pages_of(e->size())));
        if (parent_pmap && (e->protection & VM_PROT_WRITE))
            fl.merge(parent_pmap->protect(VirtAddr(e->start), e->size(),
                                         e->protection & ~VM_PROT_WRITE));
    }
    Result<void> r = child.insert(e->start, e->end, copy, 0, e->protection, e->max_protection,
                                  VmInherit::Copy);
    if (!r.ok() && copy) vm_object_deallocate(copy);
    return r;
}

} // namespace

Result<TlbFlush> vm_map_fork(VmMap& parent, Pmap* parent_pmap, VmMap& child,
                             VmObjectZone& objects)
{
    KASSERT(child.entry_count() == 0, "forking into a map with %zu entries",
            child.entry_count());
    TlbFlush fl;
    for (vm_map_entry* e : parent.entries()) {
        Result<void> r;
        switch (e->inheritance) {
        case VmInherit::None: continue;
        case VmInherit::Share: r = fork_shared(e, child, objects); break;
        case VmInherit::Copy: r = fork_copied(e, parent_pmap, child, fl); break;
        }
        if (!r.ok()) {
            fl.execute();
            return r.error();
        }
    }
    return fl;
}
