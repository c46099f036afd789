// libFuzzer target: exec's ELF checks (kernel/exec/elf.cpp) on any bytes.
// A file elf_parse accepts must give a load plan exec can trust: segments
// inside the file for their file bytes, sorted, not overlapping, in user
// space, memsz at least filesz, the entry inside an executable segment.
// A KASSERT, a sanitizer report or a broken plan is a finding.
#include <kernel/exec/elf.h>

#include <arch/param.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

namespace {

void require(bool ok, const char* what)
{
    if (ok) return;
    fprintf(stderr, "elf_parse accepted a file whose plan breaks: %s\n", what);
    abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // Initrd members are 4-byte aligned; exec reads them in place.
    std::vector<uint32_t> aligned(size / 4 + 1); // never empty: memcpy needs a buffer
    memcpy(aligned.data(), data, size);
    Result<ElfImage> r = elf_parse(aligned.data(), size);
    if (!r.ok()) return 0;
    const ElfImage& img = r.value();
    require(img.nsegments > 0 && img.nsegments <= ElfImage::MAX_SEGMENTS, "segment count");
    bool entry_in_text = false;
    for (unsigned i = 0; i < img.nsegments; i++) {
        const ElfSegment& s = img.segments[i];
        require(s.filesz <= s.memsz, "filesz above memsz");
        require(s.offset <= size && s.filesz <= size - s.offset, "file bytes outside the file");
        require(s.vaddr + s.memsz >= s.vaddr && s.vaddr + s.memsz <= arch::USER_TOP,
                "segment outside user space");
        if (i > 0) {
            const ElfSegment& p = img.segments[i - 1];
            require(p.vaddr + p.memsz <= s.vaddr, "segments out of order or overlapping");
        }
        if ((s.prot & VM_PROT_EXECUTE) && img.entry - s.vaddr < s.memsz) entry_in_text = true;
    }
    require(entry_in_text, "entry outside every executable segment");
    return 0;
}
