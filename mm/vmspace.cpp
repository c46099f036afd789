#include <mm/vmspace.h>

#include <arch/pte.h>
#include <lib/kassert.h>

namespace {

// What a space of these sizes is charged: its private writable pages.
uint64_t private_bytes(uint64_t dsize, uint64_t ssize)
{
    KASSERT(dsize <= UINT64_MAX / arch::PAGE_SIZE - ssize, "vmspace of %lu + %lu pages",
            static_cast<unsigned long>(dsize), static_cast<unsigned long>(ssize));
    return (dsize + ssize) * arch::PAGE_SIZE;
}

void check_live(const vmspace* vm, const char* what)
{
    KASSERT(vm && vm->vm_refcnt > 0, "%s of a freed vmspace", what);
    KASSERT(vm->vm_charged == private_bytes(vm->vm_dsize, vm->vm_ssize),
            "%s: vmspace charged %lu bytes for %lu + %lu pages", what,
            static_cast<unsigned long>(vm->vm_charged), static_cast<unsigned long>(vm->vm_dsize),
            static_cast<unsigned long>(vm->vm_ssize));
}

} // namespace

Result<vmspace*> vmspace_alloc(VmspaceZone& zone, CommitAccount& commit)
{
    vmspace* vm = TRY(zone.create());
    vm->vm_zone = &zone;
    vm->vm_commit = &commit;
    return vm;
}

void vmspace_set_sizes(vmspace* vm, uint64_t tsize, uint64_t dsize, uint64_t ssize)
{
    check_live(vm, "vmspace_set_sizes");
    const uint64_t charge = private_bytes(dsize, ssize);
    if (charge > vm->vm_charged)
        vm->vm_commit->reserve_force(charge - vm->vm_charged);
    else
        vm->vm_commit->release(vm->vm_charged - charge);
    vm->vm_tsize = tsize;
    vm->vm_dsize = dsize;
    vm->vm_ssize = ssize;
    vm->vm_charged = charge;
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
    // Owed, not yet reserved: the caller reserves (or forces) it.
    vm2->vm_charged = vm1->vm_charged;
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
    vm->vm_commit->release(vm->vm_charged);
    vm->vm_zone->destroy(vm);
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
