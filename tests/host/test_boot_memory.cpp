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
    PhysRange ex[BootMemory::MAX_EXCLUSIONS];
    const size_t n = bm.allocator_exclusions(ex);
    REQUIRE(n == 5);
    auto excluded = [&](PhysRange r) {
        for (size_t i = 0; i < n; i++)
            if (ex[i].base == r.base && ex[i].size == r.size) return true;
        return false;
    };
    CHECK(excluded(bm.kernel));
    CHECK(excluded(bm.dtb));
    CHECK(excluded(bm.initrd));
    CHECK(excluded(bm.firmware[0]));
    CHECK(excluded(R(0x80000000, 0x200000))); // RAM below the kernel
}

TEST_CASE("boot memory: the direct map leaves out firmware and RAM below the kernel, keeps the tree")
{
    const PhysRange ram[] = {R(0x80000000, 0x10000000)};
    BootMemory bm = qemu_virt(ram);
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x80000000)));
    CHECK(!dm.contains(PhysAddr(0x8007ffff)));
    CHECK(!dm.contains(PhysAddr(0x80080000)));
    CHECK(!dm.contains(PhysAddr(0x801fffff)));
    CHECK(dm.contains(PhysAddr(0x80200000))); // the kernel's alias stays mapped
    CHECK(dm.contains(PhysAddr(0x8fe0149d)));
    CHECK(dm.total() == 0x10000000 - 0x200000);
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
    bm.firmware[bm.nfirmware++] = R(0x42000000, 0x1ff800); // ends mid-page
    bm.kernel = R(0x40200000, 0x30000);
    bm.dtb = R(0x46000000, 0x3000);
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(dm.contains(PhysAddr(0x41ffffff)));
    CHECK(!dm.contains(PhysAddr(0x42000000)));
    CHECK(!dm.contains(PhysAddr(0x421ff800)));
    CHECK(!dm.contains(PhysAddr(0x421fffff)));
    CHECK(dm.contains(PhysAddr(0x42200000)));
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

namespace {
bool excluded_by(const BootMemory& bm, PhysRange r)
{
    PhysRange ex[BootMemory::MAX_EXCLUSIONS];
    const size_t n = bm.allocator_exclusions(ex);
    for (size_t i = 0; i < n; i++)
        if (ex[i].base == r.base && ex[i].size == r.size) return true;
    return false;
}
} // namespace

// The VisionFive 2: OpenSBI PMP-protects 0x4000_0000-0x401f_ffff, the
// tree it passes on reserves only the first 512 KiB of that.
TEST_CASE("boot memory: RAM below the kernel is firmware's, whatever the tree reserves")
{
    const PhysRange ram[] = {R(0x40000000, 0x100000000)};
    BootMemory bm;
    bm.ram = ram;
    bm.nram = 1;
    bm.firmware[bm.nfirmware++] = R(0x40000000, 0x80000);
    bm.kernel = R(0x40200000, 0x7e000);
    bm.dtb = R(0x13fff4000, 0x3000);
    CHECK(bm.below_kernel().base == PhysAddr(0x40000000));
    CHECK(bm.below_kernel().size == 0x200000);
    CHECK(excluded_by(bm, R(0x40000000, 0x200000)));
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x40080000)));
    CHECK(!dm.contains(PhysAddr(0x401fffff)));
    CHECK(dm.contains(PhysAddr(0x40200000)));
    CHECK(dm.total() == 0x100000000 - 0x200000);
}

TEST_CASE("boot memory: a kernel loaded higher, or in a second bank, keeps what lies below it")
{
    const PhysRange ram[] = {R(0x80000000, 0x10000000), R(0x100000000, 0x10000000)};
    BootMemory bm;
    bm.ram = ram;
    bm.nram = 2;
    bm.kernel = R(0x80400000, 0x7e000); // the QEMU suite's second load address
    bm.dtb = R(0x8fe00000, 0x2000);
    CHECK(excluded_by(bm, R(0x80000000, 0x400000)));
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x803fffff)));
    CHECK(dm.contains(PhysAddr(0x80400000)));
    CHECK(dm.contains(PhysAddr(0x100000000))); // other banks are untouched

    bm.kernel = R(0x100200000, 0x7e000);
    CHECK(bm.below_kernel().base == PhysAddr(0x100000000));
    CHECK(bm.below_kernel().size == 0x200000);
    PhysRangeSet dm2;
    REQUIRE(bm.direct_map(dm2).ok());
    CHECK(dm2.contains(PhysAddr(0x80000000)));
    CHECK(!dm2.contains(PhysAddr(0x100000000)));
    CHECK(!dm2.contains(PhysAddr(0x1001fffff)));
    CHECK(dm2.contains(PhysAddr(0x100200000)));
}

TEST_CASE("boot memory: a kernel at the base of RAM excludes nothing below it")
{
    const PhysRange ram[] = {R(0x80000000, 0x10000000)};
    BootMemory bm;
    bm.ram = ram;
    bm.nram = 1;
    bm.kernel = R(0x80000000, 0x7e000);
    bm.dtb = R(0x8fe00000, 0x2000);
    CHECK(bm.below_kernel().size == 0);
    PhysRange ex[BootMemory::MAX_EXCLUSIONS];
    CHECK(bm.allocator_exclusions(ex) == 2); // the kernel and the tree
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(dm.total() == 0x10000000);
}

TEST_CASE("boot memory: a tree a loader put below the kernel stays mapped, not handed out")
{
    const PhysRange ram[] = {R(0x80000000, 0x10000000)};
    BootMemory bm;
    bm.ram = ram;
    bm.nram = 1;
    bm.kernel = R(0x80200000, 0x7e000);
    bm.dtb = R(0x80100000, 0x1800);
    CHECK(excluded_by(bm, bm.dtb));
    CHECK(excluded_by(bm, R(0x80000000, 0x200000)));
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(dm.contains(PhysAddr(0x80100000)));
    CHECK(dm.contains(PhysAddr(0x801017ff)));
    CHECK(!dm.contains(PhysAddr(0x80102000)));
    CHECK(!dm.contains(PhysAddr(0x800fffff)));
}
