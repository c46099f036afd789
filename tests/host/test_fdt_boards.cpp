// The real boards' trees through the FDT reader: the VisionFive 2 (JH7110)
// and the VisionFive (JH7100), written in tests/data/ from the published
// upstream trees plus the firmware's edits (see the comments at the top of
// each .dts).  Every value the kernel takes from the tree is checked;
// expected values were read off those .dts files and BOARDS.md, never off
// the reader.
#include "fdt_test_support.h"

#include <drivers/fdt_platform.h>
#include <drivers/plic.h>
#include <drivers/uart_ns16550.h>
#include <kernel/cmdline.h>
#include <mm/boot_memory.h>

#include <string>
#include <vector>

using namespace fdt_test;

namespace {

constexpr uint64_t GiB = uint64_t{1} << 30;
constexpr uint64_t MiB = uint64_t{1} << 20;

// What init_riscv's boot_memory() builds from the platform, with the kernel
// where booti puts it (RAM base + 0x200000) and the tree wherever U-Boot
// relocated it.
BootMemory board_memory(const FdtPlatform& p, PhysRange kernel, PhysRange dtb)
{
    BootMemory bm;
    bm.ram = p.ram;
    bm.nram = p.nram;
    for (size_t i = 0; i < p.nreserved; i++) bm.firmware[bm.nfirmware++] = p.reserved[i].range;
    bm.kernel = kernel;
    bm.dtb = dtb;
    bm.initrd = p.initrd;
    return bm;
}

bool excluded(const BootMemory& bm, const PhysRange& r)
{
    PhysRange ex[BootMemory::MAX_FIRMWARE + 3];
    const size_t n = bm.allocator_exclusions(ex);
    for (size_t i = 0; i < n; i++)
        if (same(ex[i], r)) return true;
    return false;
}

constexpr const char* kPlic = "/soc/interrupt-controller@c000000"; // upstream's name
constexpr const char* kVendorPlic = "/soc/plic@c000000";                // StarFive U-Boot's

// What a board's console UART should be.
struct DwUart {
    const char* path;
    uint64_t base;
    uint32_t irq;
    uint64_t clock_hz = 0; // upstream gives the clock only through `clocks`
    const char* plic = kPlic;
};

// The console UART as every board here describes it: a DesignWare 8250
// with 32-bit registers 4 bytes apart.
void check_dw_uart(const Tree& t, const FdtUart& u, const DwUart& want)
{
    CHECK(u.kind == FdtUartKind::DesignWare);
    // The first entry the kernel drives ("starfive,jh7110-uart" comes before it).
    CHECK(std::string(u.compatible) == "snps,dw-apb-uart");
    CHECK(u.node == t.node(want.path));
    CHECK(u.base == PhysAddr(want.base));
    CHECK(u.size == 0x10000);
    CHECK(u.reg_shift == 2);
    CHECK(u.reg_io_width == 4);
    // Informational only: the driver keeps the divisor the firmware set.
    CHECK(u.clock_hz == want.clock_hz);
    CHECK(u.has_irq);
    CHECK(u.irq == want.irq);
    CHECK(u.irq_parent == t.fdt.phandle(t.node(want.plic)));
    CHECK(u.irq_parent != 0);
    // The driver takes the compatible the reader matched.
    auto kind = Ns16550::kind_for(u.compatible);
    REQUIRE(kind.ok());
    CHECK(kind.value() == Ns16550::Kind::DwApb);
}

void check_plic(const Tree& t, const FdtPlic& plic, uint32_t ndev, const char* path = kPlic)
{
    CHECK(plic.present);
    CHECK(plic.node == t.node(path));
    CHECK(plic.base == PhysAddr(0xc000000));
    CHECK(plic.size == 0x4000000);
    CHECK(plic.ndev == ndev);
    CHECK(plic.phandle == t.fdt.phandle(plic.node));
    CHECK(plic.phandle != 0);
}

// The PLIC driver started as boot code starts it, from the tree's facts,
// on a plain word array: it must touch the registers of the context
// BOARDS.md gives for the hart (2h on the JH7110, 2h+1 on the JH7100), at
// the specification's offsets (enables 0x2000 + 0x80*c, threshold
// 0x200000 + 0x1000*c, priority 4*irq), and nothing else.
void check_plic_driver(const FdtPlatform& p, uint32_t want_context)
{
    constexpr uint32_t S = 0xa5a5a5a5;
    const size_t window = 0x200000 + 0x1000 * size_t(want_context + 1);
    std::vector<uint32_t> regs(window / 4, S), want(window / 4, S);
    Plic plic;
    REQUIRE(plic.init(regs.data(), p.plic.ndev, p.plic.context).ok());
    REQUIRE(plic.enable(p.uart.irq, 1).ok());

    const size_t enables = 0x2000 + 0x80 * size_t(want_context);
    for (uint32_t word = 0; word <= p.plic.ndev / 32; word++) want[(enables + 4 * word) / 4] = 0;
    want[(enables + 4 * (p.uart.irq / 32)) / 4] = 1u << (p.uart.irq % 32);
    want[(0x200000 + 0x1000 * size_t(want_context)) / 4] = 0;
    want[(4 * p.uart.irq) / 4] = 1;
    CHECK(regs == want);
}

} // namespace

// --- VisionFive 2 (JH7110), upstream tree ---------------------------------

constexpr DwUart kUart0{"/soc/serial@10000000", 0x10000000, 32};

TEST_CASE("fdt boards: VisionFive 2 memory, firmware region and /chosen")
{
    Tree t(dts_blob("jh7110-visionfive2.dtb"));
    const FdtPlatform p = read_platform(t, 2);
    REQUIRE(p.nram == 1);
    CHECK(same(p.ram[0], R(0x40000000, 4 * GiB)));
    CHECK(p.ram[0].end() == PhysAddr(0x140000000)); // RAM runs past 4 GiB
    // /memreserve/ first (U-Boot's entry for the initrd), then OpenSBI's
    // own region at the RAM base.
    REQUIRE(p.nreserved == 2);
    CHECK(same(p.reserved[0].range, R(0x46100000, 0x2e5a1)));
    CHECK(!p.reserved[0].no_map);
    CHECK(same(p.reserved[1].range, R(0x40000000, 0x80000)));
    CHECK(!p.reserved[1].no_map);

    CHECK(std::string(p.bootargs) == "console=ttyS0,115200 init=/bin/sh");
    CmdLine cmdline;
    REQUIRE(cmdline.parse(p.bootargs).ok());
    CHECK(std::string(cmdline.get("init")) == "/bin/sh");
    CHECK(std::string(cmdline.get("console")) == "ttyS0,115200");
    CHECK(std::string(p.stdout_path) == "serial0:115200n8");
    CHECK(std::string(p.stdout_options) == "115200n8");
    CHECK(std::string(t.fdt.alias("serial0", 7)) == "/soc/serial@10000000");
    CHECK(p.stdout_node == t.node("/soc/serial@10000000"));
    // U-Boot's exact end of the file, not page-rounded.
    CHECK(same(p.initrd, R(0x46100000, 0x2e5a1)));
    CHECK(p.rng_seed == nullptr);
    CHECK(p.rng_seed_len == 0);
    CHECK(p.timebase_hz == 4000000);
}

TEST_CASE("fdt boards: VisionFive 2 firmware region stays out of the allocator and the direct map")
{
    Tree t(dts_blob("jh7110-visionfive2.dtb"));
    const FdtPlatform p = read_platform(t, 2);
    // booti's kernel_addr_r, and the tree wherever U-Boot put it.
    const BootMemory bm = board_memory(p, R(0x40200000, 0x180000), R(0x13fff4000, 0x3000));
    CHECK(excluded(bm, R(0x40000000, 0x80000)));
    CHECK(excluded(bm, R(0x46100000, 0x2e5a1)));

    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x40000000)));
    CHECK(!dm.contains(PhysAddr(0x4007ffff)));
    CHECK(dm.contains(PhysAddr(0x40080000))); // the tree reserves 512 KiB, not 2 MiB
    CHECK(dm.contains(PhysAddr(0x40200000)));
    // Reserved by /memreserve/, yet mapped: the kernel reads the initrd.
    CHECK(dm.contains(PhysAddr(0x46100000)));
    CHECK(dm.contains(PhysAddr(0x4612e5a0)));
    CHECK(dm.contains(PhysAddr(0x13fffffff)));
    CHECK(!dm.contains(PhysAddr(0x140000000)));
    CHECK(dm.total() == 4 * GiB - 0x80000);
}

TEST_CASE("fdt boards: VisionFive 2 boot harts 1..4 (U74): ISA, timer, PLIC context 2h")
{
    Tree t(dts_blob("jh7110-visionfive2.dtb"));
    for (uint64_t hart = 1; hart <= 4; hart++) {
        CAPTURE(hart);
        const FdtPlatform p = read_platform(t, hart);
        const std::string cpu = "/cpus/cpu@" + std::to_string(hart);
        CHECK(p.boot_hartid == hart);
        CHECK(p.cpu == t.node(cpu.c_str()));
        CHECK(t.fdt.is_enabled(p.cpu));
        CHECK(std::string(p.isa) == "rv64imafdc_zba_zbb");
        // The newer form says the same (the reader prefers riscv,isa).
        CHECK(p.isa_extensions.string_count() == 12);
        CHECK(p.isa_extensions.has_string("zba"));
        CHECK(p.isa_extensions.has_string("zbb"));
        CHECK(!p.isa_extensions.has_string("sstc"));
        CHECK(std::string(p.mmu_type) == "riscv,sv39");
        CHECK(fdt_cpu_has_extension(p, "zba"));
        CHECK(fdt_cpu_has_extension(p, "zbb"));
        CHECK(fdt_cpu_has_extension(p, "f"));
        CHECK(fdt_cpu_has_extension(p, "d"));
        CHECK(!fdt_cpu_has_extension(p, "sstc")); // so the timer goes through SBI set_timer
        CHECK(!fdt_cpu_has_extension(p, "h"));
        CHECK(p.timebase_hz == 4000000);

        check_plic(t, p.plic, 136);
        // <&cpu0_intc M>, then <&cpuN_intc M>, <&cpuN_intc 9> per U74.
        CHECK(p.plic.has_context);
        CHECK(p.plic.context == 2 * hart);
        check_plic_driver(p, uint32_t(2 * hart));

        check_dw_uart(t, p.uart, kUart0);
    }
}

TEST_CASE("fdt boards: VisionFive 2 console is uart0 although uart1 is enabled too")
{
    Tree t(dts_blob("jh7110-visionfive2.dtb"));
    const FdtPlatform p = read_platform(t, 1);
    check_dw_uart(t, p.uart, kUart0);
    // uart1 is a usable console as well, should stdout-path name it.
    auto u1 = fdt_find_uart(t.fdt, t.node("/soc/serial@10010000"));
    REQUIRE(u1.ok());
    check_dw_uart(t, u1.value(), {"/soc/serial@10010000", 0x10010000, 33});
    // The disabled uart2 is never taken, even when asked for.
    auto u2 = fdt_find_uart(t.fdt, t.node("/soc/serial@10020000"));
    REQUIRE(u2.ok());
    CHECK(u2.value().node == t.node("/soc/serial@10000000"));
}

TEST_CASE("fdt boards: VisionFive 2 hart 0 is the S7 monitor core: no MMU, no S-mode context")
{
    Tree t(dts_blob("jh7110-visionfive2.dtb"));
    // OpenSBI never enters S-mode there, so a0 is never 0.  The reader has
    // no notion of a usable hart and reads it like any other; this tree
    // marks it (disabled, no mmu-type, no S-mode context), the vendor tree
    // below does not.
    const FdtPlatform p = read_platform(t, 0);
    CHECK(p.cpu == t.node("/cpus/cpu@0"));
    CHECK(!t.fdt.is_enabled(p.cpu));
    CHECK(t.fdt.is_compatible(p.cpu, "sifive,s7"));
    CHECK(std::string(p.mmu_type) == "");
    CHECK(std::string(p.isa) == "rv64imac_zba_zbb");
    CHECK(!fdt_cpu_has_extension(p, "f"));
    CHECK(!fdt_cpu_has_extension(p, "d"));
    check_plic(t, p.plic, 136);
    CHECK(!p.plic.has_context); // only an M-mode entry

    CHECK(read_platform_error(t, 5, Errno::NoEnt) == "/cpus: no cpu node for the boot hart");
}

// --- VisionFive 2 (JH7110), the tree of the board's own U-Boot ------------

TEST_CASE("fdt boards: VisionFive 2 vendor tree: memory, firmware region, /chosen by path")
{
    Tree t(dts_blob("jh7110-visionfive2-vendor.dtb"));
    const FdtPlatform p = read_platform(t, 3);
    REQUIRE(p.nram == 1); // the node is memory@80000000; its reg is what counts
    CHECK(same(p.ram[0], R(0x40000000, 8 * GiB)));
    CHECK(p.ram[0].end() == PhysAddr(0x240000000));
    REQUIRE(p.nreserved == 2); // the initrd's /memreserve/, then "opensbi", once
    CHECK(same(p.reserved[0].range, R(0x46100000, 0x80000)));
    CHECK(same(p.reserved[1].range, R(0x40000000, 0x80000)));
    CHECK(p.reserved[1].no_map);

    // A path, not an alias (the tree has no serial alias at all).
    CHECK(t.fdt.alias("serial0", 7) == nullptr);
    CHECK(std::string(p.stdout_path) == "/soc/serial@10000000:115200");
    CHECK(std::string(p.stdout_options) == "115200");
    CHECK(p.stdout_node == t.node("/soc/serial@10000000"));
    CHECK(std::string(p.bootargs) == "console=ttyS0,115200 monitor");
    CmdLine cmdline;
    REQUIRE(cmdline.parse(p.bootargs).ok());
    CHECK(cmdline.has("monitor"));
    CHECK(cmdline.get("monitor") == nullptr); // a bare flag
    CHECK(same(p.initrd, R(0x46100000, 0x80000)));
    CHECK(p.rng_seed == nullptr);
    CHECK(p.timebase_hz == 4000000);

    const BootMemory bm = board_memory(p, R(0x40200000, 0x180000), R(0x23fff4000, 0x3000));
    CHECK(excluded(bm, R(0x40000000, 0x80000)));
    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x4007ffff)));
    CHECK(dm.contains(PhysAddr(0x40080000)));
    CHECK(dm.contains(PhysAddr(0x46100000))); // the initrd, reserved but read
    CHECK(dm.contains(PhysAddr(0x23fffffff)));
    CHECK(dm.total() == 8 * GiB - 0x80000);
}

TEST_CASE("fdt boards: VisionFive 2 vendor tree: the boot hart is a0, not starfive,boot-hart-id")
{
    Tree t(dts_blob("jh7110-visionfive2-vendor.dtb"));
    const FdtProp stale = t.fdt.property(t.node("/chosen"), "starfive,boot-hart-id");
    REQUIRE(stale.u32().ok());
    CHECK(stale.u32().value() == 1);
    for (uint64_t hart = 1; hart <= 4; hart++) {
        CAPTURE(hart);
        const FdtPlatform p = read_platform(t, hart);
        const std::string cpu = "/cpus/cpu@" + std::to_string(hart);
        CHECK(p.cpu == t.node(cpu.c_str()));
        CHECK(std::string(p.isa) == "rv64imafdcbsux");
        CHECK(!p.isa_extensions.present());
        CHECK(std::string(p.mmu_type) == "riscv,sv39");
        CHECK(fdt_cpu_has_extension(p, "f"));
        CHECK(fdt_cpu_has_extension(p, "d"));
        CHECK(!fdt_cpu_has_extension(p, "sstc")); // "sux" is no Sstc: SBI set_timer
        CHECK(!fdt_cpu_has_extension(p, "zba")); // the vendor string does not name it
        check_plic(t, p.plic, 136, kVendorPlic);
        CHECK(p.plic.has_context);
        CHECK(p.plic.context == 2 * hart);
        // Only this tree gives the UART's clock as a number.
        check_dw_uart(t, p.uart, {"/soc/serial@10000000", 0x10000000, 32, 24000000, kVendorPlic});
    }
}

TEST_CASE("fdt boards: VisionFive 2 vendor tree: hart 0 looks like a U74 but has no S-mode context")
{
    Tree t(dts_blob("jh7110-visionfive2-vendor.dtb"));
    const FdtPlatform p = read_platform(t, 0);
    // Enabled, "sifive,u74-mc", mmu-type sv39: the tree cannot be trusted
    // to tell the S7 apart, only the ISA (no F/D) and the PLIC do.
    CHECK(t.fdt.is_enabled(p.cpu));
    CHECK(std::string(p.mmu_type) == "riscv,sv39");
    CHECK(std::string(p.isa) == "rv64imacu");
    CHECK(!fdt_cpu_has_extension(p, "f"));
    CHECK(!fdt_cpu_has_extension(p, "d"));
    check_plic(t, p.plic, 136, kVendorPlic);
    CHECK(!p.plic.has_context);
}

// --- VisionFive (JH7100) ---------------------------------------------------

TEST_CASE("fdt boards: VisionFive memory, reserved regions and /chosen")
{
    Tree t(dts_blob("jh7100-visionfive.dtb"));
    const FdtPlatform p = read_platform(t, 1);
    REQUIRE(p.nram == 1);
    CHECK(same(p.ram[0], R(0x80000000, 8 * GiB)));
    CHECK(p.ram[0].end() == PhysAddr(0x280000000));
    // The initrd's /memreserve/, then in tree order: OpenSBI's region, the
    // DMA pool, and the pool's uncached alias far above RAM.
    REQUIRE(p.nreserved == 4);
    CHECK(same(p.reserved[0].range, R(0x88300000, 0x42a00)));
    CHECK(!p.reserved[0].no_map);
    CHECK(same(p.reserved[1].range, R(0x80000000, 0x80000)));
    CHECK(!p.reserved[1].no_map);
    CHECK(same(p.reserved[2].range, R(0xfa000000, 16 * MiB)));
    CHECK(p.reserved[2].no_map);
    CHECK(same(p.reserved[3].range, R(0x107a000000, 16 * MiB)));
    CHECK(p.reserved[3].no_map);

    CHECK(std::string(p.bootargs) == "console=ttyS0,115200 earlycon");
    CHECK(std::string(p.stdout_path) == "serial0:115200n8");
    CHECK(std::string(p.stdout_options) == "115200n8");
    CHECK(std::string(t.fdt.alias("serial0", 7)) == "/soc/serial@12440000");
    CHECK(p.stdout_node == t.node("/soc/serial@12440000"));
    CHECK(same(p.initrd, R(0x88300000, 0x42a00)));
    CHECK(p.rng_seed == nullptr);
    CHECK(p.timebase_hz == 6250000);
}

TEST_CASE("fdt boards: VisionFive reserved regions, one outside RAM, in the boot memory rules")
{
    Tree t(dts_blob("jh7100-visionfive.dtb"));
    const FdtPlatform p = read_platform(t, 0);
    const BootMemory bm = board_memory(p, R(0x80200000, 0x180000), R(0x27fff4000, 0x3000));
    for (size_t i = 0; i < p.nreserved; i++) CHECK(excluded(bm, p.reserved[i].range));

    PhysRangeSet dm;
    REQUIRE(bm.direct_map(dm).ok());
    CHECK(!dm.contains(PhysAddr(0x80000000)));
    CHECK(dm.contains(PhysAddr(0x80080000)));
    CHECK(dm.contains(PhysAddr(0x88300000))); // the initrd, reserved but read
    CHECK(dm.contains(PhysAddr(0xf9ffffff)));
    CHECK(!dm.contains(PhysAddr(0xfa000000)));
    CHECK(!dm.contains(PhysAddr(0xfaffffff)));
    CHECK(dm.contains(PhysAddr(0xfb000000)));
    CHECK(dm.contains(PhysAddr(0x27fffffff)));
    CHECK(!dm.contains(PhysAddr(0x107a000000))); // never was RAM
    CHECK(dm.total() == 8 * GiB - 0x80000 - 16 * MiB);
}

TEST_CASE("fdt boards: VisionFive boot harts 0 and 1 (U74): ISA, timer, PLIC context 2h+1")
{
    Tree t(dts_blob("jh7100-visionfive.dtb"));
    for (uint64_t hart = 0; hart <= 1; hart++) {
        CAPTURE(hart);
        const FdtPlatform p = read_platform(t, hart);
        const std::string cpu = "/cpus/cpu@" + std::to_string(hart);
        CHECK(p.cpu == t.node(cpu.c_str()));
        CHECK(std::string(p.isa) == "rv64imafdc");
        CHECK(p.isa_extensions.string_count() == 10);
        CHECK(!p.isa_extensions.has_string("zba"));
        CHECK(!p.isa_extensions.has_string("sstc"));
        CHECK(std::string(p.mmu_type) == "riscv,sv39");
        CHECK(fdt_cpu_has_extension(p, "c"));
        CHECK(!fdt_cpu_has_extension(p, "zba"));
        CHECK(!fdt_cpu_has_extension(p, "zbb"));
        CHECK(!fdt_cpu_has_extension(p, "sstc"));
        CHECK(p.timebase_hz == 6250000);

        check_plic(t, p.plic, 133);
        // <&cpuN_intc M>, <&cpuN_intc 9> for each hart.
        CHECK(p.plic.has_context);
        CHECK(p.plic.context == 2 * hart + 1);
        check_plic_driver(p, uint32_t(2 * hart + 1));

        check_dw_uart(t, p.uart, {"/soc/serial@12440000", 0x12440000, 73});
    }
    CHECK(read_platform_error(t, 2, Errno::NoEnt) == "/cpus: no cpu node for the boot hart");
}
