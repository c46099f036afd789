#include <kernel/exec/elf.h>

#include <arch/pte.h>
#include <mm/vmspace.h>

#include <string.h>

namespace {

constexpr uint64_t PAGE_MASK = arch::PAGE_SIZE - 1;
constexpr unsigned MAX_PHNUM = 64;

bool header_ok(const Elf64_Ehdr& eh)
{
    static const unsigned char ident[] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LSB */, 1};
    return memcmp(eh.e_ident, ident, sizeof ident) == 0 && eh.e_type == ET_EXEC &&
           eh.e_machine == EM_RISCV && eh.e_version == 1 &&
           eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum > 0 && eh.e_phnum <= MAX_PHNUM;
}

// A PT_LOAD that lies inside the file and the user half.
bool segment_ok(const Elf64_Phdr& ph, size_t len)
{
    if (ph.p_filesz > ph.p_memsz || ph.p_memsz == 0) return false;
    if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset) return false;
    if (ph.p_vaddr < VM_MIN_USER_ADDRESS || ph.p_vaddr >= VM_MAX_USER_ADDRESS) return false;
    return ph.p_memsz <= VM_MAX_USER_ADDRESS - ph.p_vaddr;
}

vm_prot_t prot_of(uint32_t flags)
{
    vm_prot_t p = VM_PROT_NONE;
    if (flags & PF_R) p |= VM_PROT_READ;
    if (flags & PF_W) p |= VM_PROT_WRITE;
    if (flags & PF_X) p |= VM_PROT_EXECUTE;
    return p;
}

// Inserts s keeping vaddr order; false when its pages meet another's.
bool add_segment(ElfImage& img, const ElfSegment& s)
{
    if (img.nsegments == ElfImage::MAX_SEGMENTS) return false;
    const uint64_t lo = s.vaddr & ~PAGE_MASK, hi = (s.vaddr + s.memsz + PAGE_MASK) & ~PAGE_MASK;
    unsigned at = 0;
    while (at < img.nsegments && img.segments[at].vaddr < s.vaddr) at++;
    for (unsigned i = 0; i < img.nsegments; i++) {
        const ElfSegment& o = img.segments[i];
        const uint64_t olo = o.vaddr & ~PAGE_MASK, ohi = (o.vaddr + o.memsz + PAGE_MASK) & ~PAGE_MASK;
        if (lo < ohi && olo < hi) return false;
    }
    for (unsigned i = img.nsegments; i > at; i--) img.segments[i] = img.segments[i - 1];
    img.segments[at] = s;
    img.nsegments++;
    return true;
}

bool entry_in_code(const ElfImage& img)
{
    for (unsigned i = 0; i < img.nsegments; i++) {
        const ElfSegment& s = img.segments[i];
        if ((s.prot & VM_PROT_EXECUTE) && img.entry >= s.vaddr && img.entry - s.vaddr < s.memsz)
            return true;
    }
    return false;
}

} // namespace

Result<ElfImage> elf_parse(const void* file, size_t len)
{
    Elf64_Ehdr eh;
    if (len < sizeof eh) return Errno::NoExec;
    memcpy(&eh, file, sizeof eh);
    if (!header_ok(eh)) return Errno::NoExec;
    const uint64_t ph_bytes = uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
    if (eh.e_phoff > len || ph_bytes > len - eh.e_phoff) return Errno::NoExec;
    ElfImage img{};
    img.entry = eh.e_entry;
    const auto* base = static_cast<const unsigned char*>(file);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, base + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC) return Errno::NoExec; // static only
        if (ph.p_type != PT_LOAD) continue;
        if (!segment_ok(ph, len)) return Errno::NoExec;
        const ElfSegment s{ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, prot_of(ph.p_flags)};
        if (!add_segment(img, s)) return Errno::NoExec;
    }
    if (img.nsegments == 0 || !entry_in_code(img)) return Errno::NoExec;
    return img;
}
