#include <mm/vm_object.h>

#include <lib/kassert.h>

Result<vm_object*> vm_object_allocate(VmObjectZone& zone, uint64_t pages)
{
    vm_object* obj = TRY(zone.create());
    obj->size = pages;
    obj->zone = &zone;
    return obj;
}

void vm_object_reference(vm_object* obj)
{
    KASSERT(obj && obj->ref_count > 0, "vm_object_reference of a freed object");
    obj->ref_count++;
}

void vm_object_deallocate(vm_object* obj)
{
    KASSERT(obj && obj->ref_count > 0, "vm_object_deallocate of a freed object");
    if (--obj->ref_count > 0) return;
    obj->zone->destroy(obj);
}
