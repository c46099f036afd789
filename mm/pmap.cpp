#include <mm/pmap.h>

#include <arch/pte.h>
#include <lib/kassert.h>

Result<Pmap> Pmap::create(PtPageSource& src, PageTable& kernel, uint16_t asid)
{
    PageTable pt = TRY(PageTable::create_user(src, asid, kernel));
    return Pmap(static_cast<PageTable&&>(pt));
}

Result<TlbFlush> Pmap::enter(VirtAddr va, PhysAddr pa, vm_prot_t prot, uint64_t* old_flags)
{
    // User tables hold 4 KiB leaves only, so whatever va maps is replaced
    // in place: a permission upgrade or a copy-on-write break is one PTE
    // store and one page flush, not an unmap and a map.
    return pt_.enter_page(va, pa, pte_perms(prot), old_flags);
}

TlbFlush Pmap::remove(VirtAddr va, uint64_t len)
{
    // User tables hold 4 KiB leaves only: an unmap never splits, so it
    // never needs a page and cannot fail.
    Result<TlbFlush> r = pt_.unmap(va, len);
    KASSERT(r.ok(), "pmap_remove of %#lx+%#lx: %s", va.value(), len, errno_name(r.error()));
    return r.release_value();
}

TlbFlush Pmap::protect(VirtAddr va, uint64_t len, vm_prot_t prot)
{
    if (!(prot & VM_PROT_READ)) return remove(va, len);
    Result<TlbFlush> r = pt_.restrict(va, len, pte_perms(prot));
    KASSERT(r.ok(), "pmap_protect of %#lx+%#lx: %s", va.value(), len, errno_name(r.error()));
    return r.release_value();
}

bool Pmap::activate(AsidAllocator& asids)
{
    const bool flush_all = asids.activate(tag_);
    pt_.set_asid(tag_.asid);
    return flush_all;
}
