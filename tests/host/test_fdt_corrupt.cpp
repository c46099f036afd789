// Corrupt, truncated and hostile blobs: open() must refuse them with the
// right reason, or accept them and then read only inside the blob.  Every
// blob sits in a heap buffer of exactly its size (ASan catches overreads).
#include "fdt_test_support.h"

#include <drivers/fdt_platform.h>

#include <algorithm>
#include <cstring>
#include <string>

using namespace fdt_test;

namespace {

constexpr uint32_t BEGIN = 1, END_NODE = 2, PROP = 3, NOP = 4, END = 9;
// Header field offsets.
constexpr size_t H_TOTAL = 4, H_OFF_STRUCT = 8, H_OFF_STRINGS = 12, H_OFF_RSV = 16, H_VERSION = 20,
                 H_LAST_COMP = 24, H_SIZE_STRINGS = 32, H_SIZE_STRUCT = 36;

uint32_t get32(const Bytes& b, size_t off)
{
    return uint32_t(b[off]) << 24 | uint32_t(b[off + 1]) << 16 | uint32_t(b[off + 2]) << 8 |
           b[off + 3];
}

void put32(Bytes& b, size_t off, uint32_t v)
{
    for (int i = 0; i < 4; i++) b[off + i] = uint8_t(v >> (24 - 8 * i));
}

void append32(Bytes& b, uint32_t v)
{
    b.resize(b.size() + 4);
    put32(b, b.size() - 4, v);
}

// Writes blobs by hand, token by token, the way the specification lays
// them out: header, reservation block, structure block, strings block.
// Nothing checks what it writes: that is the point.
struct Builder {
    Bytes rsv;     // entries, without the terminator
    Bytes st;      // structure block
    Bytes strings; // strings block
    bool terminate_rsv = true;

    Builder& begin(const char* name)
    {
        append32(st, BEGIN);
        raw_name(name, strlen(name) + 1);
        return *this;
    }
    // n bytes of name; no NUL unless the caller counts it in.
    Builder& raw_name(const char* name, size_t n)
    {
        st.insert(st.end(), name, name + n);
        while (st.size() % 4 != 0) st.push_back(0);
        return *this;
    }
    Builder& end() { return token(END_NODE); }
    Builder& token(uint32_t t)
    {
        append32(st, t);
        return *this;
    }
    uint32_t name_offset(const char* name)
    {
        const uint32_t off = uint32_t(strings.size());
        strings.insert(strings.end(), name, name + strlen(name) + 1);
        return off;
    }
    Builder& prop_raw(uint32_t len, uint32_t nameoff, const void* data, size_t data_len)
    {
        append32(st, PROP);
        append32(st, len);
        append32(st, nameoff);
        const uint8_t* d = static_cast<const uint8_t*>(data);
        st.insert(st.end(), d, d + data_len);
        while (st.size() % 4 != 0) st.push_back(0);
        return *this;
    }
    Builder& prop(const char* name, const void* data, uint32_t len)
    {
        return prop_raw(len, name_offset(name), data, len);
    }
    Builder& prop_u32(const char* name, uint32_t v)
    {
        uint8_t be[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
        return prop(name, be, 4);
    }
    Builder& memreserve(uint64_t addr, uint64_t size)
    {
        append32(rsv, uint32_t(addr >> 32));
        append32(rsv, uint32_t(addr));
        append32(rsv, uint32_t(size >> 32));
        append32(rsv, uint32_t(size));
        return *this;
    }

    Bytes build() const
    {
        Bytes b(40, 0);
        Bytes r = rsv;
        if (terminate_rsv) r.resize(r.size() + 16, 0);
        const size_t off_rsv = 40;
        const size_t off_struct = off_rsv + r.size();
        const size_t off_strings = off_struct + st.size();
        b.insert(b.end(), r.begin(), r.end());
        b.insert(b.end(), st.begin(), st.end());
        b.insert(b.end(), strings.begin(), strings.end());
        put32(b, 0, 0xd00dfeed);
        put32(b, H_TOTAL, uint32_t(b.size()));
        put32(b, H_OFF_STRUCT, uint32_t(off_struct));
        put32(b, H_OFF_STRINGS, uint32_t(off_strings));
        put32(b, H_OFF_RSV, uint32_t(off_rsv));
        put32(b, H_VERSION, 17);
        put32(b, H_LAST_COMP, 16);
        put32(b, H_SIZE_STRINGS, uint32_t(strings.size()));
        put32(b, H_SIZE_STRUCT, uint32_t(st.size()));
        return b;
    }
};

// A small well-formed tree: / { #address-cells; #size-cells; a { x; b { } } }
Builder good_tree()
{
    Builder b;
    b.memreserve(0x80000000, 0x1000);
    b.begin("").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0);
    b.begin("a@10").prop_u32("reg", 0x10).prop_u32("x", 7);
    b.begin("b").end();
    b.end();
    b.end().token(END);
    return b;
}

// open() on an exactly-sized copy: the reason, or "" on success.
std::string open_reason(const Bytes& bytes, size_t max_size)
{
    Blob blob(bytes);
    auto r = Fdt::open(blob.data.get(), max_size);
    return r.ok() ? "" : r.reason();
}
std::string open_reason(const Bytes& bytes) { return open_reason(bytes, bytes.size()); }

bool inside(const Blob& blob, const void* p, size_t len)
{
    const uint8_t* b = blob.data.get();
    const uint8_t* q = static_cast<const uint8_t*>(p);
    return q >= b && q <= b + blob.size && len <= size_t(b + blob.size - q);
}

// Reads everything a reader can reach in an accepted blob, checking that
// it all lies in the blob and hangs together; then the platform reader.
// Returns the first inconsistency, "" when there is none (one doctest
// assertion per blob keeps the many-blob loops fast).
std::string exercise_problem(const Fdt& fdt, const Blob& blob)
{
    // A name with a '/' in it (a flipped byte) makes its path ambiguous.
    bool plain_names = true;
    for (FdtNode n = fdt.root(); n.valid(); n = fdt.next_node(n))
        plain_names &= strchr(fdt.name(n), '/') == nullptr;
    size_t nodes = 0;
    for (FdtNode n = fdt.root(); n.valid(); n = fdt.next_node(n)) {
        if (++nodes > blob.size / 4) return "more nodes than the blob can hold";
        const char* name = fdt.name(n);
        if (name == nullptr || !inside(blob, name, strlen(name) + 1))
            return "node name outside the blob";
        char path[Fdt::kMaxPath * 4];
        if (fdt.path(n, path, sizeof path) < sizeof path && plain_names) {
            // Duplicate names may find an earlier twin, but never another path.
            auto found = fdt.find_node(path);
            char again[sizeof path] = "";
            if (found.ok()) fdt.path(found.value(), again, sizeof again);
            if (found.ok() && strcmp(again, path) != 0)
                return std::string("path ") + path + " finds " + again;
        }
        if (n != fdt.root()) {
            bool listed = false;
            for (FdtNode c : fdt.children(fdt.parent(n))) listed |= c == n;
            if (!listed) return "a node is not among its parent's children";
        }
        for (FdtProp p : fdt.properties(n)) {
            if (!inside(blob, p.name, strlen(p.name) + 1)) return "property name outside the blob";
            if (!inside(blob, p.data, p.len)) return "property value outside the blob";
            for (uint32_t i = 0; const char* s = p.string_at(i); i++)
                if (!inside(blob, s, strlen(s) + 1)) return "list string outside the blob";
        }
        auto count = fdt.reg_count(n);
        for (uint32_t i = 0; count.ok() && i < count.value() && i < 64; i++)
            (void)fdt.reg_translated(n, i);
        const uint32_t ph = fdt.phandle(n);
        if (ph != 0 && ph != 0xffffffff && fdt.phandle(fdt.find_phandle(ph)) != ph)
            return "phandle lookup";
        (void)fdt.interrupt_parent(n);
        (void)fdt.is_enabled(n);
        (void)fdt.unit_address(n);
    }
    for (uint32_t i = 0; i < fdt.memreserve_count(); i++) (void)fdt.memreserve(i);
    for (uint64_t hart : {0, 1}) {
        auto plat = fdt_read_platform(fdt, hart);
        if (!plat.ok()) {
            if (strlen(plat.reason()) == 0) return "an error without a reason";
            continue;
        }
        const FdtPlatform& p = plat.value();
        if (p.nram == 0 || p.timebase_hz == 0) return "platform without RAM or timebase";
        if (p.bootargs[0] != '\0' && !inside(blob, p.bootargs, strlen(p.bootargs) + 1))
            return "bootargs";
        if (p.isa[0] != '\0' && !inside(blob, p.isa, strlen(p.isa) + 1)) return "isa";
        if (p.rng_seed != nullptr && !inside(blob, p.rng_seed, p.rng_seed_len)) return "rng-seed";
        (void)fdt_cpu_has_extension(p, "sstc");
    }
    return "";
}

void exercise(const Fdt& fdt, const Blob& blob) { CHECK(exercise_problem(fdt, blob) == ""); }

// open() on a corrupted copy; when it is accepted, read all of it.
void open_and_exercise(const Bytes& bytes)
{
    Blob blob(bytes);
    auto r = Fdt::open(blob.data.get(), blob.size);
    if (r.ok())
        exercise(r.value(), blob);
    else
        CHECK(std::strlen(r.reason()) > 0);
}

} // namespace

TEST_CASE("fdt corrupt: the hand-built tree is well formed")
{
    const Bytes bytes = good_tree().build();
    Tree t(bytes);
    CHECK(t.fdt.memreserve_count() == 1);
    CHECK(t.fdt.memreserve(0) == FdtRegion{0x80000000, 0x1000});
    const FdtNode a = t.node("/a@10");
    CHECK(t.fdt.u32_property(a, "x").value() == 7);
    CHECK(t.fdt.reg(a, 0).value() == FdtRegion{0x10, 0});
    CHECK(t.node("/a/b") == t.fdt.first_child(a));
    exercise(t.fdt, t.blob);
}

TEST_CASE("fdt corrupt: header problems")
{
    const Bytes good = good_tree().build();
    const uint32_t total = uint32_t(good.size());
    auto with = [&](size_t off, uint32_t v) {
        Bytes b = good;
        put32(b, off, v);
        return open_reason(b);
    };
    CHECK(open_reason(good) == "");
    CHECK(open_reason(good, 39) == "blob smaller than a header");
    CHECK(open_reason(good, total - 1) == "totalsize larger than the buffer");
    CHECK(with(0, 0xd00dfeee) == "bad magic");
    CHECK(with(0, 0xedfe0dd0) == "bad magic"); // little-endian magic
    CHECK(with(H_VERSION, 15) == "version older than 16");
    CHECK(with(H_LAST_COMP, 18) == "last compatible version newer than 17");
    CHECK(with(H_TOTAL, total + 1) == "totalsize larger than the buffer");
    CHECK(with(H_TOTAL, 0xffffffff) == "totalsize larger than the buffer");
    CHECK(with(H_TOTAL, 39) == "totalsize smaller than the header");
    CHECK(with(H_OFF_STRUCT, (total + 4) & ~3u) == "structure block offset outside the blob");
    CHECK(with(H_OFF_STRUCT, 8) == "structure block offset outside the blob"); // inside the header
    CHECK(with(H_OFF_STRUCT, get32(good, H_OFF_STRUCT) + 2) == "structure block misaligned");
    CHECK(with(H_SIZE_STRUCT, total) == "structure block runs past totalsize");
    CHECK(with(H_SIZE_STRUCT, 0xfffffffc) == "structure block runs past totalsize");
    CHECK(with(H_OFF_STRINGS, total + 1) == "strings block offset outside the blob");
    CHECK(with(H_OFF_STRINGS, 0xffffffff) == "strings block offset outside the blob");
    CHECK(with(H_SIZE_STRINGS, get32(good, H_SIZE_STRINGS) + 1) ==
          "strings block runs past totalsize");
    CHECK(with(H_OFF_RSV, 44) == "memory reservation block misaligned");
    CHECK(with(H_OFF_RSV, total & ~7u) == "memory reservation block outside the blob");
    CHECK(with(H_OFF_RSV, 0) == "memory reservation block outside the blob");
    CHECK(std::string(Fdt::open(nullptr, 100).reason()) == "no blob");
}

TEST_CASE("fdt corrupt: reservation block without a terminator")
{
    Builder b = good_tree();
    b.terminate_rsv = false; // the entry runs straight into the structure block
    CHECK(open_reason(b.build()) == "memory reservation block has no terminator");
}

TEST_CASE("fdt corrupt: structure block problems")
{
    SUBCASE("unterminated node name")
    {
        Builder b;
        b.begin("").token(BEGIN).raw_name("abcd", 4); // no NUL before the block ends
        CHECK(open_reason(b.build()) == "node name not terminated in the structure block");
    }
    SUBCASE("property length running off the end")
    {
        // After the property header: 4 bytes of value, END_NODE, END.
        for (uint32_t len : {13u, 0x1000u, 0x7fffffffu, 0xffffffffu}) {
            Builder b;
            b.begin("");
            b.prop_raw(len, b.name_offset("p"), "abcd", 4);
            b.end().token(END);
            CHECK(open_reason(b.build()) == "property value runs past the structure block");
        }
    }
    SUBCASE("property header cut short")
    {
        Builder b;
        b.begin("").token(PROP).token(0); // no name offset
        CHECK(open_reason(b.build()) == "property header runs past the structure block");
    }
    SUBCASE("property name offset outside the strings block")
    {
        for (uint32_t off : {2u, 3u, 0x1000u, 0xffffffffu}) {
            Builder b;
            b.name_offset("p"); // strings = "p\0": offsets 0..1
            b.begin("").prop_raw(0, off, "", 0).end().token(END);
            CHECK(open_reason(b.build()) == "property name offset outside the strings block");
        }
    }
    SUBCASE("property name not terminated in the strings block")
    {
        Builder b;
        b.begin("").prop_raw(0, 0, "", 0).end().token(END);
        b.strings = {'a', 'b', 'c'};
        CHECK(open_reason(b.build()) == "property name not terminated in the strings block");
    }
    SUBCASE("missing FDT_END")
    {
        Builder b;
        b.begin("").prop_u32("x", 1).end();
        CHECK(open_reason(b.build()) == "structure block ends without FDT_END");
        Builder empty;
        CHECK(open_reason(empty.build()) == "structure block ends without FDT_END");
    }
    SUBCASE("FDT_END inside a node")
    {
        Builder b;
        b.begin("").begin("a").token(END);
        CHECK(open_reason(b.build()) == "FDT_END inside a node");
    }
    SUBCASE("FDT_END_NODE without a node")
    {
        Builder b;
        b.begin("").end().end().token(END);
        CHECK(open_reason(b.build()) == "FDT_END_NODE outside any node");
    }
    SUBCASE("property outside any node")
    {
        Builder b;
        b.prop_u32("x", 1).begin("").end().token(END);
        CHECK(open_reason(b.build()) == "property outside any node");
    }
    SUBCASE("property after a child node")
    {
        Builder b;
        b.begin("").begin("a").end().prop_u32("x", 1).end().token(END);
        CHECK(open_reason(b.build()) == "property after a child node");
    }
    SUBCASE("a node without a name")
    {
        Builder b;
        b.begin("").begin("").end().end().token(END);
        CHECK(open_reason(b.build()) == "node without a name");
    }
    SUBCASE("two roots, no root")
    {
        Builder b;
        b.begin("").end().begin("").end().token(END);
        CHECK(open_reason(b.build()) == "more than one root node");
        Builder none;
        none.token(NOP).token(END);
        CHECK(open_reason(none.build()) == "no root node");
    }
    SUBCASE("unknown tokens")
    {
        for (uint32_t tok : {0u, 5u, 8u, 10u, 0x01000000u, 0xffffffffu}) {
            Builder b;
            b.begin("").token(tok).end().token(END);
            CHECK(open_reason(b.build()) == "unknown token in the structure block");
        }
    }
    SUBCASE("a name flush with an unaligned block end")
    {
        Builder b;
        b.begin("").token(BEGIN);
        b.st.insert(b.st.end(), {'a', 'b', 0}); // struct size not a multiple of 4
        CHECK(open_reason(b.build()) == "structure block ends without FDT_END");
    }
}

TEST_CASE("fdt corrupt: nesting is bounded")
{
    auto nested = [](uint32_t depth) {
        Builder b;
        for (uint32_t i = 0; i < depth; i++) b.begin(i == 0 ? "" : "n");
        for (uint32_t i = 0; i < depth; i++) b.end();
        b.token(END);
        return b.build();
    };
    const Bytes deepest = nested(Fdt::kMaxDepth);
    CHECK(open_reason(deepest) == "");
    Tree t(deepest);
    std::string path;
    for (uint32_t i = 1; i < Fdt::kMaxDepth; i++) path += "/n";
    const FdtNode bottom = t.node(path.c_str());
    CHECK(!t.fdt.first_child(bottom).valid());
    CHECK(t.fdt.parent(bottom).valid());
    exercise(t.fdt, t.blob);

    CHECK(open_reason(nested(Fdt::kMaxDepth + 1)) == "nodes nested too deep");
    CHECK(open_reason(nested(100000)) == "nodes nested too deep");
}

TEST_CASE("fdt corrupt: NOPs anywhere are skipped")
{
    Builder b;
    b.token(NOP)
        .begin("")
        .token(NOP)
        .prop_u32("#address-cells", 1)
        .token(NOP)
        .prop_u32("#size-cells", 0);
    b.token(NOP)
        .begin("a")
        .token(NOP)
        .end()
        .token(NOP)
        .begin("b")
        .end()
        .token(NOP)
        .end()
        .token(NOP)
        .token(END);
    Tree t(b.build());
    std::vector<std::string> kids;
    for (FdtNode c : t.fdt.children(t.fdt.root())) kids.push_back(t.fdt.name(c));
    CHECK(kids == std::vector<std::string>{"a", "b"});
    size_t props = 0;
    for (FdtProp p : t.fdt.properties(t.fdt.root())) props += p.present();
    CHECK(props == 2);
    CHECK(t.fdt.size_cells(t.fdt.root()).value() == 0);
}

TEST_CASE("fdt corrupt: version 16 has no structure size")
{
    Bytes b = good_tree().build();
    put32(b, H_VERSION, 16);
    put32(b, H_SIZE_STRUCT, 0xdeadbeef); // not a field in version 16
    Tree t(b);
    CHECK(t.fdt.version() == 16);
    CHECK(t.fdt.u32_property(t.node("/a"), "x").value() == 7);
}

TEST_CASE("fdt corrupt: truncated QEMU trees")
{
    std::vector<const char*> names(std::begin(kQemuBlobs), std::end(kQemuBlobs));
    for (const char* name : names) {
        INFO(name);
        const Bytes full = src_blob(name);
        std::vector<size_t> lengths;
        for (size_t l = 0; l <= 44; l++)
            lengths.push_back(l); // every header field boundary and between
        for (size_t l = 45; l < full.size(); l += 97) lengths.push_back(l);
        lengths.push_back(full.size() - 1);
        // Where the last block ends; QEMU and OpenSBI leave free space after it.
        const size_t used = std::max(get32(full, H_OFF_STRUCT) + get32(full, H_SIZE_STRUCT),
                                     get32(full, H_OFF_STRINGS) + get32(full, H_SIZE_STRINGS));
        REQUIRE(used <= full.size());
        for (size_t l = used - 8; l <= used + 8 && l < full.size(); l++) lengths.push_back(l);
        for (size_t len : lengths) {
            INFO("length " << len);
            const Bytes cut(full.begin(), full.begin() + len);
            // As it stands, the header still claims the full size.
            CHECK(open_reason(cut) != "");
            if (len < 40) continue;
            // Claiming just the bytes that are there fails while a block is
            // cut, and is a consistent blob once only free space is gone.
            Bytes claimed = cut;
            put32(claimed, H_TOTAL, uint32_t(len));
            if (len < used)
                CHECK(open_reason(claimed) != "");
            else
                open_and_exercise(claimed);
            if (len >= used) CHECK(open_reason(claimed) == "");
        }
        // Shrinking the structure or strings block inside an intact blob
        // leaves the walk short of FDT_END or of a name's NUL.
        const uint32_t struct_size = get32(full, H_SIZE_STRUCT);
        const uint32_t strings_size = get32(full, H_SIZE_STRINGS);
        for (uint32_t s = 0; s < struct_size; s += 4) {
            Bytes b = full;
            put32(b, H_SIZE_STRUCT, s);
            CHECK(open_reason(b) != "");
        }
        for (uint32_t s = 0; s < strings_size; s++) {
            Bytes b = full;
            put32(b, H_SIZE_STRINGS, s);
            open_and_exercise(b); // the last name may be unused; then it opens
        }
    }
}

TEST_CASE("fdt corrupt: byte flips in QEMU trees never read outside the blob")
{
    size_t accepted = 0, refused = 0;
    for (const char* name : {"qemu-virt-opensbi.dtb", "qemu-sifive_u-opensbi.dtb"}) {
        INFO(name);
        const Bytes full = src_blob(name);
        for (size_t off = 0; off < full.size(); off++) {
            INFO("offset " << off);
            // A deterministic pattern of changes: invert, set, and a few bits.
            const uint8_t patterns[] = {0xff, 0x01, uint8_t(off * 37 + 11)};
            for (uint8_t x : patterns) {
                if (x == 0) continue;
                Bytes b = full;
                b[off] ^= x;
                Blob blob(b);
                auto r = Fdt::open(blob.data.get(), blob.size);
                if (!r.ok()) {
                    refused++;
                    continue;
                }
                accepted++;
                // The full read is slow: one change in five offsets gets it.
                if (off % 5 != 0 || x != patterns[off / 5 % 3]) continue;
                const std::string problem = exercise_problem(r.value(), blob);
                if (!problem.empty()) {
                    INFO("flip " << int(x) << ": " << problem);
                    CHECK(problem.empty());
                }
            }
        }
    }
    // Both outcomes happen: flips in property values are harmless, flips in
    // tokens or the header are refused.
    CHECK(accepted > 1000);
    CHECK(refused > 1000);
}
