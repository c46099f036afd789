// The device-tree reader's property conventions: cells, strings and string
// lists, #address-cells/#size-cells, reg, ranges translation, status,
// compatible, phandles and interrupt parents (devicetree spec, chapter 2).
#include <drivers/fdt.h>

#include <string.h>

FdtResult<uint32_t> FdtProp::u32() const
{
    if (len != 4) return fdt_error("property is not one cell", node);
    return fdt_be32(data);
}

FdtResult<uint64_t> FdtProp::u64() const
{
    if (len != 8) return fdt_error("property is not two cells", node);
    return fdt_be64(data);
}

FdtResult<uint64_t> FdtProp::u32_or_u64() const
{
    if (len == 4) return uint64_t(fdt_be32(data));
    if (len == 8) return fdt_be64(data);
    return fdt_error("property is neither one nor two cells", node);
}

FdtResult<const char*> FdtProp::string() const
{
    const char* s = reinterpret_cast<const char*>(data);
    if (len == 0 || strnlen(s, len) != len - 1)
        return fdt_error("property is not one string", node);
    return s;
}

uint32_t FdtProp::string_count() const
{
    if (len == 0 || data[len - 1] != '\0') return 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < len; i++)
        if (data[i] == '\0') n++;
    return n;
}

const char* FdtProp::string_at(uint32_t i) const
{
    if (len == 0 || data[len - 1] != '\0') return nullptr;
    uint32_t off = 0;
    for (; i > 0 && off < len; i--)
        off += uint32_t(strlen(reinterpret_cast<const char*>(data + off))) + 1;
    return off < len ? reinterpret_cast<const char*>(data + off) : nullptr;
}

bool FdtProp::has_string(const char* s) const
{
    if (len == 0 || data[len - 1] != '\0') return false;
    for (uint32_t off = 0; off < len;) {
        const char* item = reinterpret_cast<const char*>(data + off);
        if (strcmp(item, s) == 0) return true;
        off += uint32_t(strlen(item)) + 1;
    }
    return false;
}

FdtResult<uint64_t> FdtCells::read(uint32_t n)
{
    if (n > 4) return fdt_error("more than 4 cells in one number", node_);
    if (n > left_) return fdt_error("property shorter than its cells", node_);
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (v >> 32 != 0) return fdt_error("number wider than 64 bits", node_);
        v = v << 32 | fdt_be32(p_ + 4 * i);
    }
    p_ += 4 * n;
    left_ -= n;
    return v;
}

namespace {

FdtResult<uint32_t> cells_property(const Fdt& fdt, FdtNode bus, const char* name, uint32_t dflt)
{
    const FdtProp p = fdt.property(bus, name);
    if (!p.present()) return dflt;
    const uint32_t v = FDT_TRY(p.u32());
    if (v > 4) return fdt_error("#address-cells or #size-cells larger than 4", bus);
    return v;
}

// How n's reg property is laid out: its cells and number of entries.
struct RegLayout {
    FdtProp prop;
    uint32_t address_cells = 0;
    uint32_t size_cells = 0;
    uint32_t count = 0;
};

FdtResult<RegLayout> reg_layout(const Fdt& fdt, FdtNode n)
{
    const FdtNode bus = fdt.parent(n);
    if (!bus.valid()) return fdt_error("reg of the root or of no node", n);
    RegLayout r;
    r.prop = fdt.property(n, "reg");
    if (!r.prop.present()) return fdt_error("no reg property", n, Errno::NoEnt);
    r.address_cells = FDT_TRY(fdt.address_cells(bus));
    r.size_cells = FDT_TRY(fdt.size_cells(bus));
    if (r.address_cells == 0) return fdt_error("reg on a bus with #address-cells 0", n);
    const uint32_t entry = 4 * (r.address_cells + r.size_cells);
    if (r.prop.len % entry != 0) return fdt_error("reg length is not a whole number of entries", n);
    r.count = r.prop.len / entry;
    return r;
}

} // namespace

FdtResult<uint32_t> Fdt::address_cells(FdtNode bus) const
{
    return cells_property(*this, bus, "#address-cells", 2);
}

FdtResult<uint32_t> Fdt::size_cells(FdtNode bus) const
{
    return cells_property(*this, bus, "#size-cells", 1);
}

FdtResult<uint32_t> Fdt::reg_count(FdtNode n) const
{
    return FDT_TRY(reg_layout(*this, n)).count;
}

FdtResult<FdtRegion> Fdt::reg(FdtNode n, uint32_t i) const
{
    const RegLayout r = FDT_TRY(reg_layout(*this, n));
    if (i >= r.count) return fdt_error("no such reg entry", n, Errno::NoEnt);
    FdtProp entry = r.prop;
    const uint32_t entry_len = 4 * (r.address_cells + r.size_cells);
    entry.data += i * entry_len;
    entry.len = entry_len;
    FdtCells cells(entry);
    FdtRegion region;
    region.addr = FDT_TRY(cells.read(r.address_cells));
    region.size = FDT_TRY(cells.read(r.size_cells));
    if (region.size != 0 && region.addr + (region.size - 1) < region.addr)
        return fdt_error("reg entry wraps around the address space", n);
    return region;
}

// One step up: [addr, addr + size) on `bus` as an address on `above`, the
// bus's parent, through the bus's ranges (child, parent, length) triples.
FdtResult<uint64_t> Fdt::translate_one(FdtNode bus, FdtNode above, uint64_t addr,
                                       uint64_t size) const
{
    const FdtProp ranges = property(bus, "ranges");
    if (!ranges.present()) return fdt_error("bus has no ranges to translate through", bus);
    if (ranges.empty()) return addr;
    const uint32_t child_ac = FDT_TRY(address_cells(bus));
    const uint32_t parent_ac = FDT_TRY(address_cells(above));
    const uint32_t child_sc = FDT_TRY(size_cells(bus));
    const uint32_t entry = 4 * (child_ac + parent_ac + child_sc);
    if (entry == 0 || ranges.len % entry != 0)
        return fdt_error("ranges length is not a whole number of entries", bus);
    const uint64_t last = addr + (size == 0 ? 0 : size - 1);
    FdtCells cells(ranges);
    while (cells.remaining() > 0) {
        const uint64_t child = FDT_TRY(cells.read(child_ac));
        const uint64_t parent = FDT_TRY(cells.read(parent_ac));
        const uint64_t len = FDT_TRY(cells.read(child_sc));
        if (len == 0 || addr < child || last - child > len - 1 || last < addr) continue;
        const uint64_t out = parent + (addr - child);
        if (out < parent) return fdt_error("ranges entry wraps around the address space", bus);
        return out;
    }
    return fdt_error("address outside the ranges of its bus", bus);
}

FdtResult<uint64_t> Fdt::translate(FdtNode n, uint64_t addr, uint64_t size) const
{
    FdtNode chain[kMaxDepth];
    const uint32_t depth = ancestors(n, chain);
    if (depth == 0) return fdt_error("translating an address of no node");
    // chain[depth - 2] is n's bus; the root's children need no translation.
    for (uint32_t k = depth - 1; k >= 2; k--)
        addr = FDT_TRY(translate_one(chain[k - 1], chain[k - 2], addr, size));
    return addr;
}

FdtResult<FdtRegion> Fdt::reg_translated(FdtNode n, uint32_t i) const
{
    FdtRegion r = FDT_TRY(reg(n, i));
    r.addr = FDT_TRY(translate(n, r.addr, r.size));
    return r;
}

bool Fdt::is_enabled(FdtNode n) const
{
    const FdtProp status = property(n, "status");
    if (!status.present()) return true;
    auto s = status.string();
    return s.ok() && (strcmp(s.value(), "okay") == 0 || strcmp(s.value(), "ok") == 0);
}

bool Fdt::is_compatible(FdtNode n, const char* compat) const
{
    return property(n, "compatible").has_string(compat);
}

FdtNode Fdt::find_compatible(FdtNode after, const char* compat) const
{
    for (FdtNode n = after.valid() ? next_node(after) : root(); n.valid(); n = next_node(n))
        if (is_compatible(n, compat)) return n;
    return {};
}

uint32_t Fdt::phandle(FdtNode n) const
{
    FdtProp p = property(n, "phandle");
    if (!p.present()) p = property(n, "linux,phandle");
    auto v = p.u32();
    return v.ok() ? v.value() : 0;
}

FdtNode Fdt::find_phandle(uint32_t ph) const
{
    if (ph == 0 || ph == 0xffffffffu) return {};
    for (FdtNode n = root(); n.valid(); n = next_node(n))
        if (phandle(n) == ph) return n;
    return {};
}

FdtResult<FdtNode> Fdt::interrupt_parent(FdtNode n) const
{
    FdtNode chain[kMaxDepth];
    for (uint32_t k = ancestors(n, chain); k > 0; k--) {
        const FdtProp p = property(chain[k - 1], "interrupt-parent");
        if (!p.present()) continue;
        const FdtNode parent = find_phandle(FDT_TRY(p.u32()));
        if (!parent.valid()) return fdt_error("interrupt-parent names no node", chain[k - 1]);
        return parent;
    }
    return fdt_error("no interrupt-parent", n, Errno::NoEnt);
}
