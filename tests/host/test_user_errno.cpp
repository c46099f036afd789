// The user runtime's errno translation (user/lib/errno_xlat.cpp): every
// FreeBSD errno the kernel can return (abi/errno.h) becomes picolibc's
// value of the same name.  The expected values are read from picolibc's
// installed <sys/errno.h>, not from the table, and the names from the
// kernel's errno_name.
#include <doctest/doctest.h>

#include <abi/errno.h>
#include <user/lib/errno_xlat.h>

#include <fstream>
#include <map>
#include <cstdio>
#include <string>

namespace {

constexpr const char* kPicolibcErrno = "/usr/lib/picolibc/riscv64-unknown-elf/include/sys/errno.h";

// picolibc's "#define ENAME number" lines.
std::map<std::string, int> picolibc_errnos()
{
    std::ifstream in(kPicolibcErrno);
    REQUIRE(in.good());
    std::map<std::string, int> values;
    for (std::string line; std::getline(in, line);) {
        char name[64];
        int value;
        if (std::sscanf(line.c_str(), "#define %63s %d", name, &value) == 2 && name[0] == 'E')
            values[name] = value;
    }
    return values;
}

} // namespace

TEST_CASE("user errno: each FreeBSD errno of abi/errno.h becomes picolibc's of the same name")
{
    const auto pico = picolibc_errnos();
    REQUIRE(pico.count("EAGAIN"));
    int checked = 0;
    for (int v = 1; v < 128; v++) {
        const std::string name = errno_name(static_cast<Errno>(v));
        if (name == "E?") continue;
        CAPTURE(name);
        REQUIRE(pico.count(name));
        CHECK(__sprig_errno_from_freebsd(v) == pico.at(name));
        checked++;
    }
    CHECK(checked > 30); // abi/errno.h's list, not an empty loop
}

TEST_CASE("user errno: the values that differ between FreeBSD and picolibc")
{
    const auto pico = picolibc_errnos();
    CHECK(__sprig_errno_from_freebsd(35) == pico.at("EAGAIN"));       // 11 in picolibc
    CHECK(__sprig_errno_from_freebsd(78) == pico.at("ENOSYS"));       // 88
    CHECK(__sprig_errno_from_freebsd(63) == pico.at("ENAMETOOLONG")); // 91
    CHECK(__sprig_errno_from_freebsd(11) == pico.at("EDEADLK"));      // 45
    CHECK(__sprig_errno_from_freebsd(84) == pico.at("EOVERFLOW"));    // 139
}

TEST_CASE("user errno: values outside FreeBSD's range become EIO, never a wrong specific error")
{
    const auto pico = picolibc_errnos();
    CHECK(__sprig_errno_from_freebsd(0) == pico.at("EIO"));
    CHECK(__sprig_errno_from_freebsd(-1) == pico.at("EIO"));
    CHECK(__sprig_errno_from_freebsd(93) == pico.at("EIO"));
    CHECK(__sprig_errno_from_freebsd(100000) == pico.at("EIO"));
}
