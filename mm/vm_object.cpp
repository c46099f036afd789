#include <mm/vm_object.h>

#include <arch/machdep.h>
#include <arch/pte.h>
#include <lib/kassert.h>
#include <mm/page_alloc.h>

#include <string.h>

Result<vm_object*> vm_object_allocate(VmObjectZone& zone, uint64_t pages)
{
    KASSERT(pages <= PageIndex::LIMIT, "object of %#lx pages", pages);
    vm_object* obj = TRY(zone.create(zone.zone().page_allocator()));
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
    PageAllocator* pa = obj->allocator;
    obj->pages.clear([pa](uint64_t, PhysAddr page) { pa->unref(page); });
    obj->zone->destroy(obj);
}

bool vm_object_page_lookup(const vm_object* obj, uint64_t pindex, PhysAddr* pa)
{
    return obj->pages.lookup(pindex, pa);
}

Result<void> vm_object_page_insert(vm_object* obj, uint64_t pindex, PhysAddr pa)
{
    KASSERT(pindex < obj->size, "page %#lx of an object of %#lx pages", pindex, obj->size);
    return obj->pages.insert(pindex, pa);
}

PhysAddr vm_object_page_replace(vm_object* obj, uint64_t pindex, PhysAddr pa)
{
    return obj->pages.replace(pindex, pa);
}

Result<vm_object*> vm_object_copy(vm_object* src, uint64_t first, uint64_t count)
{
    KASSERT(first <= src->size && count <= src->size - first,
            "copy of pages %#lx+%#lx of an object of %#lx", first, count, src->size);
    VmObjectZone& zone = *src->zone;
    vm_object* dst = TRY(vm_object_allocate(zone, count));
    bool failed = false;
    src->pages.for_each(first, first + count, [&](uint64_t pindex, PhysAddr page) {
        if (failed) return;
        if (!dst->pages.insert(pindex - first, page).ok()) {
            failed = true;
            return;
        }
        src->allocator->ref(page);
    });
    if (failed) {
        vm_object_deallocate(dst); // drops exactly the references taken
        return Errno::NoMem;
    }
    return dst;
}

Result<vm_object*> vm_object_from_bytes(VmObjectZone& zone, const void* data, size_t len)
{
    const uint64_t pages = (len + arch::PAGE_SIZE - 1) / arch::PAGE_SIZE;
    vm_object* obj = TRY(vm_object_allocate(zone, pages));
    const auto* src = static_cast<const unsigned char*>(data);
    for (uint64_t i = 0; i < pages; i++) {
        Result<PhysAddr> page = obj->allocator->alloc(0, AllocFlags::Zero);
        if (!page.ok()) {
            vm_object_deallocate(obj);
            return page.error();
        }
        const size_t off = i * arch::PAGE_SIZE;
        const size_t n = len - off < arch::PAGE_SIZE ? len - off : arch::PAGE_SIZE;
        memcpy(arch::phys_to_virt(page.value()), src + off, n);
        if (auto r = vm_object_page_insert(obj, i, page.value()); !r.ok()) {
            obj->allocator->unref(page.value());
            vm_object_deallocate(obj);
            return r.error();
        }
    }
    return obj;
}
