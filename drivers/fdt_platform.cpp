// fdt_read_platform: RAM, reserved regions, /chosen, the boot hart's cpu
// node and the timebase.  The UART and the PLIC are in fdt_devices.cpp.
#include <drivers/fdt_platform.h>

#include <string.h>

namespace {

bool string_is(const FdtProp& p, const char* want)
{
    auto s = p.string();
    return s.ok() && strcmp(s.value(), want) == 0;
}

// An optional string property: "" when absent, an error when malformed.
FdtResult<const char*> optional_string(const Fdt& fdt, FdtNode n, const char* name)
{
    const FdtProp p = fdt.property(n, name);
    if (!p.present()) return "";
    return p.string();
}

FdtResult<void> add_ram(FdtPlatform& plat, const FdtRegion& r, FdtNode n)
{
    if (r.size == 0) return {};
    if (plat.nram == FdtPlatform::kMaxRam)
        return fdt_error("more RAM ranges than the kernel has room for", n, Errno::NoSpc);
    plat.ram[plat.nram++] = PhysRange{PhysAddr(r.addr), r.size};
    return {};
}

FdtResult<void> add_reserved(FdtPlatform& plat, const FdtRegion& r, bool no_map, FdtNode n)
{
    if (r.size == 0) return {};
    if (plat.nreserved == FdtPlatform::kMaxReserved)
        return fdt_error("more reserved ranges than the kernel has room for", n, Errno::NoSpc);
    plat.reserved[plat.nreserved++] = FdtReserved{PhysRange{PhysAddr(r.addr), r.size}, no_map};
    return {};
}

// Every reg entry of every enabled device_type = "memory" node under the
// root (one without a reg describes nothing).
FdtResult<void> read_memory(const Fdt& fdt, FdtPlatform& plat)
{
    for (FdtNode n : fdt.children(fdt.root())) {
        if (!string_is(fdt.property(n, "device_type"), "memory") || !fdt.is_enabled(n)) continue;
        if (!fdt.has_property(n, "reg")) continue;
        const uint32_t count = FDT_TRY(fdt.reg_count(n));
        for (uint32_t i = 0; i < count; i++) {
            const FdtRegion r = FDT_TRY(fdt.reg_translated(n, i));
            FDT_TRY(add_ram(plat, r, n));
        }
    }
    if (plat.nram == 0) return fdt_error("no memory node with a reg", {}, Errno::NoEnt);
    return {};
}

// The /memreserve/ block, then the static /reserved-memory children.
FdtResult<void> read_reserved(const Fdt& fdt, FdtPlatform& plat)
{
    for (uint32_t i = 0; i < fdt.memreserve_count(); i++) {
        const FdtRegion r = fdt.memreserve(i);
        if (r.size != 0 && r.addr + (r.size - 1) < r.addr)
            return fdt_error("memreserve entry wraps around the address space");
        FDT_TRY(add_reserved(plat, r, false, {}));
    }
    const FdtNode resmem = fdt.subnode(fdt.root(), "reserved-memory", 15);
    for (FdtNode n : fdt.children(resmem)) {
        if (!fdt.is_enabled(n) || !fdt.has_property(n, "reg")) continue;
        const bool no_map = fdt.has_property(n, "no-map");
        const uint32_t count = FDT_TRY(fdt.reg_count(n));
        for (uint32_t i = 0; i < count; i++) {
            const FdtRegion r = FDT_TRY(fdt.reg_translated(n, i));
            FDT_TRY(add_reserved(plat, r, no_map, n));
        }
    }
    return {};
}

FdtResult<void> read_initrd(const Fdt& fdt, FdtNode chosen, FdtPlatform& plat)
{
    const FdtProp start = fdt.property(chosen, "linux,initrd-start");
    const FdtProp end = fdt.property(chosen, "linux,initrd-end");
    if (!start.present() && !end.present()) return {};
    if (!start.present() || !end.present())
        return fdt_error("only one of linux,initrd-start and linux,initrd-end", chosen);
    const uint64_t s = FDT_TRY(start.u32_or_u64());
    const uint64_t e = FDT_TRY(end.u32_or_u64());
    if (e < s) return fdt_error("initrd ends before it starts", chosen);
    plat.initrd = PhysRange{PhysAddr(s), e - s};
    return {};
}

// stdout-path is "path-or-alias[:options]"; a path that names nothing is
// not an error (the console falls back to the first UART).
FdtResult<void> read_stdout_path(const Fdt& fdt, FdtNode chosen, FdtPlatform& plat)
{
    FdtProp p = fdt.property(chosen, "stdout-path");
    if (!p.present()) p = fdt.property(chosen, "linux,stdout-path");
    if (!p.present()) return {};
    const char* s = FDT_TRY(p.string());
    plat.stdout_path = s;
    const char* colon = strchr(s, ':');
    const size_t len = colon != nullptr ? size_t(colon - s) : strlen(s);
    plat.stdout_options = colon != nullptr ? colon + 1 : "";
    auto node = fdt.resolve_path(s, len);
    if (node.ok()) plat.stdout_node = node.value();
    return {};
}

FdtResult<void> read_chosen(const Fdt& fdt, FdtPlatform& plat)
{
    const FdtNode chosen = fdt.subnode(fdt.root(), "chosen", 6);
    if (!chosen.valid()) return {};
    plat.bootargs = FDT_TRY(optional_string(fdt, chosen, "bootargs"));
    FDT_TRY(read_stdout_path(fdt, chosen, plat));
    FDT_TRY(read_initrd(fdt, chosen, plat));
    const FdtProp seed = fdt.property(chosen, "rng-seed");
    if (seed.present()) {
        plat.rng_seed = seed.data;
        plat.rng_seed_len = seed.len;
    }
    return {};
}

// The cpu node under /cpus whose reg is the hart id.
FdtResult<FdtNode> find_cpu(const Fdt& fdt, FdtNode cpus, uint64_t hartid)
{
    for (FdtNode n : fdt.children(cpus)) {
        if (!string_is(fdt.property(n, "device_type"), "cpu")) continue;
        if (FDT_TRY(fdt.reg(n, 0)).addr == hartid) return n;
    }
    return fdt_error("no cpu node for the boot hart", cpus, Errno::NoEnt);
}

// timebase-frequency lives in /cpus, or (older trees) in each cpu node.
FdtResult<void> read_cpu(const Fdt& fdt, FdtPlatform& plat)
{
    const FdtNode cpus = fdt.subnode(fdt.root(), "cpus", 4);
    if (!cpus.valid()) return fdt_error("no /cpus node", {}, Errno::NoEnt);
    plat.cpu = FDT_TRY(find_cpu(fdt, cpus, plat.boot_hartid));
    plat.isa = FDT_TRY(optional_string(fdt, plat.cpu, "riscv,isa"));
    plat.isa_extensions = fdt.property(plat.cpu, "riscv,isa-extensions");
    plat.mmu_type = FDT_TRY(optional_string(fdt, plat.cpu, "mmu-type"));

    FdtProp tb = fdt.property(cpus, "timebase-frequency");
    if (!tb.present()) tb = fdt.property(plat.cpu, "timebase-frequency");
    if (!tb.present()) return fdt_error("no timebase-frequency", cpus, Errno::NoEnt);
    plat.timebase_hz = FDT_TRY(tb.u32_or_u64());
    if (plat.timebase_hz == 0) return fdt_error("timebase-frequency is 0", tb.node);
    return {};
}

} // namespace

FdtResult<FdtPlatform> fdt_read_platform(const Fdt& fdt, uint64_t boot_hartid)
{
    FdtPlatform plat;
    plat.boot_hartid = boot_hartid;
    FDT_TRY(read_memory(fdt, plat));
    FDT_TRY(read_reserved(fdt, plat));
    FDT_TRY(read_chosen(fdt, plat));
    FDT_TRY(read_cpu(fdt, plat));
    plat.uart = FDT_TRY(fdt_find_uart(fdt, plat.stdout_node));
    plat.plic = FDT_TRY(fdt_find_plic(fdt, plat.cpu));
    return plat;
}
