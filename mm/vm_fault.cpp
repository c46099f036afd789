#include <mm/vm_fault.h>

#include <kernel/machdep.h>
#include <arch/pte.h>
#include <lib/kassert.h>
#include <mm/page_alloc.h>
#include <mm/kmem.h>
#include <mm/page_copy.h>
#include <mm/pmap.h>
#include <mm/zero_pool.h>

VmFaultStats g_vm_fault_stats;

namespace {

// The entry's object, made on the first touch of private memory.
Result<vm_object*> entry_object(vm_map_entry* e, VmObjectZone& objects)
{
    if (!e->object) {
        e->object = TRY(vm_object_allocate(objects, e->size() / arch::PAGE_SIZE));
        e->offset = 0;
    }
    return e->object;
}

// A zeroed page for a first touch: the pre-zeroed pool's when it has one
// (pagezero fills it while the system idles), else one cleared now.
// Inlined into the quick path, whose zero fill is little else; so
// interrupts off, as there.
[[gnu::always_inline]] inline Result<PhysAddr> zeroed_page(PageAllocator& pages)
{
    if (ZeroPool* pool = kmem_zero_pool(); pool && pool->serves(pages)) return pool->take_locked();
    const PhysAddr pa = TRY(pages.alloc_page_locked());
    pmap_zero_page(pa);
    return pa;
}

// The page at pindex, zero-filled and made resident when it is not yet.
// *fresh: it was just made (then no one else can see it); *shared:
// whether another object may see it through the index path.
Result<PhysAddr> resident_page(vm_object* obj, uint64_t pindex, bool* fresh, bool* shared)
{
    PhysAddr page;
    if (vm_object_page_lookup(obj, pindex, &page, shared)) return page;
    {
        IntrOff off; // zeroed_page is the quick path's
        page = TRY(zeroed_page(*obj->allocator));
    }
    if (auto r = vm_object_page_insert(obj, pindex, page); !r.ok()) {
        obj->allocator->unref(page);
        return r.error();
    }
    *fresh = true;
    *shared = false;
    g_vm_fault_stats.v_zfod++;
    return page;
}

// A write to a page another object may see.  The index path is made this
// object's own first; then the page's count is exact: above one, this
// object gets a copy; one, the other side has let go and it is taken back.
Result<PhysAddr> break_cow(vm_object* obj, uint64_t pindex, PhysAddr shared, bool path_shared)
{
    if (path_shared) TRY(vm_object_page_unshare(obj, pindex));
    if (obj->allocator->ref_count(shared) == 1) {
        g_vm_fault_stats.v_cow_optim++;
        return shared;
    }
    const PhysAddr copy = TRY(obj->allocator->alloc(0));
    pmap_copy_page(shared, copy);
    const PhysAddr old = vm_object_page_replace(obj, pindex, copy);
    KASSERT(old == shared, "COW break replaced %#lx, expected %#lx", old.value(), shared.value());
    obj->allocator->unref(old);
    g_vm_fault_stats.v_cow_faults++;
    return copy;
}

// PageAllocator::ref_count inline (a fault's one count of a page), its
// checks kept in the debug build.
uint32_t page_refs(PageAllocator& pages, PhysAddr page)
{
    const uint32_t n = pages.find_page(page)->ref_count;
    KASSERT(n == pages.ref_count(page), "page %#lx: %u references, allocator says %u",
            page.value(), n, pages.ref_count(page));
    return n;
}

// RISC-V (Zifencei): instruction fetch is not coherent with stores, so a
// hart must run fence.i between writing instructions and running them.
// A page a fault maps executable may have just been written: copied or
// zero-filled here, or filled from the image at exec.  Only executable
// mappings pay; for any other, fetch never reads the page.  (User code
// that writes instructions into a page already mapped fences itself.)
inline void sync_icache_for(vm_prot_t prot)
{
    if (prot & VM_PROT_EXECUTE) arch::sync_icache();
}

// The fault once page_va's leaf table is this space's own: e maps
// page_va and allows access.
Result<TlbFlush> fault_owned(vm_map_entry* e, Pmap& pmap, VmObjectZone& objects,
                             VirtAddr page_va, vm_prot_t access)
{
    vm_object* obj = TRY(entry_object(e, objects));
    const uint64_t pindex = (e->offset + (page_va.value() - e->start)) / arch::PAGE_SIZE;
    bool fresh = false, path_shared = false;
    PhysAddr page = TRY(resident_page(obj, pindex, &fresh, &path_shared));

    // Whatever va maps now (nothing on a first touch or in a new child, or
    // a read-only page) is replaced in place by pmap_enter.
    vm_prot_t prot = e->protection;
    bool own_write = false; // a write to a page this object holds alone
    if (fresh) {
        // A page just made has one reference, this object's: nothing to check.
    } else if (path_shared || obj->allocator->ref_count(page) > 1) {
        if (access == VM_PROT_WRITE)
            page = TRY(break_cow(obj, pindex, page, path_shared));
        else
            prot &= ~VM_PROT_WRITE; // read-only until a write breaks the sharing
    } else {
        own_write = access == VM_PROT_WRITE;
    }
    uint64_t old = 0;
    TlbFlush fl = TRY(pmap.enter(page_va, page, prot, &old));
    // A write to a page this object holds alone found it mapped read-only
    // (fork left it so and the other side has gone), or not mapped at all:
    // only the first is copy-on-write's saving.
    if (own_write && (old & arch::pte::V) && !(old & arch::pte::W)) g_vm_fault_stats.v_cow_optim++;
    g_vm_fault_stats.v_vm_faults++;
    sync_icache_for(prot);
    return fl;
}

} // namespace

Result<TlbFlush> vm_fault(VmMap& map, Pmap& pmap, VmObjectZone& objects, VirtAddr va,
                          vm_prot_t access)
{
    KASSERT(access == VM_PROT_READ || access == VM_PROT_WRITE || access == VM_PROT_EXECUTE,
            "fault access %#x", access);
    const VirtAddr page_va(va.value() & ~(arch::PAGE_SIZE - 1));
    vm_map_entry* e = map.lookup(page_va.value());
    if (!e) return Errno::Fault;
    if ((e->protection & access) != access) return Errno::Acces;
    // On-demand fork: the first access in a 2 MiB slot whose pass the
    // fork deferred makes its entry valid; when the page is mapped as the
    // access needs (a read, or a write the other side's exit left
    // writable), that is the whole fault, and the table stays shared.
    TlbFlush settled;
    if (pmap.settle_pending(page_va, access, settled)) return settled;
    // A leaf table shared with another space becomes this one's before
    // the object's page changes (a COW break), so the other space's
    // translations never name a page its object no longer holds.
    Result<TlbFlush> own = pmap.unshare(page_va);
    if (!own.ok()) {
        settled.execute();
        return own.error();
    }
    own.value().merge(static_cast<TlbFlush&&>(settled));
    Result<TlbFlush> r = fault_owned(e, pmap, objects, page_va, access);
    if (!r.ok()) {
        own.value().execute();
        return r.error();
    }
    r.value().merge(static_cast<TlbFlush&&>(own.value()));
    return r;
}

bool vm_fault_quick(VmMap& map, Pmap& pmap, VirtAddr va, vm_prot_t access)
{
    KASSERT(access == VM_PROT_READ || access == VM_PROT_WRITE || access == VM_PROT_EXECUTE,
            "fault access %#x", access);
    assert_intr_off("vm_fault_quick");
    const VirtAddr page_va(va.value() & ~(arch::PAGE_SIZE - 1));
    const vm_map_entry* e = map.lookup(page_va.value());
    if (!e || !e->object || (e->protection & access) != access) return false;
    // The index first: a path still shared after a fork (the first write
    // to each object there) is the decline to make cheap, and it is
    // found at the root.
    vm_object* obj = e->object;
    const uint64_t pindex = (e->offset + (page_va.value() - e->start)) / arch::PAGE_SIZE;
    const PageIndex::OwnSlot slot = obj->pages.own_slot(pindex);
    if (!slot) return false;
    const PageTable::Leaf pte = pmap.leaf(page_va);
    if (!pte) return false;
    // From here the cases are vm_fault's, minus the shared path.
    PageAllocator& pages = *obj->allocator;
    vm_prot_t prot = e->protection;
    PhysAddr page;
    bool own_write = false;
    if (slot.empty()) {
        Result<PhysAddr> z = zeroed_page(pages);
        if (!z.ok()) return false;
        page = z.value();
        obj->pages.fill(slot, page);
        g_vm_fault_stats.v_zfod++;
    } else if (page = slot.page(); page_refs(pages, page) == 1) {
        own_write = access == VM_PROT_WRITE;
    } else if (access != VM_PROT_WRITE) {
        prot &= ~VM_PROT_WRITE; // read-only until a write breaks the sharing
    } else {
        Result<PhysAddr> copy = pages.alloc_page_locked();
        if (!copy.ok()) return false;
        pmap_copy_page(page, copy.value());
        const PhysAddr old = obj->pages.swap(slot, copy.value());
        KASSERT(old == page, "COW break swapped out %#lx, expected %#lx", old.value(), page.value());
        pages.unref(old);
        page = copy.value();
        g_vm_fault_stats.v_cow_faults++;
    }
    const uint64_t old = pmap.enter_at(pte, page_va, page, prot);
    if (own_write && (old & arch::pte::V) && !(old & arch::pte::W)) g_vm_fault_stats.v_cow_optim++;
    g_vm_fault_stats.v_vm_faults++;
    sync_icache_for(prot);
    return true;
}
