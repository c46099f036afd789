#include <kernel/exec/elf_load.h>

#include <arch/pte.h>
#include <kernel/exec/elf.h>
#include <lib/kassert.h>
#include <mm/vm_object.h>
#include <mm/vmspace.h>

namespace {

constexpr uint64_t PAGE_MASK = arch::PAGE_SIZE - 1;

struct PageSpan {
    uint64_t lo, hi;
};

PageSpan span_of(const ElfSegment& s)
{
    return {s.vaddr & ~PAGE_MASK, (s.vaddr + s.memsz + PAGE_MASK) & ~PAGE_MASK};
}

Result<void> load_segment(vmspace* vm, const unsigned char* file, const ElfSegment& s)
{
    const PageSpan sp = span_of(s);
    vm_object* obj = TRY(vm_object_from_image(vm->vm_zone->objects, file + s.offset, s.filesz,
                                              s.vaddr - sp.lo, (sp.hi - sp.lo) / arch::PAGE_SIZE));
    const uint64_t charge = (s.prot & VM_PROT_WRITE) ? sp.hi - sp.lo : 0;
    if (!vm->vm_commit->reserve(charge)) {
        vm_object_deallocate(obj);
        return Errno::NoMem;
    }
    Result<void> r =
        vm->vm_map.insert(sp.lo, sp.hi, obj, 0, s.prot, VM_PROT_ALL, VmInherit::Copy);
    if (!r.ok()) {
        vm->vm_commit->release(charge);
        vm_object_deallocate(obj);
        return Errno::NoMem;
    }
    vm->vm_charged += charge;
    return {};
}

} // namespace

Result<void> elf_load(vmspace* vm, const void* file, size_t len, const ElfImage& img)
{
    const auto* bytes = static_cast<const unsigned char*>(file);
    // Text: the pages of read-only segments; data: from the first
    // writable segment to the end of the last (where the break starts).
    uint64_t text = 0, daddr = 0, dend = 0;
    for (unsigned i = 0; i < img.nsegments; i++) {
        const ElfSegment& s = img.segments[i];
        KASSERT(s.offset <= len && s.filesz <= len - s.offset, "elf_load of an unchecked image");
        if (auto r = load_segment(vm, bytes, s); !r.ok()) {
            for (unsigned j = 0; j < i; j++) {
                const PageSpan sp = span_of(img.segments[j]);
                // Whole entries: no split, so this cannot fail.
                const bool undone = vmspace_unmap(vm, sp.lo, sp.hi - sp.lo).ok();
                KASSERT(undone, "elf_load: undoing segment %u", j);
            }
            return r.error();
        }
        const PageSpan sp = span_of(s);
        if (s.prot & VM_PROT_WRITE) {
            if (!daddr) daddr = sp.lo;
            dend = sp.hi;
        } else {
            text += (sp.hi - sp.lo) / arch::PAGE_SIZE;
        }
    }
    vmspace_set_sizes(vm, text, (dend - daddr) / arch::PAGE_SIZE, vm->vm_ssize);
    vm->vm_daddr = daddr;
    return {};
}
