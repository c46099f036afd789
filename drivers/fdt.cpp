// The device-tree reader's structure: header and block checks, the one walk
// over the structure block that open() makes, and moving between nodes and
// properties.  The meaning of properties is in fdt_prop.cpp.
#include <drivers/fdt.h>
#include <lib/format.h>

#include <string.h>

namespace {

constexpr uint32_t FDT_BEGIN_NODE = 1;
constexpr uint32_t FDT_END_NODE = 2;
constexpr uint32_t FDT_PROP = 3;
constexpr uint32_t FDT_NOP = 4;
constexpr uint32_t FDT_END = 9;

// Header fields (byte offsets).
constexpr uint32_t H_TOTALSIZE = 4;
constexpr uint32_t H_OFF_STRUCT = 8;
constexpr uint32_t H_OFF_STRINGS = 12;
constexpr uint32_t H_OFF_RSVMAP = 16;
constexpr uint32_t H_VERSION = 20;
constexpr uint32_t H_LAST_COMP = 24;
constexpr uint32_t H_BOOT_CPUID = 28;
constexpr uint32_t H_SIZE_STRINGS = 32;
constexpr uint32_t H_SIZE_STRUCT = 36;

constexpr uint64_t align4(uint64_t v) { return (v + 3) & ~uint64_t(3); }

// Does [off, off + size) lie inside [kHeaderSize, total)?
bool block_inside(uint64_t off, uint64_t size, uint64_t total)
{
    return off >= Fdt::kHeaderSize && off <= total && size <= total - off;
}

// Does the name of length `len` at `s` equal `name` (which need not be
// NUL-terminated)?
bool name_equals(const char* s, const char* name, size_t len)
{
    return strnlen(s, len + 1) == len && memcmp(s, name, len) == 0;
}

bool has_char(const char* s, size_t len, char c)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == c) return true;
    return false;
}

} // namespace

FdtResult<Fdt> Fdt::open(const void* blob, size_t max_size)
{
    if (blob == nullptr) return fdt_error("no blob");
    Fdt fdt;
    fdt.base_ = static_cast<const uint8_t*>(blob);
    const char* why = fdt.check_header(max_size);
    if (why == nullptr) why = fdt.check_memreserve();
    if (why == nullptr) why = fdt.check_structure();
    if (why != nullptr) return fdt_error(why);
    return fdt;
}

// Header: magic, versions, and every block inside totalsize, which itself
// must fit the buffer.  Reads only the first kHeaderSize bytes.
const char* Fdt::check_header(size_t max_size)
{
    if (max_size < kHeaderSize) return "blob smaller than a header";
    const uint8_t* h = base_;
    if (fdt_be32(h) != kMagic) return "bad magic";
    version_ = fdt_be32(h + H_VERSION);
    if (version_ < 16) return "version older than 16";
    if (fdt_be32(h + H_LAST_COMP) > 17) return "last compatible version newer than 17";
    total_ = fdt_be32(h + H_TOTALSIZE);
    if (total_ < kHeaderSize) return "totalsize smaller than the header";
    if (total_ > max_size) return "totalsize larger than the buffer";
    boot_cpuid_ = fdt_be32(h + H_BOOT_CPUID);

    struct_off_ = fdt_be32(h + H_OFF_STRUCT);
    if (struct_off_ % 4 != 0) return "structure block misaligned";
    if (!block_inside(struct_off_, 0, total_)) return "structure block offset outside the blob";
    // Version 16 has no size_dt_struct: the block may run to the end.
    struct_size_ = version_ >= 17 ? fdt_be32(h + H_SIZE_STRUCT) : total_ - struct_off_;
    if (!block_inside(struct_off_, struct_size_, total_))
        return "structure block runs past totalsize";

    strings_off_ = fdt_be32(h + H_OFF_STRINGS);
    strings_size_ = fdt_be32(h + H_SIZE_STRINGS);
    if (!block_inside(strings_off_, 0, total_)) return "strings block offset outside the blob";
    if (!block_inside(strings_off_, strings_size_, total_))
        return "strings block runs past totalsize";

    rsv_off_ = fdt_be32(h + H_OFF_RSVMAP);
    if (rsv_off_ % 8 != 0) return "memory reservation block misaligned";
    if (!block_inside(rsv_off_, 16, total_)) return "memory reservation block outside the blob";
    return nullptr;
}

// The reservation block is a list of (address, size) pairs ended by (0, 0).
const char* Fdt::check_memreserve()
{
    // Entries must stop before the structure block when it follows them.
    const uint64_t limit = struct_off_ > rsv_off_ ? struct_off_ : total_;
    for (uint64_t off = rsv_off_;; off += 16) {
        if (off + 16 > limit) return "memory reservation block has no terminator";
        if (fdt_be64(base_ + off) == 0 && fdt_be64(base_ + off + 8) == 0) {
            rsv_count_ = uint32_t((off - rsv_off_) / 16);
            return nullptr;
        }
    }
}

FdtRegion Fdt::memreserve(uint32_t i) const
{
    KASSERT(i < rsv_count_, "memreserve %u of %u", i, rsv_count_);
    const uint8_t* e = base_ + rsv_off_ + uint64_t(i) * 16;
    return FdtRegion{fdt_be64(e), fdt_be64(e + 8)};
}

const char* Fdt::read_token(uint32_t off, Token* t) const
{
    const uint8_t* s = base_ + struct_off_;
    if (off % 4 != 0 || off >= struct_size_ || struct_size_ - off < 4)
        return "structure block ends without FDT_END";
    *t = Token{};
    t->tag = fdt_be32(s + off);
    t->offset = off;
    uint64_t next = uint64_t(off) + 4;
    switch (t->tag) {
    case FDT_BEGIN_NODE: {
        const size_t room = struct_size_ - off - 4;
        const char* name = reinterpret_cast<const char*>(s + off + 4);
        const size_t len = strnlen(name, room);
        if (len == room) return "node name not terminated in the structure block";
        t->name = name;
        next = align4(next + len + 1);
        break;
    }
    case FDT_PROP: {
        if (struct_size_ - off < 12) return "property header runs past the structure block";
        const uint32_t len = fdt_be32(s + off + 4);
        const uint32_t nameoff = fdt_be32(s + off + 8);
        if (len > struct_size_ - off - 12) return "property value runs past the structure block";
        if (nameoff >= strings_size_) return "property name offset outside the strings block";
        const char* name = reinterpret_cast<const char*>(base_ + strings_off_ + nameoff);
        if (strnlen(name, strings_size_ - nameoff) == strings_size_ - nameoff)
            return "property name not terminated in the strings block";
        t->name = name;
        t->data = s + off + 12;
        t->len = len;
        next = align4(next + 8 + len);
        break;
    }
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END:
        break;
    default:
        return "unknown token in the structure block";
    }
    // An item that ends flush with an unaligned block end leaves no room for
    // the next token: that is the end of the block.
    if (next > struct_size_) return "structure block ends without FDT_END";
    t->next = uint32_t(next);
    return nullptr;
}

// The one full walk: tokens well formed, one root, every other node named,
// nodes balanced and at most kMaxDepth deep, properties inside a node and before its children,
// FDT_END at depth 0.  Each token moves forward, so the loop ends.
const char* Fdt::check_structure()
{
    bool child_seen[kMaxDepth + 1] = {};
    uint32_t depth = 0;
    for (uint32_t off = 0;;) {
        Token t;
        if (const char* why = read_token(off, &t)) return why;
        switch (t.tag) {
        case FDT_BEGIN_NODE:
            if (depth == 0) {
                if (root_ != FdtNode::kNone) return "more than one root node";
                root_ = off;
            } else if (t.name[0] == '\0') {
                return "node without a name"; // only the root has an empty name
            }
            child_seen[depth] = true;
            if (++depth > kMaxDepth) return "nodes nested too deep";
            child_seen[depth] = false;
            break;
        case FDT_END_NODE:
            if (depth == 0) return "FDT_END_NODE outside any node";
            depth--;
            break;
        case FDT_PROP:
            if (depth == 0) return "property outside any node";
            if (child_seen[depth]) return "property after a child node";
            break;
        case FDT_END:
            if (depth != 0) return "FDT_END inside a node";
            if (root_ == FdtNode::kNone) return "no root node";
            return nullptr;
        default: // FDT_NOP
            break;
        }
        off = t.next;
    }
}

bool Fdt::node_token(FdtNode n, Token* t) const
{
    return n.valid() && base_ != nullptr && read_token(n.offset, t) == nullptr &&
           t->tag == FDT_BEGIN_NODE;
}

FdtNode Fdt::first_child(FdtNode n) const
{
    Token t;
    if (!node_token(n, &t)) return {};
    for (uint32_t off = t.next; read_token(off, &t) == nullptr; off = t.next) {
        if (t.tag == FDT_BEGIN_NODE) return FdtNode{off};
        if (t.tag != FDT_PROP && t.tag != FDT_NOP) break;
    }
    return {};
}

// The offset just past n's FDT_END_NODE, or kNone.
uint32_t Fdt::node_end(FdtNode n) const
{
    Token t;
    if (!node_token(n, &t)) return FdtNode::kNone;
    uint32_t depth = 0;
    for (uint32_t off = n.offset; read_token(off, &t) == nullptr; off = t.next) {
        if (t.tag == FDT_BEGIN_NODE) {
            depth++;
        } else if (t.tag == FDT_END_NODE) {
            if (--depth == 0) return t.next;
        } else if (t.tag == FDT_END) {
            break;
        }
    }
    return FdtNode::kNone;
}

FdtNode Fdt::next_sibling(FdtNode n) const
{
    if (n.offset == root_) return {};
    Token t;
    for (uint32_t off = node_end(n); read_token(off, &t) == nullptr; off = t.next) {
        if (t.tag == FDT_BEGIN_NODE) return FdtNode{off};
        if (t.tag != FDT_NOP) break;
    }
    return {};
}

// Document order is the order of FDT_BEGIN_NODE tokens.
FdtNode Fdt::next_node(FdtNode n) const
{
    Token t;
    if (!node_token(n, &t)) return {};
    for (uint32_t off = t.next; read_token(off, &t) == nullptr; off = t.next) {
        if (t.tag == FDT_BEGIN_NODE) return FdtNode{off};
        if (t.tag == FDT_END) break;
    }
    return {};
}

uint32_t Fdt::ancestors(FdtNode n, FdtNode* chain) const
{
    Token t;
    if (!node_token(n, &t)) return 0;
    uint32_t depth = 0;
    for (uint32_t off = root_; read_token(off, &t) == nullptr; off = t.next) {
        if (t.tag == FDT_BEGIN_NODE) {
            if (depth == kMaxDepth) return 0;
            chain[depth++] = FdtNode{off};
            if (off == n.offset) return depth;
        } else if (t.tag == FDT_END_NODE) {
            if (depth <= 1) return 0; // the root closed without meeting n
            depth--;
        } else if (t.tag == FDT_END) {
            return 0;
        }
    }
    return 0;
}

FdtNode Fdt::parent(FdtNode n) const
{
    FdtNode chain[kMaxDepth];
    const uint32_t depth = ancestors(n, chain);
    return depth >= 2 ? chain[depth - 2] : FdtNode{};
}

const char* Fdt::name(FdtNode n) const
{
    Token t;
    return node_token(n, &t) ? t.name : nullptr;
}

const char* Fdt::unit_address(FdtNode n) const
{
    const char* s = name(n);
    if (s == nullptr) return nullptr;
    const char* at = strchr(s, '@');
    return at != nullptr ? at + 1 : "";
}

bool Fdt::name_is(FdtNode n, const char* base) const
{
    const char* s = name(n);
    if (s == nullptr) return false;
    const size_t len = strlen(base);
    return strncmp(s, base, len) == 0 && (s[len] == '\0' || s[len] == '@');
}

FdtNode Fdt::subnode(FdtNode parent, const char* name, size_t len) const
{
    for (FdtNode c : children(parent))
        if (name_equals(this->name(c), name, len)) return c;
    if (has_char(name, len, '@')) return {};
    for (FdtNode c : children(parent)) {
        const char* s = this->name(c);
        if (strnlen(s, len) == len && memcmp(s, name, len) == 0 && s[len] == '@') return c;
    }
    return {};
}

// Follows the '/'-separated components of path[0..len) down from `from`.
FdtNode Fdt::walk_path(FdtNode from, const char* path, size_t len) const
{
    FdtNode cur = from;
    size_t i = 0;
    while (i < len && cur.valid()) {
        if (path[i] == '/') {
            i++;
            continue;
        }
        size_t end = i;
        while (end < len && path[end] != '/') end++;
        cur = subnode(cur, path + i, end - i);
        i = end;
    }
    return cur;
}

FdtResult<FdtNode> Fdt::find_node(const char* path) const
{
    return find_node(path, strlen(path));
}

FdtResult<FdtNode> Fdt::find_node(const char* path, size_t len) const
{
    if (len == 0 || path[0] != '/') return fdt_error("path is not absolute");
    const FdtNode n = walk_path(root(), path, len);
    if (!n.valid()) return fdt_error("no such node", {}, Errno::NoEnt);
    return n;
}

const char* Fdt::alias(const char* name, size_t len) const
{
    const FdtNode aliases = subnode(root(), "aliases", 7);
    if (!aliases.valid()) return nullptr;
    auto value = property(aliases, name, len).string();
    return value.ok() ? value.value() : nullptr;
}

FdtResult<FdtNode> Fdt::resolve_path(const char* path, size_t len) const
{
    if (len > 0 && path[0] == '/') return find_node(path, len);
    size_t end = 0;
    while (end < len && path[end] != '/') end++;
    const char* target = alias(path, end);
    if (target == nullptr) return fdt_error("no such alias", {}, Errno::NoEnt);
    const FdtNode base = FDT_TRY(find_node(target));
    const FdtNode n = walk_path(base, path + end, len - end);
    if (!n.valid()) return fdt_error("no such node", {}, Errno::NoEnt);
    return n;
}

size_t Fdt::path(FdtNode n, char* buf, size_t size) const
{
    FdtNode chain[kMaxDepth];
    const uint32_t depth = ancestors(n, chain);
    size_t len = 0;
    auto put = [&](char c) {
        if (len + 1 < size) buf[len] = c;
        len++;
    };
    if (depth == 1) put('/');
    for (uint32_t i = 1; i < depth; i++) {
        put('/');
        for (const char* s = name(chain[i]); *s != '\0'; s++) put(*s);
    }
    if (size > 0) buf[len < size ? len : size - 1] = '\0';
    return len;
}

FdtProp Fdt::first_property(FdtNode n) const
{
    Token t;
    if (!node_token(n, &t)) return {};
    FdtProp before;
    before.node = n;
    before.offset = n.offset;
    return next_property(before);
}

// The property after the token at p.offset (a property, or the node's own
// FDT_BEGIN_NODE when called from first_property), skipping NOPs.
FdtProp Fdt::next_property(FdtProp p) const
{
    Token t;
    if (!p.node.valid() || p.offset == FdtNode::kNone || read_token(p.offset, &t) != nullptr)
        return {};
    for (uint32_t off = t.next; read_token(off, &t) == nullptr; off = t.next) {
        if (t.tag == FDT_PROP) return FdtProp{t.name, t.data, t.len, p.node, off};
        if (t.tag != FDT_NOP) break;
    }
    return {};
}

FdtProp Fdt::property(FdtNode n, const char* name) const
{
    return property(n, name, strlen(name));
}

FdtProp Fdt::property(FdtNode n, const char* name, size_t len) const
{
    for (FdtProp p : properties(n))
        if (name_equals(p.name, name, len)) return p;
    return {};
}

FdtResult<uint32_t> Fdt::u32_property(FdtNode n, const char* name) const
{
    const FdtProp p = property(n, name);
    if (!p.present()) return fdt_error("property missing", n, Errno::NoEnt);
    return p.u32();
}

FdtResult<const char*> Fdt::string_property(FdtNode n, const char* name) const
{
    const FdtProp p = property(n, name);
    if (!p.present()) return fdt_error("property missing", n, Errno::NoEnt);
    return p.string();
}

int fdt_describe_error(const Fdt& fdt, const FdtError& err, char* buf, size_t size)
{
    char where[Fdt::kMaxPath];
    if (err.node.valid() && fdt.name(err.node) != nullptr) {
        fdt.path(err.node, where, sizeof where);
        return snformat(buf, size, "%s: %s", where, err.reason);
    }
    return snformat(buf, size, "%s", err.reason);
}
