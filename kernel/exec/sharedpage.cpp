#include <kernel/exec/sharedpage.h>

#include <kernel/proc/sig_machdep.h>
#include <lib/kassert.h>
#include <mm/vm_object.h>

namespace {

vm_object* g_shared = nullptr; // one reference held for good

} // namespace

Result<void> sharedpage_init(VmObjectZone& zone)
{
    KASSERT(!g_shared, "the shared page is made once");
    size_t len = 0;
    const void* code = sigcode(&len);
    KASSERT(len > 0 && len <= arch::PAGE_SIZE, "sigcode of %zu bytes", len);
    g_shared = TRY(vm_object_from_bytes(zone, code, len));
    return {};
}

void sharedpage_fini()
{
    if (g_shared) vm_object_deallocate(g_shared);
    g_shared = nullptr;
}

bool sharedpage_present() { return g_shared != nullptr; }
vm_object* sharedpage_object() { return g_shared; }

Result<void> sharedpage_map(vmspace* vm)
{
    if (!g_shared) return {};
    constexpr vm_prot_t RX = VM_PROT_READ | VM_PROT_EXECUTE;
    vm_object_reference(g_shared);
    Result<void> r = vm->vm_map.insert(SHAREDPAGE, SHAREDPAGE + arch::PAGE_SIZE, g_shared, 0, RX,
                                       RX, VmInherit::Share);
    if (!r.ok()) vm_object_deallocate(g_shared);
    return r;
}
