// libFuzzer target: the device tree reader (drivers/fdt*.cpp) on any
// bytes.  open() must refuse a bad blob with an error, never read outside
// it; an accepted one is walked whole (every node, its path, every
// property) and given to the platform reader, which the boot code runs on
// whatever the firmware hands over.  A KASSERT or a sanitizer report is a
// finding.
#include <drivers/fdt.h>
#include <drivers/fdt_platform.h>

#include <stdint.h>
#include <string.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // The firmware's blob is 8-byte aligned; a copy of exactly `size`
    // bytes so the sanitizer sees any read past the end.
    std::vector<uint64_t> aligned(size / 8 + 1); // never empty: memcpy needs a buffer
    uint8_t* blob = reinterpret_cast<uint8_t*>(aligned.data());
    memcpy(blob, data, size);
    FdtResult<Fdt> r = Fdt::open(blob, size);
    if (!r.ok()) {
        char buf[128];
        (void)fdt_describe_error(Fdt{}, r.fdt_error(), buf, sizeof buf);
        return 0;
    }
    const Fdt& fdt = r.value();
    for (uint32_t i = 0; i < fdt.memreserve_count(); i++) (void)fdt.memreserve(i);
    unsigned nodes = 0;
    for (FdtNode n = fdt.root(); n.valid() && nodes < 100000; n = fdt.next_node(n), nodes++) {
        char path[Fdt::kMaxPath];
        (void)fdt.path(n, path, sizeof path);
        (void)fdt.name(n);
        (void)fdt.reg_count(n);
        (void)fdt.is_enabled(n);
        for (FdtProp p = fdt.first_property(n); p.present(); p = fdt.next_property(p)) (void)p.len;
    }
    (void)fdt_read_platform(fdt, 0);
    return 0;
}
