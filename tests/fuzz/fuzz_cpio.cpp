// libFuzzer target: the initrd's cpio reader (kernel/fs/cpio.cpp) on any
// bytes.  Every member it returns must lie inside the archive (name
// NUL-terminated within it, data within it), the walk must end, and a
// lookup must agree with the walk.  A KASSERT, a sanitizer report or a
// member outside the archive is a finding.
#include <kernel/fs/cpio.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

namespace {

void require(bool ok, const char* what)
{
    if (ok) return;
    fprintf(stderr, "cpio reader: %s\n", what);
    abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // The boot loader puts the initrd on a page boundary: 4-byte aligned at least.
    std::vector<uint32_t> aligned(size / 4 + 1); // never empty: memcpy needs a buffer
    const auto* base = reinterpret_cast<const uint8_t*>(aligned.data());
    memcpy(aligned.data(), data, size);
    CpioReader rd(base, size);
    CpioEntry e;
    const char* first = nullptr;
    for (size_t n = 0;; n++) {
        require(n <= size, "more members than bytes");
        Result<bool> r = rd.next(&e);
        if (!r.ok() || !r.value()) break;
        const auto* name = reinterpret_cast<const uint8_t*>(e.name);
        require(name >= base && name < base + size, "name outside the archive");
        require(memchr(name, 0, static_cast<size_t>(base + size - name)) != nullptr,
                "name not terminated inside the archive");
        require(e.size == 0 || (e.data >= base && e.data <= base + size &&
                                e.size <= static_cast<size_t>(base + size - e.data)),
                "data outside the archive");
        if (!first && e.name[0] != '\0' && strlen(e.name) < 200) first = e.name;
    }
    (void)cpio_find(base, size, "bin/init");
    if (first) {
        char path[256];
        strcpy(path, first);
        Result<CpioEntry> f = cpio_find(base, size, path);
        require(f.ok(), "a member the walk returned is not found by name");
    }
    return 0;
}
