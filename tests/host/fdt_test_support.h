// Loading device trees for the FDT tests.  Every blob is copied into a heap
// buffer of exactly its size, so that ASan reports any read past its end.
#pragma once

#include <doctest/doctest.h>
#include <drivers/fdt.h>
#include <drivers/fdt_platform.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#ifndef SPRIG_SRCDATA
#error "SPRIG_SRCDATA (tests/data) must be defined by the build"
#endif
#ifndef SPRIG_TESTDATA
#error "SPRIG_TESTDATA (the compiled .dts files) must be defined by the build"
#endif

namespace fdt_test {

using Bytes = std::vector<uint8_t>;

inline Bytes read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    INFO("reading " << path);
    REQUIRE(in.good());
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A binary blob kept in tests/data (the QEMU captures).
inline Bytes src_blob(const char* name) { return read_file(std::string(SPRIG_SRCDATA "/") + name); }
// A tests/data/*.dts compiled by the build into $(TESTDATA).
inline Bytes dts_blob(const char* name)
{
    return read_file(std::string(SPRIG_TESTDATA "/") + name);
}

// Exactly `bytes.size()` bytes on the heap.
struct Blob {
    std::unique_ptr<uint8_t[]> data;
    size_t size = 0;

    explicit Blob(const Bytes& bytes) : data(new uint8_t[bytes.size()]), size(bytes.size())
    {
        for (size_t i = 0; i < size; i++) data[i] = bytes[i];
    }
};

// A blob and the reader open on it (the reader points into the blob, whose
// heap buffer does not move when the Tree does).
struct Tree {
    Blob blob;
    Fdt fdt;

    explicit Tree(const Bytes& bytes) : blob(bytes)
    {
        auto r = Fdt::open(blob.data.get(), blob.size);
        INFO("open: " << r.reason());
        REQUIRE(r.ok());
        fdt = r.value();
    }

    FdtNode node(const char* path) const
    {
        auto r = fdt.find_node(path);
        INFO("find_node(" << path << "): " << r.reason());
        REQUIRE(r.ok());
        return r.value();
    }
};

// fdt_read_platform on a tree that must read: the reason fails the test.
inline FdtPlatform read_platform(const Tree& t, uint64_t hartid)
{
    auto r = fdt_read_platform(t.fdt, hartid);
    char why[256];
    fdt_describe_error(t.fdt, r.fdt_error(), why, sizeof why);
    INFO("fdt_read_platform: " << why);
    REQUIRE(r.ok());
    return r.value();
}

// ... and on one that must not: the error as the boot panic would print it.
inline std::string read_platform_error(const Tree& t, uint64_t hartid, Errno expect)
{
    auto r = fdt_read_platform(t.fdt, hartid);
    REQUIRE(!r.ok());
    CHECK(r.error() == expect);
    char why[256];
    fdt_describe_error(t.fdt, r.fdt_error(), why, sizeof why);
    return why;
}

inline PhysRange R(uint64_t base, uint64_t size) { return PhysRange{PhysAddr(base), size}; }
inline bool same(const PhysRange& a, const PhysRange& b)
{
    return a.base == b.base && a.size == b.size;
}

// The QEMU trees kept in tests/data (see tests/data/README.md).
inline constexpr const char* kQemuBlobs[] = {
    "qemu-virt.dtb",         "qemu-virt-8g.dtb",          "qemu-sifive_u.dtb",
    "qemu-virt-opensbi.dtb", "qemu-sifive_u-opensbi.dtb",
};

} // namespace fdt_test
