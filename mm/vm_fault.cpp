#include <mm/vm_fault.h>

#include <arch/machdep.h>
#include <arch/pte.h>
#include <lib/kassert.h>
#include <mm/page_alloc.h>
#include <mm/pmap.h>

#include <string.h>

namespace {

VmFaultStats g_stats;

// The entry's object, made on the first touch of private memory.
Result<vm_object*> entry_object(vm_map_entry* e, VmObjectZone& objects)
{
    if (!e->object) {
        e->object = TRY(vm_object_allocate(objects, e->size() / arch::PAGE_SIZE));
        e->offset = 0;
    }
    return e->object;
}

// The page at pindex, zero-filled and made resident when it is not yet.
Result<PhysAddr> resident_page(vm_object* obj, uint64_t pindex)
{
    PhysAddr page;
    if (vm_object_page_lookup(obj, pindex, &page)) return page;
    page = TRY(obj->allocator->alloc(0, AllocFlags::Zero));
    if (auto r = vm_object_page_insert(obj, pindex, page); !r.ok()) {
        obj->allocator->unref(page);
        return r.error();
    }
    g_stats.v_zfod++;
    return page;
}

// A write to a page another object shares: this object gets a copy.
Result<PhysAddr> break_cow(vm_object* obj, uint64_t pindex, PhysAddr shared)
{
    const PhysAddr copy = TRY(obj->allocator->alloc(0));
    memcpy(arch::phys_to_virt(copy), arch::phys_to_virt(shared), arch::PAGE_SIZE);
    const PhysAddr old = vm_object_page_replace(obj, pindex, copy);
    KASSERT(old == shared, "COW break replaced %#lx, expected %#lx", old.value(), shared.value());
    obj->allocator->unref(old);
    g_stats.v_cow_faults++;
    return copy;
}

} // namespace

VmFaultStats& vm_fault_stats() { return g_stats; }

Result<TlbFlush> vm_fault(VmMap& map, Pmap& pmap, VmObjectZone& objects, VirtAddr va,
                          vm_prot_t access)
{
    KASSERT(access == VM_PROT_READ || access == VM_PROT_WRITE || access == VM_PROT_EXECUTE,
            "fault access %#x", access);
    const VirtAddr page_va(va.value() & ~(arch::PAGE_SIZE - 1));
    vm_map_entry* e = map.lookup(page_va.value());
    if (!e) return Errno::Fault;
    if ((e->protection & access) != access) return Errno::Acces;
    vm_object* obj = TRY(entry_object(e, objects));
    const uint64_t pindex = (e->offset + (page_va.value() - e->start)) / arch::PAGE_SIZE;
    PhysAddr page = TRY(resident_page(obj, pindex));

    vm_prot_t prot = e->protection;
    if (obj->allocator->ref_count(page) > 1) {
        if (access == VM_PROT_WRITE)
            page = TRY(break_cow(obj, pindex, page));
        else
            prot &= ~VM_PROT_WRITE; // read-only until a write breaks the sharing
    } else if (access == VM_PROT_WRITE) {
        const Translation t = pmap.extract(page_va);
        if (t && !(t.flags & arch::pte::W)) g_stats.v_cow_optim++;
    }
    TlbFlush fl = TRY(pmap.enter(page_va, page, prot));
    g_stats.v_vm_faults++;
    return fl;
}
