#include <doctest/doctest.h>

#include <mm/boot_memory.h>

namespace {
PhysRange R(uint64_t base, uint64_t size) { return {PhysAddr(base), size}; }

// QEMU virt, 256 MiB, as OpenSBI 1.1 hands it over (see tests/data).
BootMemory qemu_virt(const PhysRange* ram)
{
    BootMemory bm;
    bm.ram = ram;
    bm.nram = 1;
    bm.firmware[bm.nfirmware++] = R(0x80000000, 0x80000);
    bm.kernel = R(0x80200000, 0x26000);
    bm.dtb = R(0x8fe00000, 0x149e);
    return bm;
}
} // namespace

TEST_CASE("boot memory: the allocator never gets kernel, firmware, tree or initrd")
{
    const PhysRange ram[] = {R(0x80000000, 0x10000000)};
    BootMemory bm = qemu_virt(ram);
    bm.initrd = R(0x88000000, 0x12345);
    PhysRange ex[BootMemory::MAX_FIRMWARE + 3];
    const size_t n = bm.allocator_exclusions(ex);
    REQUIRE(n == 4);
    auto excluded = [&](PhysRange r) {
        for (size_t i = 0; i < n; i++)
            if (ex[i].base == r.base && ex[i].size == r.size) return true;
        return false;
    };
    CHECK(excluded(bm.kernel));
    CHECK(excluded(bm.dtb));
    CHECK(excluded(bm.initrd));
    CHECK(excluded(bm.firmware[0]));
}

TEST_CASE("boot memory: the direct map leaves out firmware pages, keeps the tree")
{
    const PhysRange ram[] = {R(0x80000000, 0x10000000)};
    BootMemory bm = qemu_virt(ram);
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x80000000)));
    CHECK(!dm.contains(PhysAddr(0x8007ffff)));
    CHECK(dm.contains(PhysAddr(0x80080000)));
    CHECK(dm.contains(PhysAddr(0x80200000))); // the kernel's alias stays mapped
    CHECK(dm.contains(PhysAddr(0x8fe0149d)));
    CHECK(dm.total() == 0x10000000 - 0x80000);
    for (const PhysRange& r : dm) {
        CHECK(r.base.is_aligned(0x1000));
        CHECK(r.size % 0x1000 == 0);
    }
}

TEST_CASE("boot memory: a partly reserved page is left out whole")
{
    const PhysRange ram[] = {R(0x40000000, 0x8000000)};
    BootMemory bm;
    bm.ram = ram;
    bm.nram = 1;
    bm.firmware[bm.nfirmware++] = R(0x40000000, 0x1ff800); // ends mid-page
    bm.kernel = R(0x40200000, 0x30000);
    bm.dtb = R(0x46000000, 0x3000);
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x401ff800)));
    CHECK(!dm.contains(PhysAddr(0x401fffff)));
    CHECK(dm.contains(PhysAddr(0x40200000)));
}

TEST_CASE("boot memory: a tree or initrd inside a reserved region stays mapped, every byte")
{
    const PhysRange ram[] = {R(0x80000000, 0x10000000), R(0x100000000, 0x10000000)};
    BootMemory bm;
    bm.ram = ram;
    bm.nram = 2;
    bm.firmware[bm.nfirmware++] = R(0x80000000, 0x80000);
    bm.firmware[bm.nfirmware++] = R(0x8f000000, 0x1000000); // a loader reserved the tree
    bm.firmware[bm.nfirmware++] = R(0x100000000, 0x200000);
    bm.kernel = R(0x80200000, 0x26000);
    bm.dtb = R(0x8f800100, 0x1e01); // unaligned at both ends
    bm.initrd = R(0x100100000, 0x1234);
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    for (uint64_t a = bm.dtb.base.value(); a < bm.dtb.end().value(); a++)
        REQUIRE(dm.contains(PhysAddr(a)));
    for (uint64_t a = bm.initrd.base.value(); a < bm.initrd.end().value(); a += 0x100)
        REQUIRE(dm.contains(PhysAddr(a)));
    CHECK(!dm.contains(PhysAddr(0x8f000000)));  // the rest of that region is not
    CHECK(!dm.contains(PhysAddr(0x8fffffff)));
    CHECK(!dm.contains(PhysAddr(0x100000000)));
    CHECK(dm.contains(PhysAddr(0x10fffffff)));  // RAM above 4 GiB
}
