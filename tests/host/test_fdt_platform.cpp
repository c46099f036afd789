// fdt_read_platform and isa_has_extension.  Expected values were read off
// `dtc -I dtb -O dts` of each QEMU blob, and off the tests/data/*.dts
// sources (addresses in BOARDS.md agree where it lists them).
#include "fdt_test_support.h"

#include <drivers/fdt_platform.h>

#include <cstring>
#include <string>

using namespace fdt_test;

TEST_CASE("fdt platform: QEMU virt")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const FdtPlatform p = read_platform(t, 0);
    REQUIRE(p.nram == 1);
    CHECK(same(p.ram[0], R(0x80000000, 256 << 20)));
    CHECK(p.nreserved == 0); // QEMU's own tree: OpenSBI has not added its region yet
    CHECK(std::string(p.bootargs) == "");
    CHECK(std::string(p.stdout_path) == "/soc/serial@10000000");
    CHECK(std::string(p.stdout_options) == "");
    CHECK(p.stdout_node == t.node("/soc/serial@10000000"));
    CHECK(p.initrd.size == 0);
    // QEMU's rng-seed is 8 random cells, new on every run: check where it points.
    CHECK(p.rng_seed_len == 32);
    CHECK(p.rng_seed == t.fdt.property(t.node("/chosen"), "rng-seed").data);
    CHECK(p.timebase_hz == 10000000);
    CHECK(p.boot_hartid == 0);
    CHECK(p.cpu == t.node("/cpus/cpu@0"));
    CHECK(std::string(p.isa) == "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
    CHECK(std::string(p.mmu_type) == "riscv,sv48");
    CHECK(fdt_cpu_has_extension(p, "sstc"));
    CHECK(fdt_cpu_has_extension(p, "h"));

    CHECK(p.uart.kind == FdtUartKind::Ns16550);
    CHECK(std::string(p.uart.compatible) == "ns16550a");
    CHECK(p.uart.node == t.node("/soc/serial@10000000"));
    CHECK(p.uart.base == PhysAddr(0x10000000));
    CHECK(p.uart.size == 0x100);
    CHECK(p.uart.reg_shift == 0);
    CHECK(p.uart.reg_io_width == 1);
    CHECK(p.uart.clock_hz == 3686400);
    CHECK(p.uart.has_irq);
    CHECK(p.uart.irq == 10);
    CHECK(p.uart.irq_parent == 3);

    CHECK(p.plic.present);
    CHECK(p.plic.node == t.node("/soc/plic@c000000"));
    CHECK(p.plic.base == PhysAddr(0xc000000));
    CHECK(p.plic.size == 0x600000);
    CHECK(p.plic.ndev == 96);
    CHECK(p.plic.phandle == 3);
    CHECK(p.plic.has_context);
    CHECK(p.plic.context == 1); // <&intc 11>, <&intc 9>
}

TEST_CASE("fdt platform: QEMU virt as OpenSBI hands it over")
{
    Tree t(src_blob("qemu-virt-opensbi.dtb"));
    const FdtPlatform p = read_platform(t, 0);
    REQUIRE(p.nram == 1);
    CHECK(same(p.ram[0], R(0x80000000, 256 << 20)));
    // /reserved-memory/mmode_resv0@80000000, reg = <0 0x80000000 0 0x80000>, no no-map.
    REQUIRE(p.nreserved == 1);
    CHECK(same(p.reserved[0].range, R(0x80000000, 0x80000)));
    CHECK(!p.reserved[0].no_map);
    // OpenSBI rewrote the M-mode entry to 0xffffffff; the S context stays 1.
    CHECK(p.plic.has_context);
    CHECK(p.plic.context == 1);
    CHECK(p.uart.base == PhysAddr(0x10000000));
    CHECK(p.timebase_hz == 10000000);
}

TEST_CASE("fdt platform: QEMU virt with 8 GiB has RAM above 4 GiB")
{
    Tree t(src_blob("qemu-virt-8g.dtb"));
    const FdtPlatform p = read_platform(t, 0);
    REQUIRE(p.nram == 1);
    CHECK(same(p.ram[0], R(0x80000000, uint64_t(8) << 30)));
    CHECK(p.ram[0].end() == PhysAddr(0x280000000));
}

TEST_CASE("fdt platform: QEMU sifive_u, boot hart 1")
{
    Tree t(src_blob("qemu-sifive_u.dtb"));
    const FdtPlatform p = read_platform(t, 1);
    REQUIRE(p.nram == 1);
    CHECK(same(p.ram[0], R(0x80000000, 128 << 20)));
    CHECK(p.nreserved == 0);
    CHECK(p.timebase_hz == 1000000);
    CHECK(p.cpu == t.node("/cpus/cpu@1"));
    CHECK(std::string(p.isa) == "rv64imafdc_zicsr_zifencei");
    CHECK(!fdt_cpu_has_extension(p, "sstc"));
    CHECK(std::string(p.mmu_type) == "riscv,sv48");
    CHECK(std::string(p.stdout_path) == "/soc/serial@10010000");

    CHECK(p.uart.kind == FdtUartKind::Sifive);
    CHECK(std::string(p.uart.compatible) == "sifive,uart0");
    CHECK(p.uart.base == PhysAddr(0x10010000));
    CHECK(p.uart.size == 0x1000);
    CHECK(p.uart.clock_hz == 0); // clocks = <&prci 3>, no clock-frequency
    CHECK(p.uart.irq == 4);
    CHECK(p.uart.irq_parent == 6);

    CHECK(p.plic.present);
    CHECK(p.plic.base == PhysAddr(0xc000000));
    CHECK(p.plic.size == 0x4000000);
    CHECK(p.plic.ndev == 53);
    CHECK(p.plic.phandle == 6);
    // <&cpu0_intc 11>, <&cpu1_intc 11>, <&cpu1_intc 9>: hart 1's S context is 2.
    CHECK(p.plic.has_context);
    CHECK(p.plic.context == 2);
}

TEST_CASE("fdt platform: QEMU sifive_u, the monitor hart 0 has no S-mode context")
{
    Tree t(src_blob("qemu-sifive_u.dtb"));
    const FdtPlatform p = read_platform(t, 0);
    CHECK(std::string(p.isa) == "rv64imac_zicsr_zifencei");
    CHECK(std::string(p.mmu_type) == "");
    CHECK(p.plic.present);
    CHECK(!p.plic.has_context);
    CHECK(read_platform_error(t, 2, Errno::NoEnt) == "/cpus: no cpu node for the boot hart");
}

TEST_CASE("fdt platform: QEMU sifive_u as OpenSBI hands it over")
{
    Tree t(src_blob("qemu-sifive_u-opensbi.dtb"));
    const FdtPlatform p = read_platform(t, 1); // a0 was 1 at the kernel's entry
    REQUIRE(p.nreserved == 1);
    CHECK(same(p.reserved[0].range, R(0x80000000, 0x80000)));
    CHECK(p.reserved[0].no_map); // this OpenSBI marks it no-map on sifive_u
    CHECK(p.plic.has_context);
    CHECK(p.plic.context == 2);
    CHECK(p.uart.base == PhysAddr(0x10010000));
}

TEST_CASE("fdt platform: the test board (fdt-board.dts), boot hart 1")
{
    Tree t(dts_blob("fdt-board.dtb"));
    const FdtPlatform p = read_platform(t, 1);
    // The disabled memory@200000000 is left out.
    REQUIRE(p.nram == 3);
    CHECK(same(p.ram[0], R(0x40000000, 0x40000000)));
    CHECK(same(p.ram[1], R(0x100000000, 0x20000000)));
    CHECK(same(p.ram[2], R(0x140000000, 0x10000000)));

    // /memreserve/ first, then reserved-memory children with a reg: the
    // size-only linux,cma and the disabled unused@7e000000 are skipped.
    REQUIRE(p.nreserved == 4);
    CHECK(same(p.reserved[0].range, R(0x48000000, 0x10000)));
    CHECK(!p.reserved[0].no_map);
    CHECK(same(p.reserved[1].range, R(0x7ff00000, 0x1000)));
    CHECK(same(p.reserved[2].range, R(0x40000000, 0x80000)));
    CHECK(p.reserved[2].no_map);
    CHECK(same(p.reserved[3].range, R(0x7f000000, 0x100000)));
    CHECK(!p.reserved[3].no_map);

    CHECK(std::string(p.bootargs) == "console=ttyS0 init=/bin/sh");
    CHECK(std::string(p.stdout_path) == "serial0:115200n8");
    CHECK(std::string(p.stdout_options) == "115200n8");
    CHECK(p.stdout_node == t.node("/soc/apb@10000000/serial@2000"));
    CHECK(same(p.initrd, R(0x100100000, 0x80000)));
    REQUIRE(p.rng_seed_len == 10);
    for (size_t i = 0; i < 10; i++) CHECK(p.rng_seed[i] == i + 1);

    CHECK(p.timebase_hz == 4000000); // only in the cpu nodes
    CHECK(std::string(p.isa) == "rv64imafdc_zicsr_zifencei_zba_zbb");
    CHECK(std::string(p.mmu_type) == "riscv,sv39");
    CHECK(fdt_cpu_has_extension(p, "zbb"));
    CHECK(!fdt_cpu_has_extension(p, "sstc"));

    CHECK(p.uart.kind == FdtUartKind::DesignWare);
    CHECK(std::string(p.uart.compatible) == "snps,dw-apb-uart");
    CHECK(p.uart.base == PhysAddr(0x10002000)); // 0x2000 through apb's ranges
    CHECK(p.uart.size == 0x100);
    CHECK(p.uart.reg_shift == 2);
    CHECK(p.uart.reg_io_width == 4);
    CHECK(p.uart.clock_hz == 24000000);
    CHECK(p.uart.irq == 32);
    const FdtNode plic = t.node("/soc/interrupt-controller@c000000");
    CHECK(p.uart.irq_parent == t.fdt.phandle(plic)); // inherited from apb
    CHECK(p.uart.irq_parent != 0);

    CHECK(p.plic.present);
    CHECK(p.plic.node == plic);
    CHECK(p.plic.base == PhysAddr(0xc000000));
    CHECK(p.plic.size == 0x4000000);
    CHECK(p.plic.ndev == 136);
    CHECK(p.plic.has_context);
    CHECK(p.plic.context == 2); // <&intc0 11>, <&intc1 11>, <&intc1 9>
}

TEST_CASE("fdt platform: the test board's other harts")
{
    Tree t(dts_blob("fdt-board.dtb"));
    // Hart 0: only an M-mode context; its cpu node is disabled but is the
    // one we run on, so it is read all the same.
    const FdtPlatform p0 = read_platform(t, 0);
    CHECK(p0.cpu == t.node("/cpus/cpu@0"));
    CHECK(std::string(p0.isa) == "rv64imac_zba_zbb");
    CHECK(p0.plic.present);
    CHECK(!p0.plic.has_context);
    // Hart 2: S context 4 (not 2h+1 = 5); ISA from riscv,isa-extensions.
    const FdtPlatform p2 = read_platform(t, 2);
    CHECK(p2.plic.has_context);
    CHECK(p2.plic.context == 4);
    CHECK(std::string(p2.isa) == "");
    CHECK(fdt_cpu_has_extension(p2, "sstc"));
    CHECK(fdt_cpu_has_extension(p2, "C"));
    CHECK(!fdt_cpu_has_extension(p2, "zba"));
    CHECK(!fdt_cpu_has_extension(p2, "sst"));
}

TEST_CASE("fdt platform: the UART choice falls back past disabled and unsupported nodes")
{
    Tree t(dts_blob("fdt-board.dtb"));
    const Fdt& fdt = t.fdt;
    // No preference, a disabled UART, a node that is no UART: the first
    // enabled supported UART in document order, serial@2000.
    for (FdtNode pref :
         {FdtNode{}, t.node("/soc/serial@10000000"), t.node("/soc/interrupt-controller@c000000")}) {
        auto u = fdt_find_uart(fdt, pref);
        REQUIRE(u.ok());
        CHECK(u.value().node == t.node("/soc/apb@10000000/serial@2000"));
    }
    auto other = fdt_find_uart(fdt, t.node("/soc/apb@10000000/serial@3000"));
    REQUIRE(other.ok());
    CHECK(other.value().kind == FdtUartKind::Ns16550);
    CHECK(other.value().base == PhysAddr(0x10003000));
    CHECK(other.value().reg_shift == 0);
    CHECK(other.value().reg_io_width == 1);
    CHECK(other.value().clock_hz == 0);
    CHECK(other.value().irq == 33);
    CHECK(other.value().irq_parent == fdt.phandle(t.node("/soc/interrupt-controller@c000000")));
    // On virt, whatever the preference, serial@10000000 is the only UART.
    Tree virt(src_blob("qemu-virt.dtb"));
    CHECK(fdt_find_uart(virt.fdt, {}).value().base == PhysAddr(0x10000000));
}

TEST_CASE("fdt platform: a minimal tree (fdt-minimal.dts)")
{
    Tree t(dts_blob("fdt-minimal.dtb"));
    const FdtPlatform p = read_platform(t, 0);
    REQUIRE(p.nram == 1);
    CHECK(same(p.ram[0], R(0x80000000, 0x4000000)));
    CHECK(p.nreserved == 0);
    CHECK(std::string(p.stdout_path) == "/nowhere@0:9600");
    CHECK(std::string(p.stdout_options) == "9600");
    CHECK(!p.stdout_node.valid());
    CHECK(same(p.initrd, R(0x84000000, 0x1000))); // one-cell initrd properties
    CHECK(p.rng_seed == nullptr);
    CHECK(p.rng_seed_len == 0);
    CHECK(p.timebase_hz == 6250000);
    CHECK(std::string(p.mmu_type) == "");
    CHECK(fdt_cpu_has_extension(p, "zicsr")); // RV64GC
    CHECK(fdt_cpu_has_extension(p, "c"));
    CHECK(!fdt_cpu_has_extension(p, "sstc"));
    CHECK(p.uart.kind == FdtUartKind::None); // not an error
    CHECK(!p.uart.node.valid());
    CHECK(!p.plic.present);
}

TEST_CASE("fdt platform: what the kernel cannot do without is an error with a reason")
{
    CHECK(read_platform_error(Tree(dts_blob("fdt-err-no-memory.dtb")), 0, Errno::NoEnt) ==
          "no memory node with a reg");
    CHECK(read_platform_error(Tree(dts_blob("fdt-err-no-timebase.dtb")), 0, Errno::NoEnt) ==
          "/cpus: no timebase-frequency");
    // ... while hart 1 of the same tree has its own.
    Tree tb(dts_blob("fdt-err-no-timebase.dtb"));
    CHECK(read_platform(tb, 1).timebase_hz == 10000000);
    CHECK(read_platform_error(Tree(dts_blob("fdt-err-bad-uart-reg.dtb")), 0, Errno::Inval) ==
          "/soc/serial@10000000: reg length is not a whole number of entries");
    CHECK(read_platform_error(Tree(dts_blob("fdt-err-too-much-ram.dtb")), 0, Errno::NoSpc) ==
          "/memory@80000000: more RAM ranges than the kernel has room for");
    CHECK(read_platform_error(Tree(dts_blob("fdt-err-initrd.dtb")), 0, Errno::Inval) ==
          "/chosen: only one of linux,initrd-start and linux,initrd-end");
}

TEST_CASE("isa_has_extension")
{
    const char* virt = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc";
    for (const char* e : {"i", "m", "a", "f", "d", "c", "h", "zicsr", "zifencei", "zihintpause",
                          "zba", "zbs", "sstc", "SSTC", "Zicsr", "H"})
        CHECK_MESSAGE(isa_has_extension(virt, e), e);
    for (const char* e :
         {"v", "g", "s", "z", "sst", "sstcx", "zb", "zicsr_", "rv64", "", "imafdch"})
        CHECK_MESSAGE(!isa_has_extension(virt, e), e);

    // G is IMAFD_Zicsr_Zifencei.
    for (const char* e : {"g", "i", "m", "a", "f", "d", "c", "zicsr", "zifencei"})
        CHECK_MESSAGE(isa_has_extension("rv64gc", e), e);
    CHECK(!isa_has_extension("rv64gc", "h"));
    CHECK(!isa_has_extension("rv64gc", "sstc"));
    CHECK(isa_has_extension("RV64GC", "d"));

    // Versions are not extensions: "2p1" holds no P, "zicsr2p0" is Zicsr.
    const char* versioned = "rv64i2p1m2p0a2p1f2p2d2p2c2p0h1p0_zicsr2p0_zifencei2p0_sstc1p0";
    for (const char* e : {"i", "m", "a", "f", "d", "c", "h", "zicsr", "zifencei", "sstc"})
        CHECK_MESSAGE(isa_has_extension(versioned, e), e);
    CHECK(!isa_has_extension(versioned, "p"));
    CHECK(isa_has_extension("rv64ip_zbb", "p")); // a P after a letter is the extension

    // Names that end in digits or letters after digits stay whole.
    CHECK(isa_has_extension("rv64imac_zve32x_zvl128b", "zve32x"));
    CHECK(isa_has_extension("rv64imac_zve32x_zvl128b", "zvl128b"));
    CHECK(!isa_has_extension("rv64imac_zve32x_zvl128b", "zve32"));
    CHECK(!isa_has_extension("rv64imac_zve32x_zvl128b", "zve"));

    // The sifive_u harts.
    CHECK(!isa_has_extension("rv64imac_zicsr_zifencei", "f"));
    CHECK(isa_has_extension("rv32imac", "c"));
    CHECK(isa_has_extension("rv64imacsstc", "sstc")); // a multi-letter name right after the letters

    // Not an ISA string.
    for (const char* isa : {"", "r", "rv", "rvi", "riscv", "x86_64"})
        CHECK(!isa_has_extension(isa, "i"));
    CHECK(!isa_has_extension(nullptr, "i"));
    CHECK(!isa_has_extension("rv64i", nullptr));
}
