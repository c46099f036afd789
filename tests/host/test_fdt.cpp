// The generic FDT reader against real trees (QEMU's, and tests/data/*.dts
// compiled by dtc).  Expected values were read off `dtc -I dtb -O dts` of
// each blob, not off this reader.
#include "fdt_test_support.h"

#include <cstring>
#include <set>
#include <string>

using namespace fdt_test;

namespace {

std::string path_of(const Fdt& fdt, FdtNode n)
{
    char buf[Fdt::kMaxPath];
    fdt.path(n, buf, sizeof buf);
    return buf;
}

std::vector<std::string> child_names(const Fdt& fdt, FdtNode n)
{
    std::vector<std::string> out;
    for (FdtNode c : fdt.children(n)) out.push_back(fdt.name(c));
    return out;
}

size_t count_nodes(const Fdt& fdt)
{
    size_t n = 0;
    for (FdtNode c = fdt.root(); c.valid(); c = fdt.next_node(c)) n++;
    return n;
}

} // namespace

TEST_CASE("fdt: open reads the header of every QEMU tree")
{
    for (const char* name : kQemuBlobs) {
        INFO(name);
        const Bytes bytes = src_blob(name);
        Tree t(bytes);
        CHECK(t.fdt.total_size() == bytes.size()); // the files are cut at totalsize
        CHECK(t.fdt.version() == 17);
        CHECK(t.fdt.boot_cpuid() == 0);
        CHECK(t.fdt.memreserve_count() == 0);
        CHECK(t.fdt.blob() == t.blob.data.get());
        CHECK(std::string(t.fdt.name(t.fdt.root())) == "");
    }
}

TEST_CASE("fdt: virt nodes, names and iteration")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const Fdt& fdt = t.fdt;
    CHECK(count_nodes(fdt) == 30);
    CHECK(child_names(fdt, fdt.root()) ==
          std::vector<std::string>{"pmu", "fw-cfg@10100000", "flash@20000000", "chosen", "poweroff",
                                   "reboot", "platform-bus@4000000", "memory@80000000", "cpus",
                                   "soc"});
    CHECK(child_names(fdt, t.node("/cpus")) == std::vector<std::string>{"cpu@0", "cpu-map"});
    CHECK(child_names(fdt, t.node("/soc")).size() == 14);
    CHECK(!fdt.first_child(t.node("/platform-bus@4000000")).valid());

    const FdtNode uart = t.node("/soc/serial@10000000");
    CHECK(std::string(fdt.name(uart)) == "serial@10000000");
    CHECK(std::string(fdt.unit_address(uart)) == "10000000");
    CHECK(std::string(fdt.unit_address(t.node("/chosen"))) == "");
    CHECK(fdt.name_is(uart, "serial"));
    CHECK(!fdt.name_is(uart, "seria"));
    CHECK(fdt.parent(uart) == t.node("/soc"));
    CHECK(fdt.parent(t.node("/soc")) == fdt.root());
    CHECK(!fdt.parent(fdt.root()).valid());
    CHECK(path_of(fdt, uart) == "/soc/serial@10000000");
    CHECK(path_of(fdt, fdt.root()) == "/");
    CHECK(path_of(fdt, t.node("/cpus/cpu-map/cluster0/core0")) == "/cpus/cpu-map/cluster0/core0");
}

TEST_CASE("fdt: find_node paths")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const Fdt& fdt = t.fdt;
    CHECK(t.node("/") == fdt.root());
    CHECK(t.node("/memory") == t.node("/memory@80000000")); // unit address optional
    CHECK(t.node("/soc/") == t.node("/soc"));
    CHECK(t.node("//soc//serial") == t.node("/soc/serial@10000000"));
    CHECK(fdt.find_node("/soc/serial@10000001").error() == Errno::NoEnt);
    CHECK(fdt.find_node("/nonexistent").error() == Errno::NoEnt);
    CHECK(fdt.find_node("/cpus/cpu@0/interrupt-controller/x").error() == Errno::NoEnt);
    auto relative = fdt.find_node("soc");
    CHECK(relative.error() == Errno::Inval);
    CHECK(std::string(relative.reason()) == "path is not absolute");
    CHECK(fdt.find_node("").error() == Errno::Inval);
    // A length-limited path: only the first 4 bytes count.
    CHECK(fdt.find_node("/socXYZ", 4).value() == t.node("/soc"));
}

TEST_CASE("fdt: every node's path leads back to it, and parents agree with children")
{
    for (const char* name : kQemuBlobs) {
        INFO(name);
        Tree t(src_blob(name));
        const Fdt& fdt = t.fdt;
        for (FdtNode n = fdt.root(); n.valid(); n = fdt.next_node(n)) {
            const std::string p = path_of(fdt, n);
            INFO(p);
            CHECK(t.node(p.c_str()) == n);
            if (n == fdt.root()) continue;
            const FdtNode parent = fdt.parent(n);
            bool found = false;
            for (FdtNode c : fdt.children(parent)) found |= c == n;
            CHECK(found);
        }
    }
}

TEST_CASE("fdt: path() truncates like snprintf")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const FdtNode n = t.node("/soc/serial@10000000");
    char buf[8];
    CHECK(t.fdt.path(n, buf, sizeof buf) == strlen("/soc/serial@10000000"));
    CHECK(std::string(buf) == "/soc/se");
    CHECK(t.fdt.path(n, nullptr, 0) == strlen("/soc/serial@10000000"));
}

TEST_CASE("fdt: properties of virt")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const Fdt& fdt = t.fdt;
    size_t props = 0;
    for (FdtNode n = fdt.root(); n.valid(); n = fdt.next_node(n))
        for (FdtProp p : fdt.properties(n)) {
            CHECK(p.node == n);
            props++;
        }
    CHECK(props == 115);

    std::vector<std::string> names;
    for (FdtProp p : fdt.properties(t.node("/chosen"))) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"rng-seed", "stdout-path"});

    const FdtNode uart = t.node("/soc/serial@10000000");
    const FdtProp clock = fdt.property(uart, "clock-frequency");
    REQUIRE(clock.present());
    CHECK(clock.len == 4);
    CHECK(clock.u32().value() == 3686400); // bytes 00 38 40 00
    CHECK(clock.u32_or_u64().value() == 3686400);
    CHECK(clock.u64().error() == Errno::Inval);
    CHECK(clock.string().error() == Errno::Inval); // starts with a NUL
    CHECK(fdt.u32_property(uart, "interrupts").value() == 10);
    CHECK(fdt.u32_property(uart, "nope").error() == Errno::NoEnt);
    CHECK(std::string(fdt.string_property(uart, "compatible").value()) == "ns16550a");
    CHECK(!fdt.property(uart, "status").present());
    CHECK(fdt.has_property(t.node("/fw-cfg@10100000"), "dma-coherent"));
    CHECK(fdt.property(t.node("/fw-cfg@10100000"), "dma-coherent").empty());
    CHECK(fdt.property(t.node("/chosen"), "rng-seed").len == 32);
    // Property names are whole: a prefix does not match.
    CHECK(!fdt.property(uart, "interrupt").present());
    CHECK(fdt.property(uart, "interruptsXX", 10).present());
}

TEST_CASE("fdt: string lists and compatible")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const Fdt& fdt = t.fdt;
    const FdtProp compat = fdt.property(t.node("/soc/test@100000"), "compatible");
    CHECK(compat.string_count() == 3);
    CHECK(std::string(compat.string_at(0)) == "sifive,test1");
    CHECK(std::string(compat.string_at(1)) == "sifive,test0");
    CHECK(std::string(compat.string_at(2)) == "syscon");
    CHECK(compat.string_at(3) == nullptr);
    CHECK(compat.has_string("syscon"));
    CHECK(!compat.has_string("sifive,test"));
    CHECK(compat.string().error() == Errno::Inval); // a list, not one string

    const FdtNode plic = t.node("/soc/plic@c000000");
    CHECK(fdt.is_compatible(plic, "riscv,plic0"));
    CHECK(fdt.is_compatible(plic, "sifive,plic-1.0.0"));
    CHECK(!fdt.is_compatible(plic, "riscv"));
    // A cell value is not a string list.
    CHECK(fdt.property(plic, "riscv,ndev").string_count() == 0);

    std::vector<std::string> virtio;
    for (FdtNode n = fdt.find_compatible({}, "virtio,mmio"); n.valid();
         n = fdt.find_compatible(n, "virtio,mmio"))
        virtio.push_back(fdt.unit_address(n));
    CHECK(virtio == std::vector<std::string>{"10008000", "10007000", "10006000", "10005000",
                                             "10004000", "10003000", "10002000", "10001000"});
    CHECK(!fdt.find_compatible({}, "no,such-device").valid());
}

TEST_CASE("fdt: cells, reg and address translation on virt")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const Fdt& fdt = t.fdt;
    CHECK(fdt.address_cells(fdt.root()).value() == 2);
    CHECK(fdt.size_cells(fdt.root()).value() == 2);
    CHECK(fdt.address_cells(t.node("/cpus")).value() == 1);
    CHECK(fdt.size_cells(t.node("/cpus")).value() == 0);
    // Defaults when absent: 2 and 1.
    CHECK(fdt.address_cells(t.node("/chosen")).value() == 2);
    CHECK(fdt.size_cells(t.node("/chosen")).value() == 1);

    const FdtNode uart = t.node("/soc/serial@10000000");
    CHECK(fdt.reg_count(uart).value() == 1);
    CHECK(fdt.reg(uart, 0).value() == FdtRegion{0x10000000, 0x100});
    CHECK(fdt.reg(uart, 1).error() == Errno::NoEnt);
    CHECK(fdt.reg_translated(uart, 0).value() == FdtRegion{0x10000000, 0x100}); // soc has `ranges;`

    const FdtNode flash = t.node("/flash@20000000");
    CHECK(fdt.reg_count(flash).value() == 2);
    CHECK(fdt.reg(flash, 0).value() == FdtRegion{0x20000000, 0x2000000});
    CHECK(fdt.reg(flash, 1).value() == FdtRegion{0x22000000, 0x2000000});

    // cpu reg under #size-cells 0.
    CHECK(fdt.reg(t.node("/cpus/cpu@0"), 0).value() == FdtRegion{0, 0});
    CHECK(fdt.reg(t.node("/chosen"), 0).error() == Errno::NoEnt);
    CHECK(fdt.reg(fdt.root(), 0).error() == Errno::Inval);

    // PCI ranges: a 3-cell child address whose top cell is not zero does not
    // fit 64 bits.
    FdtCells cells(fdt.property(t.node("/soc/pci@30000000"), "ranges"));
    CHECK(cells.remaining() == 21);
    auto wide = cells.read(3);
    CHECK(wide.error() == Errno::Inval);
    CHECK(std::string(wide.reason()) == "number wider than 64 bits");
    CHECK(cells.remaining() == 21); // nothing consumed
    CHECK(cells.read(5).error() == Errno::Inval);
    CHECK(cells.read(1).value() == 0x1000000);
    CHECK(cells.read(2).value() == 0);
    CHECK(cells.read(2).value() == 0x3000000);
    CHECK(cells.read(0).value() == 0);
    CHECK(cells.remaining() == 16);
}

TEST_CASE("fdt: phandles and interrupt parents")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const Fdt& fdt = t.fdt;
    const FdtNode plic = t.node("/soc/plic@c000000");
    CHECK(fdt.phandle(plic) == 3);
    CHECK(fdt.find_phandle(3) == plic);
    CHECK(fdt.find_phandle(2) == t.node("/cpus/cpu@0/interrupt-controller"));
    CHECK(fdt.phandle(t.node("/soc")) == 0);
    CHECK(!fdt.find_phandle(0).valid());
    CHECK(!fdt.find_phandle(0xffffffff).valid());
    CHECK(!fdt.find_phandle(77).valid());
    CHECK(fdt.interrupt_parent(t.node("/soc/serial@10000000")).value() == plic);
    CHECK(fdt.interrupt_parent(t.node("/soc")).error() == Errno::NoEnt);
}

TEST_CASE("fdt: status")
{
    Tree virt(src_blob("qemu-virt.dtb"));
    CHECK(virt.fdt.is_enabled(virt.node("/cpus/cpu@0")));          // "okay"
    CHECK(virt.fdt.is_enabled(virt.node("/soc/serial@10000000"))); // absent
    // OpenSBI marks sifive_u's monitor hart disabled.
    Tree su(src_blob("qemu-sifive_u-opensbi.dtb"));
    CHECK(!su.fdt.is_enabled(su.node("/cpus/cpu@0")));
    CHECK(su.fdt.is_enabled(su.node("/cpus/cpu@1")));
    Tree board(dts_blob("fdt-board.dtb"));
    CHECK(!board.fdt.is_enabled(board.node("/soc/serial@10000000")));
}

TEST_CASE("fdt: aliases on sifive_u")
{
    Tree t(src_blob("qemu-sifive_u.dtb"));
    const Fdt& fdt = t.fdt;
    CHECK(std::string(fdt.alias("serial0", 7)) == "/soc/serial@10010000");
    CHECK(std::string(fdt.alias("serial1", 7)) == "/soc/serial@10011000");
    CHECK(fdt.alias("serial", 6) == nullptr);
    CHECK(fdt.alias("serial2", 7) == nullptr);
    CHECK(fdt.resolve_path("serial1", 7).value() == t.node("/soc/serial@10011000"));
    CHECK(fdt.resolve_path("serial0:115200", 7).value() == t.node("/soc/serial@10010000"));
    CHECK(fdt.resolve_path("/soc/serial@10011000", 20).value() == t.node("/soc/serial@10011000"));
    CHECK(fdt.resolve_path("ethernet0/ethernet-phy@0", 24).value() ==
          t.node("/soc/ethernet@10090000/ethernet-phy@0"));
    CHECK(fdt.resolve_path("ethernet0/nothing", 17).error() == Errno::NoEnt);
    auto none = fdt.resolve_path("nosuch", 6);
    CHECK(none.error() == Errno::NoEnt);
    CHECK(std::string(none.reason()) == "no such alias");
    // virt has no /aliases at all.
    Tree virt(src_blob("qemu-virt.dtb"));
    CHECK(virt.fdt.alias("serial0", 7) == nullptr);
}

TEST_CASE("fdt: memreserve entries, ranges and a bus without ranges (fdt-board.dts)")
{
    Tree t(dts_blob("fdt-board.dtb"));
    const Fdt& fdt = t.fdt;
    REQUIRE(fdt.memreserve_count() == 2);
    CHECK(fdt.memreserve(0) == FdtRegion{0x48000000, 0x10000});
    CHECK(fdt.memreserve(1) == FdtRegion{0x7ff00000, 0x1000});

    // apb: ranges = <0x0  0x0 0x10000000  0x100000>
    const FdtNode uart = t.node("/soc/apb@10000000/serial@2000");
    CHECK(fdt.reg(uart, 0).value() == FdtRegion{0x2000, 0x100});
    CHECK(fdt.reg_translated(uart, 0).value() == FdtRegion{0x10002000, 0x100});
    CHECK(fdt.translate(uart, 0).value() == 0x10000000);
    CHECK(fdt.translate(uart, 0xfffff).value() == 0x100fffff);
    auto outside = fdt.translate(uart, 0x100000);
    CHECK(outside.error() == Errno::Inval);
    CHECK(std::string(outside.reason()) == "address outside the ranges of its bus");
    CHECK(outside.fdt_error().node == t.node("/soc/apb@10000000"));
    // A range that starts inside the window but runs out of it.
    CHECK(fdt.translate(uart, 0xfff00, 0x200).error() == Errno::Inval);

    const FdtNode timer = t.node("/soc/isolated@20000000/timer@100");
    CHECK(fdt.reg(timer, 0).value() == FdtRegion{0x100, 0x10});
    auto untranslatable = fdt.reg_translated(timer, 0);
    CHECK(std::string(untranslatable.reason()) == "bus has no ranges to translate through");

    // Interrupt parent inherited from the apb bus.
    CHECK(fdt.interrupt_parent(t.node("/soc/apb@10000000/serial@3000")).value() ==
          t.node("/soc/interrupt-controller@c000000"));
    // initrd cells: two cells each.
    const FdtNode chosen = t.node("/chosen");
    CHECK(fdt.property(chosen, "linux,initrd-start").u64().value() == 0x100100000);
    CHECK(fdt.property(chosen, "linux,initrd-start").u32().error() == Errno::Inval);
}

TEST_CASE("fdt: errors describe themselves with the node's path")
{
    Tree t(dts_blob("fdt-board.dtb"));
    const FdtNode uart = t.node("/soc/apb@10000000/serial@2000");
    char buf[128];
    auto r = t.fdt.translate(uart, 0x100000);
    REQUIRE(!r.ok());
    fdt_describe_error(t.fdt, r.fdt_error(), buf, sizeof buf);
    CHECK(std::string(buf) == "/soc/apb@10000000: address outside the ranges of its bus");
    fdt_describe_error(t.fdt, fdt_error("bad magic"), buf, sizeof buf);
    CHECK(std::string(buf) == "bad magic");
}

TEST_CASE("fdt: a node value that is not a node reads as nothing")
{
    Tree t(src_blob("qemu-virt.dtb"));
    const Fdt& fdt = t.fdt;
    const FdtProp prop = fdt.property(t.node("/soc"), "compatible");
    // Not a node: none, misaligned, the offset of a property token, far away.
    for (FdtNode bogus : {FdtNode{}, FdtNode{2}, FdtNode{prop.offset}, FdtNode{0xfffffff0}}) {
        CHECK(fdt.name(bogus) == nullptr);
        CHECK(fdt.unit_address(bogus) == nullptr);
        CHECK(!fdt.name_is(bogus, ""));
        CHECK(!fdt.first_child(bogus).valid());
        CHECK(!fdt.next_sibling(bogus).valid());
        CHECK(!fdt.next_node(bogus).valid());
        CHECK(!fdt.parent(bogus).valid());
        CHECK(!fdt.first_property(bogus).present());
        CHECK(!fdt.property(bogus, "compatible").present());
        CHECK(fdt.reg(bogus, 0).error() == Errno::Inval);
        CHECK(fdt.translate(bogus, 0).error() == Errno::Inval);
        char buf[16];
        CHECK(fdt.path(bogus, buf, sizeof buf) == 0);
        CHECK(std::string(buf) == "");
    }
    // An empty reader has no nodes at all.
    Fdt empty;
    CHECK(!empty.root().valid());
    CHECK(empty.name(FdtNode{0}) == nullptr);
    CHECK(empty.find_node("/").error() == Errno::NoEnt);
}
