#include <mm/vmspace.h>

#include <kernel/machdep.h>
#include <arch/pte.h>
#include <lib/kassert.h>
#include <mm/vm_fault.h>
#include <mm/vm_map_fork.h>

namespace {

vmspace* g_active = nullptr;

void check_live(vmspace* vm, const char* what)
{
    KASSERT(vm && vm->vm_refcnt > 0, "%s of a freed vmspace", what);
    KASSERT(vm->vm_charged == vm_map_charge(vm->vm_map, vm->vm_map.min(), vm->vm_map.max()),
            "%s: vmspace charged %#lx bytes, its private writable entries hold %#lx", what,
            vm->vm_charged, vm_map_charge(vm->vm_map, vm->vm_map.min(), vm->vm_map.max()));
}

bool charged_entry(const vm_map_entry* e)
{
    return e->inheritance != VmInherit::Share && (e->protection & VM_PROT_WRITE);
}

// Drops the translations of [start, end), if the space has any.
void unmap_translations(vmspace* vm, uint64_t start, uint64_t end)
{
    if (vm->vm_pmap.table().live()) vm->vm_pmap.remove(VirtAddr(start), end - start).execute();
}

} // namespace

VmspaceZone::VmspaceZone(const char* name, PageAllocator& pages)
    : spaces(name, pages), entries("vm_map_entry", pages), objects("vm_object", pages)
{
}

size_t VmspaceZone::all_in_use() const
{
    return spaces.objects_in_use() + entries.objects_in_use() + objects.objects_in_use();
}

void VmspaceZone::drain()
{
    spaces.zone().drain();
    entries.zone().drain();
    objects.zone().drain();
}

namespace {

bool private_entry(const vm_map_entry* e) { return e->inheritance != VmInherit::Share; }

// The bytes of [start, end) held by entries that satisfy pred.
template <typename Pred>
uint64_t bytes_where(VmMap& map, uint64_t start, uint64_t end, Pred pred)
{
    uint64_t bytes = 0;
    for (const vm_map_entry* e : map.entries()) {
        if (e->end <= start || e->start >= end || !pred(e)) continue;
        const uint64_t lo = e->start > start ? e->start : start;
        const uint64_t hi = e->end < end ? e->end : end;
        bytes += hi - lo;
    }
    return bytes;
}

} // namespace

uint64_t vm_map_charge(VmMap& map, uint64_t start, uint64_t end)
{
    return bytes_where(map, start, end, charged_entry);
}

uint64_t vm_map_private(VmMap& map, uint64_t start, uint64_t end)
{
    return bytes_where(map, start, end, private_entry);
}

Result<vmspace*> vmspace_alloc(VmspaceZone& zone, CommitAccount& commit)
{
    vmspace* vm = TRY(zone.spaces.create(zone));
    vm->vm_commit = &commit;
    if (zone.pt_pages) {
        Result<Pmap> pm = Pmap::create(*zone.pt_pages, *zone.kernel_pt, 0);
        if (!pm.ok()) {
            zone.spaces.destroy(vm);
            return pm.error();
        }
        vm->vm_pmap = pm.release_value();
    }
    return vm;
}

void vmspace_set_sizes(vmspace* vm, uint64_t tsize, uint64_t dsize, uint64_t ssize)
{
    check_live(vm, "vmspace_set_sizes");
    vm->vm_tsize = tsize;
    vm->vm_dsize = dsize;
    vm->vm_ssize = ssize;
}

Result<void> vmspace_map_anon(vmspace* vm, uint64_t start, uint64_t len, vm_prot_t prot,
                              VmInherit inherit)
{
    check_live(vm, "vmspace_map_anon");
    if (len == 0 || start > UINT64_MAX - len) return Errno::Inval;
    const bool charged = inherit != VmInherit::Share && (prot & VM_PROT_WRITE);
    const uint64_t charge = charged ? len : 0;
    if (!vm->vm_commit->reserve(charge)) return Errno::NoMem;
    Result<void> r = vm->vm_map.insert(start, start + len, nullptr, 0, prot, VM_PROT_ALL, inherit);
    if (!r.ok()) {
        vm->vm_commit->release(charge);
        return r.error();
    }
    vm->vm_charged += charge;
    return {};
}

Result<void> vmspace_unmap(vmspace* vm, uint64_t start, uint64_t len)
{
    check_live(vm, "vmspace_unmap");
    if (len == 0 || start > UINT64_MAX - len) return Errno::Inval;
    const uint64_t end = start + len;
    const uint64_t charge = vm_map_charge(vm->vm_map, start, end);
    // Translations first: the pages may go with the entries.  Dropping
    // them is harmless if the map then refuses (faults bring them back).
    unmap_translations(vm, start, end);
    TRY(vm->vm_map.remove(start, end));
    vm->vm_commit->release(charge);
    vm->vm_charged -= charge;
    return {};
}

Result<void> vmspace_protect(vmspace* vm, uint64_t start, uint64_t len, vm_prot_t prot)
{
    check_live(vm, "vmspace_protect");
    if (len == 0 || start > UINT64_MAX - len || (prot & ~VM_PROT_ALL)) return Errno::Inval;
    const uint64_t end = start + len;
    const uint64_t before = vm_map_charge(vm->vm_map, start, end);
    const uint64_t after = (prot & VM_PROT_WRITE) ? vm_map_private(vm->vm_map, start, end) : 0;
    if (after > before && !vm->vm_commit->reserve(after - before)) return Errno::NoMem;
    if (auto r = vm->vm_map.protect(start, end, prot); !r.ok()) {
        if (after > before) vm->vm_commit->release(after - before);
        return r.error();
    }
    if (before > after) vm->vm_commit->release(before - after);
    vm->vm_charged = vm->vm_charged + after - before;
    if (vm->vm_pmap.table().live()) vm->vm_pmap.protect(VirtAddr(start), len, prot).execute();
    return {};
}

Result<void> vmspace_break(vmspace* vm, uint64_t new_end, uint64_t data_limit)
{
    check_live(vm, "vmspace_break");
    const uint64_t base = vm->vm_daddr;
    if (!base || new_end < base || new_end > UINT64_MAX - arch::PAGE_SIZE) return Errno::Inval;
    const uint64_t want = (new_end + arch::PAGE_SIZE - 1) & ~(arch::PAGE_SIZE - 1);
    const uint64_t old = base + vm->vm_dsize * arch::PAGE_SIZE;
    if (want > old && want - base > data_limit) return Errno::NoMem;
    if (want > old)
        TRY(vmspace_map_anon(vm, old, want - old, VM_PROT_READ | VM_PROT_WRITE));
    else if (want < old)
        TRY(vmspace_unmap(vm, want, old - want));
    vm->vm_dsize = (want - base) / arch::PAGE_SIZE;
    return {};
}

Result<vmspace*> vmspace_fork(vmspace* vm1, uint64_t* mem_charged)
{
    check_live(vm1, "vmspace_fork");
    KASSERT(mem_charged, "vmspace_fork without a place for the charge");
    *mem_charged = 0;
    vmspace* vm2 = TRY(vmspace_alloc(*vm1->vm_zone, *vm1->vm_commit));
    vm2->vm_tsize = vm1->vm_tsize;
    vm2->vm_dsize = vm1->vm_dsize;
    vm2->vm_ssize = vm1->vm_ssize;
    vm2->vm_daddr = vm1->vm_daddr;
    Pmap* pmap1 = vm1->vm_pmap.table().live() ? &vm1->vm_pmap : nullptr;
    Pmap* pmap2 = vm2->vm_pmap.table().live() ? &vm2->vm_pmap : nullptr;
    Result<TlbFlush> r =
        vm_map_fork(vm1->vm_map, pmap1, vm2->vm_map, vm1->vm_zone->objects, pmap2);
    if (!r.ok()) {
        // Neither charged nor ever run: its entries and its empty
        // table go with it.
        if (vm2->vm_pmap.table().live()) vm2->vm_pmap.destroy().dismiss();
        vm1->vm_zone->spaces.destroy(vm2);
        return r.error();
    }
    r.value().execute();
    // Owed, not yet reserved: the caller reserves (or forces) it.
    vm2->vm_charged = vm_map_charge(vm2->vm_map, vm2->vm_map.min(), vm2->vm_map.max());
    *mem_charged = vm2->vm_charged;
    return vm2;
}

vmspace* vmspace_hold(vmspace* vm)
{
    check_live(vm, "vmspace_hold");
    vm->vm_refcnt++;
    return vm;
}

void vmspace_free(vmspace* vm)
{
    check_live(vm, "vmspace_free");
    if (--vm->vm_refcnt > 0) return;
    VmspaceZone& zone = *vm->vm_zone;
    if (g_active == vm) vmspace_activate(nullptr);
    // Translations before pages: the map's objects free the pages as the
    // space is destroyed.
    if (vm->vm_pmap.table().live()) {
        vm->vm_pmap.destroy().execute();
        if (zone.asids) vm->vm_pmap.release_asid(*zone.asids);
    }
    vm->vm_commit->release(vm->vm_charged);
    zone.spaces.destroy(vm);
}

Result<void> vmspace_unshare(vmspace** vmp)
{
    KASSERT(vmp, "vmspace_unshare without a space");
    vmspace* old = *vmp;
    check_live(old, "vmspace_unshare");
    if (!vmspace_shared(old)) return {};

    uint64_t charge = 0;
    vmspace* copy = TRY(vmspace_fork(old, &charge));
    CommitAccount& commit = *copy->vm_commit;
    if (!commit.reserve(charge)) {
        // Same as fork1: force what vmspace_free is about to release, so
        // the account ends where it began (FreeBSD 8 frees without forcing
        // and under-counts).
        commit.reserve_force(charge);
        vmspace_free(copy);
        return Errno::NoMem;
    }
    *vmp = copy;
    vmspace_free(old); // the shared one keeps its other holders
    return {};
}

Result<TlbFlush> vmspace_fault(vmspace* vm, VirtAddr va, vm_prot_t access)
{
    check_live(vm, "vmspace_fault");
    KASSERT(vm->vm_pmap.table().live(), "vmspace_fault in a space without a page table");
    return vm_fault(vm->vm_map, vm->vm_pmap, vm->vm_zone->objects, va, access);
}

void vmspace_activate(vmspace* vm)
{
    if (vm == g_active) return;
    if (!vm || !vm->vm_pmap.table().live()) {
        arch::set_page_table(PhysAddr(), 0, false);
        g_active = nullptr;
        return;
    }
    AsidAllocator* asids = vm->vm_zone->asids;
    const bool flush_all = asids ? vm->vm_pmap.activate(*asids) : true;
    arch::set_page_table(vm->vm_pmap.table().root(), vm->vm_pmap.asid(), flush_all);
    g_active = vm;
}

vmspace* vmspace_active() { return g_active; }
