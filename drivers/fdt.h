// A reader for flattened device trees (devicetree specification v0.4,
// blob versions 16 and 17), as firmware hands them to the kernel.
//
// Fdt::open() checks the header and walks the whole structure block once:
// every token, node name, property length and string-table name must lie
// inside its block, nesting is bounded, and the walk must end at FDT_END.
// A blob that open() accepts can then be read without further failure of
// the structure; every read still stays inside the blob (a node value that
// did not come from this Fdt is treated as no node), so a corrupt or
// hostile tree gives an error, never a read outside [blob, blob+totalsize).
// What can still fail after open() is the meaning of a property (a reg of
// the wrong length, an unknown phandle ...): those return an FdtResult.
//
// The Fdt keeps a pointer to the blob, which must outlive it.  Nothing here
// allocates; strings and property values point into the blob.
#pragma once

#include <drivers/fdt_result.h>
#include <stddef.h>
#include <stdint.h>

// A property: its name and value, pointing into the blob.  An absent
// property has present() == false and an empty value.
struct FdtProp {
    const char* name = nullptr;
    const uint8_t* data = nullptr;
    uint32_t len = 0;
    FdtNode node;                    // the node it belongs to
    uint32_t offset = FdtNode::kNone; // its FDT_PROP token (for iteration)

    bool present() const { return name != nullptr; }
    bool empty() const { return len == 0; }
    // Same property token (for iteration; all absent properties are equal).
    bool operator==(const FdtProp& o) const { return offset == o.offset; }

    // Exactly one cell, exactly two cells, or either (e.g. linux,initrd-start).
    FdtResult<uint32_t> u32() const;
    FdtResult<uint64_t> u64() const;
    FdtResult<uint64_t> u32_or_u64() const;
    // The value as one string: NUL-terminated at its last byte.
    FdtResult<const char*> string() const;
    // String lists ("a\0b\0"): the value must end in a NUL, else the list is
    // treated as empty.  string_at() is nullptr past the last string.
    uint32_t string_count() const;
    const char* string_at(uint32_t i) const;
    bool has_string(const char* s) const;
};

// Reads 32-bit big-endian cells from a property value, front to back.
class FdtCells {
public:
    explicit FdtCells(const FdtProp& prop) : p_(prop.data), left_(prop.len / 4), node_(prop.node) {}

    uint32_t remaining() const { return left_; }
    // The next n cells (0..4) as one number; more than 64 bits of it must be
    // zero.  Fails without consuming when fewer than n cells remain.
    FdtResult<uint64_t> read(uint32_t n);

private:
    const uint8_t* p_;
    uint32_t left_;
    FdtNode node_;
};

// One (address, size) pair: a reg entry or a /memreserve/ entry.
struct FdtRegion {
    uint64_t addr = 0;
    uint64_t size = 0;
    bool operator==(const FdtRegion&) const = default;
};

class Fdt {
public:
    static constexpr uint32_t kMagic = 0xd00dfeed;
    static constexpr uint32_t kHeaderSize = 40;  // version 17's header
    static constexpr uint32_t kMaxDepth = 32;    // nodes nested deeper are refused
    static constexpr uint32_t kMaxPath = 256;    // longest path path() writes

    Fdt() = default; // an empty reader: root() is no node

    // Validates the blob at `blob`, of which at most `max_size` bytes may be
    // read (the header's totalsize must fit).  Errors name the first
    // problem found ("bad magic", "structure block runs past totalsize" ...).
    static FdtResult<Fdt> open(const void* blob, size_t max_size);

    const void* blob() const { return base_; }
    uint32_t total_size() const { return total_; }
    uint32_t version() const { return version_; }
    uint32_t boot_cpuid() const { return boot_cpuid_; }

    // The memory reservation block (/memreserve/), without its terminator.
    uint32_t memreserve_count() const { return rsv_count_; }
    FdtRegion memreserve(uint32_t i) const;

    // --- Nodes ---------------------------------------------------------------
    FdtNode root() const { return FdtNode{root_}; }
    FdtNode first_child(FdtNode n) const;
    FdtNode next_sibling(FdtNode n) const;
    // The node after n in document (depth-first) order; none after the last.
    FdtNode next_node(FdtNode n) const;
    // none for the root (and for anything that is not a node).
    FdtNode parent(FdtNode n) const;
    // The full name ("serial@10000000"; "" for the root), its part after '@'
    // ("" if none); nullptr for something that is not a node.
    const char* name(FdtNode n) const;
    const char* unit_address(FdtNode n) const;
    // True if the name without its unit address is `base` ("memory" matches
    // "memory" and "memory@80000000").
    bool name_is(FdtNode n, const char* base) const;

    // "/soc/serial@10000000".  A component without '@' also matches a node
    // with a unit address ("/memory" finds "memory@80000000"); an exact
    // name wins.  NoEnt when absent, Inval when the path is not absolute.
    FdtResult<FdtNode> find_node(const char* path) const;
    FdtResult<FdtNode> find_node(const char* path, size_t len) const;
    // Like find_node, but a path not starting with '/' begins with an alias
    // ("serial0", "serial0/child"), looked up in /aliases.
    FdtResult<FdtNode> resolve_path(const char* path, size_t len) const;
    // The path an alias names, or nullptr.
    const char* alias(const char* name, size_t len) const;
    // The child of `parent` called `name` (same matching as find_node).
    FdtNode subnode(FdtNode parent, const char* name, size_t len) const;
    // Writes n's path into buf (always NUL-terminated when size > 0) and
    // returns the length the whole path has, like snprintf.
    size_t path(FdtNode n, char* buf, size_t size) const;

    // --- Properties ----------------------------------------------------------
    FdtProp property(FdtNode n, const char* name) const;
    FdtProp property(FdtNode n, const char* name, size_t len) const;
    bool has_property(FdtNode n, const char* name) const { return property(n, name).present(); }
    FdtProp first_property(FdtNode n) const;
    FdtProp next_property(FdtProp p) const;
    // NoEnt (with the reason "property missing") when absent.
    FdtResult<uint32_t> u32_property(FdtNode n, const char* name) const;
    FdtResult<const char*> string_property(FdtNode n, const char* name) const;

    // --- Conventions of the specification ------------------------------------
    // #address-cells (default 2) and #size-cells (default 1) that `bus`
    // gives its children; at most 4 each.
    FdtResult<uint32_t> address_cells(FdtNode bus) const;
    FdtResult<uint32_t> size_cells(FdtNode bus) const;
    // n's reg entries, in its parent bus's address space.  reg(n, i) is
    // NoEnt past the last entry.
    FdtResult<uint32_t> reg_count(FdtNode n) const;
    FdtResult<FdtRegion> reg(FdtNode n, uint32_t i) const;
    // An address on n's parent bus, as the CPU sees it: through the ranges
    // of every bus between n and the root (an empty `ranges;` maps 1:1; a
    // bus without ranges cannot be translated through).  The whole of
    // [addr, addr + size) must fall in one ranges entry at each step.
    FdtResult<uint64_t> translate(FdtNode n, uint64_t addr, uint64_t size = 1) const;
    // reg(n, i) with its address translated.
    FdtResult<FdtRegion> reg_translated(FdtNode n, uint32_t i) const;

    // status absent, "okay" or "ok".
    bool is_enabled(FdtNode n) const;
    bool is_compatible(FdtNode n, const char* compat) const;
    // The first node after `after` (document order; none: from the start)
    // whose compatible list holds `compat`.
    FdtNode find_compatible(FdtNode after, const char* compat) const;
    // n's phandle (phandle or linux,phandle), 0 if it has none.
    uint32_t phandle(FdtNode n) const;
    // The node with that phandle, none for 0, 0xffffffff or no such node.
    FdtNode find_phandle(uint32_t phandle) const;
    // The interrupt-parent of n, inherited from the nearest ancestor that
    // names one.  NoEnt when none does; Inval when it names no node.
    FdtResult<FdtNode> interrupt_parent(FdtNode n) const;

    // --- Iteration: for (FdtNode c : fdt.children(n)), for (FdtProp p : fdt.properties(n))
    template <typename T, T (Fdt::*Next)(T) const>
    struct Range {
        struct It {
            const Fdt* fdt;
            T cur;
            T operator*() const { return cur; }
            It& operator++()
            {
                cur = (fdt->*Next)(cur);
                return *this;
            }
            bool operator!=(const It& o) const { return !(cur == o.cur); }
        };
        const Fdt* fdt;
        T first;
        It begin() const { return {fdt, first}; }
        It end() const { return {fdt, T{}}; }
    };
    using ChildRange = Range<FdtNode, &Fdt::next_sibling>;
    using PropRange = Range<FdtProp, &Fdt::next_property>;
    ChildRange children(FdtNode n) const { return {this, first_child(n)}; }
    PropRange properties(FdtNode n) const { return {this, first_property(n)}; }

private:
    struct Token {
        uint32_t tag = 0;
        uint32_t offset = 0;
        uint32_t next = 0;          // the token after it (always > offset)
        const char* name = nullptr; // node name or property name
        const uint8_t* data = nullptr;
        uint32_t len = 0;
    };

    const char* check_header(size_t max_size);
    const char* check_memreserve();
    const char* check_structure();
    // Decodes the token at struct-block offset `off`; returns nullptr, or
    // the reason it is not a token that lies wholly inside the blob.
    const char* read_token(uint32_t off, Token* t) const;
    bool node_token(FdtNode n, Token* t) const;
    uint32_t node_end(FdtNode n) const;
    // The chain root .. n; returns its length (0 when n is not a node).
    uint32_t ancestors(FdtNode n, FdtNode* chain) const;
    FdtNode walk_path(FdtNode from, const char* path, size_t len) const;
    FdtResult<uint64_t> translate_one(FdtNode bus, FdtNode above, uint64_t addr,
                                      uint64_t size) const;

    const uint8_t* base_ = nullptr;
    uint32_t total_ = 0;
    uint32_t version_ = 0;
    uint32_t boot_cpuid_ = 0;
    uint32_t struct_off_ = 0;
    uint32_t struct_size_ = 0;
    uint32_t strings_off_ = 0;
    uint32_t strings_size_ = 0;
    uint32_t rsv_off_ = 0;
    uint32_t rsv_count_ = 0;
    uint32_t root_ = FdtNode::kNone;
};

// The error as text for a panic: "reason", or "/path/of/node: reason" when
// the error names a node of `fdt`.  Returns what snformat returns.
int fdt_describe_error(const Fdt& fdt, const FdtError& err, char* buf, size_t size);

// Big-endian loads, byte by byte (no alignment assumed).
constexpr uint32_t fdt_be32(const uint8_t* p)
{
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}
constexpr uint64_t fdt_be64(const uint8_t* p)
{
    return uint64_t(fdt_be32(p)) << 32 | fdt_be32(p + 4);
}
