// The initrd's cpio "newc" reader: members, names with and without a
// leading "./" or "/", 4-byte alignment of the data, the trailer, and
// malformed or truncated archives (each prefix in a buffer of exactly its
// size, so AddressSanitizer catches any read past the end).
#include <doctest/doctest.h>

#include "cpio_test_util.h"

#include <kernel/fs/cpio.h>
#include <kernel/fs/initrd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using cpiotest::archive;
using cpiotest::member;

namespace {

// The archive's bytes in a heap block of exactly their size.
std::unique_ptr<uint8_t[]> exact(const std::string& a, size_t n)
{
    std::unique_ptr<uint8_t[]> p(new uint8_t[n ? n : 1]);
    for (size_t i = 0; i < n; i++) p[i] = static_cast<uint8_t>(a[i]);
    return p;
}

} // namespace

TEST_CASE("cpio: members in order, with name, mode and data; the trailer ends it")
{
    const std::string a = archive({member(".", "", 040755), member("bin/init", "\x7f" "ELF..."),
                                   member("etc/motd", "hello, sprig\n")});
    CpioReader r(a.data(), a.size());
    CpioEntry e;
    REQUIRE(r.next(&e).value());
    CHECK(std::string(e.name) == ".");
    CHECK(e.mode == 040755);
    REQUIRE(r.next(&e).value());
    CHECK(std::string(e.name) == "bin/init");
    CHECK(std::string(reinterpret_cast<const char*>(e.data), e.size) == "\x7f" "ELF...");
    CHECK(reinterpret_cast<uintptr_t>(e.data) % 4 == reinterpret_cast<uintptr_t>(a.data()) % 4);
    REQUIRE(r.next(&e).value());
    CHECK(std::string(e.name) == "etc/motd");
    CHECK(e.size == 13);
    CHECK_FALSE(r.next(&e).value());
    CHECK_FALSE(r.next(&e).value()); // and stays at the end
}

TEST_CASE("cpio: find by path, with or without leading slashes and ./")
{
    const std::string a = archive({member("./bin/sh", "shell"), member("bin/init", "init"),
                                   member("070702-style", "x", 0100644, "070702")});
    auto find = [&](const char* p) { return cpio_find(a.data(), a.size(), p); };
    CHECK(find("/bin/sh").value().size == 5);
    CHECK(find("bin/sh").ok());
    CHECK(std::string(reinterpret_cast<const char*>(find("/bin/init").value().data), 4) == "init");
    CHECK(find("070702-style").ok());
    CHECK(find("/bin/ls").error() == Errno::NoEnt);
    CHECK(find("bin").error() == Errno::NoEnt);
}

TEST_CASE("cpio: malformed archives are EINVAL, and stay so")
{
    auto first = [](std::string a) {
        CpioReader r(a.data(), a.size());
        CpioEntry e;
        return r.next(&e);
    };
    std::string good = archive({member("a", "data")});
    CHECK(first(good).value());
    std::string bad = good;
    bad[5] = '3'; // magic 070703
    CHECK(first(bad).error() == Errno::Inval);
    bad = good;
    bad[6 + 8 * 6 + 3] = 'g'; // a filesize digit that is not hex
    CHECK(first(bad).error() == Errno::Inval);
    bad = good;
    bad.replace(6 + 8 * 6, 8, "7FFFFFFF"); // data past the end
    CHECK(first(bad).error() == Errno::Inval);
    bad = good;
    bad.replace(6 + 8 * 11, 8, "00000000"); // no name at all
    CHECK(first(bad).error() == Errno::Inval);
    bad = good;
    bad.replace(6 + 8 * 11, 8, "00000001"); // a name without its NUL
    CHECK(first(bad).error() == Errno::Inval);
    CHECK(cpio_find(bad.data(), bad.size(), "a").error() == Errno::Inval);
    // An error is sticky.
    CpioReader r(bad.data(), bad.size());
    CpioEntry e;
    CHECK(r.next(&e).error() == Errno::Inval);
    CHECK(r.next(&e).error() == Errno::Inval);
}

TEST_CASE("cpio: every truncation is EINVAL (or a clean end), never a read past the archive")
{
    const std::string a = archive({member("bin/init", std::string(37, 'i')), member("x", "yz")});
    for (size_t n = 0; n <= a.size(); n++) {
        CAPTURE(n);
        auto buf = exact(a, n);
        CpioReader r(buf.get(), n);
        CpioEntry e;
        int members = 0;
        Result<bool> more = r.next(&e);
        while (more.ok() && more.value()) {
            members++;
            more = r.next(&e);
        }
        if (n == a.size()) {
            CHECK(more.ok());
            CHECK(members == 2);
        } else {
            CHECK(more.error() == Errno::Inval); // the trailer never fits in a prefix
        }
    }
}

TEST_CASE("initrd: lookups by path once set; NoEnt when there is none")
{
    initrd_set(nullptr, 0);
    CHECK_FALSE(initrd_present());
    CHECK(initrd_lookup("/bin/init").error() == Errno::NoEnt);
    const std::string a = archive({member("bin/init", "init")});
    initrd_set(a.data(), a.size());
    CHECK(initrd_present());
    CHECK(initrd_lookup("/bin/init").value().size == 4);
    CHECK(initrd_lookup("/bin/sh").error() == Errno::NoEnt);
    initrd_set(nullptr, 0);
}
