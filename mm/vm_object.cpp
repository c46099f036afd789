#include <mm/vm_object.h>

#include <kernel/machdep.h>
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
    obj->pages.clear([pa](uint64_t, PhysAddr page) { pa->unref_locked(page); });
    obj->zone->destroy(obj);
}

bool vm_object_page_lookup(const vm_object* obj, uint64_t pindex, PhysAddr* pa, bool* shared)
{
    return obj->pages.lookup(pindex, pa, shared);
}

Result<void> vm_object_page_unshare(vm_object* obj, uint64_t pindex)
{
    return obj->pages.unshare(pindex);
}

Result<void> vm_object_page_insert(vm_object* obj, uint64_t pindex, PhysAddr pa)
{
    KASSERT(pindex < obj->size, "page %#lx of an object of %#lx pages", pindex, obj->size);
    return obj->pages.insert(pindex, pa);
}

PhysAddr vm_object_page_replace(vm_object* obj, uint64_t pindex, PhysAddr pa)
{
    Result<PhysAddr> old = obj->pages.replace(pindex, pa);
    KASSERT(old.ok(), "replacing page %#lx of object %p through a shared path", pindex, obj);
    return old.value();
}

Result<vm_object*> vm_object_copy(vm_object* src, uint64_t first, uint64_t count)
{
    KASSERT(first <= src->size && count <= src->size - first,
            "copy of pages %#lx+%#lx of an object of %#lx", first, count, src->size);
    VmObjectZone& zone = *src->zone;
    vm_object* dst = TRY(vm_object_allocate(zone, count));
    if (first == 0 && count == src->size) {
        dst->pages.share(src->pages);
        return dst;
    }
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

Result<vm_object*> vm_object_from_image(VmObjectZone& zone, const void* data, size_t len,
                                        size_t lead, uint64_t pages)
{
    const uint64_t resident = (lead + len + arch::PAGE_SIZE - 1) / arch::PAGE_SIZE;
    KASSERT(lead < arch::PAGE_SIZE && resident <= pages, "image of %zu bytes at %zu in %lu pages",
            len, lead, pages);
    vm_object* obj = TRY(vm_object_allocate(zone, pages));
    const auto* src = static_cast<const unsigned char*>(data);
    for (uint64_t i = 0; i < resident; i++) {
        Result<PhysAddr> page = obj->allocator->alloc(0, AllocFlags::Zero);
        if (!page.ok()) {
            vm_object_deallocate(obj);
            return page.error();
        }
        // Image bytes [from, to) of this page; the rest stays zero.
        const size_t page_lo = i * arch::PAGE_SIZE, page_hi = page_lo + arch::PAGE_SIZE;
        const size_t from = page_lo > lead ? page_lo : lead;
        const size_t to = page_hi < lead + len ? page_hi : lead + len;
        auto* dst = static_cast<unsigned char*>(arch::phys_to_virt(page.value()));
        if (from < to) memcpy(dst + (from - page_lo), src + (from - lead), to - from);
        if (auto r = vm_object_page_insert(obj, i, page.value()); !r.ok()) {
            obj->allocator->unref(page.value());
            vm_object_deallocate(obj);
            return r.error();
        }
    }
    return obj;
}

Result<vm_object*> vm_object_from_bytes(VmObjectZone& zone, const void* data, size_t len)
{
    return vm_object_from_image(zone, data, len, 0, (len + arch::PAGE_SIZE - 1) / arch::PAGE_SIZE);
}
