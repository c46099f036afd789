// The initrd's index of members by name (kernel/fs/initrd_index.h): it
// must answer every path exactly as the walk over the archive does (the
// same member, the first of a repeated name, NoEnt, and Inval past a
// malformed member), and initrd_vget through it must give one vnode per
// member however it is spelt, falling back to the walk when the table
// cannot be allocated.
#include <doctest/doctest.h>

#include "cpio_test_util.h"
#include "fd_test_util.h"

#include <kernel/fs/cpio.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/initrd_index.h>
#include <kernel/fs/vnode.h>

#include <string>
#include <vector>

using cpiotest::archive;
using cpiotest::member;

namespace {

// Members out of name order, spelt three ways, one name twice.
std::string mixed_archive()
{
    return archive({member("usr/tests/z", "zz"), member("./bin/sh", "shell"), member("etc", "", 040755),
                    member("/etc/motd", "hello\n"), member("bin/true", "t"), member("bin/sh", "second"),
                    member("a", "first of all")});
}

const char* const PATHS[] = {"bin/sh", "/bin/sh", "./bin/sh", "//bin/true", "etc", "/etc/motd", "a",
                             "usr/tests/z", "usr/tests", "bin", "", "/", "zzz", "0", "bin/shell"};

// Both answers for path, side by side.
void check_same(InitrdIndex& idx, const std::string& a, const char* path)
{
    CAPTURE(path);
    const Result<CpioEntry> walk = cpio_find(a.data(), a.size(), path);
    const Result<InitrdIndex::Slot*> found = idx.find(path);
    REQUIRE(walk.ok() == found.ok());
    if (!walk.ok()) {
        CHECK(walk.error() == found.error());
        return;
    }
    CHECK(found.value()->e.name == walk.value().name); // the very member, by its header's place
    CHECK(found.value()->e.data == walk.value().data);
}

} // namespace

TEST_CASE("initrd index: every path answered as the walk answers it, the first of a repeated name")
{
    fdtest::FdEnv env;
    const std::string a = mixed_archive();
    InitrdIndex idx;
    REQUIRE(idx.build(a.data(), a.size()).ok());
    for (const char* p : PATHS) check_same(idx, a, p);
    CHECK(std::string(reinterpret_cast<const char*>(idx.find("bin/sh").value()->e.data), 5) == "shell");
    idx.clear();
}

TEST_CASE("initrd index: past a malformed member, Inval for every name the walk does not reach first")
{
    fdtest::FdEnv env;
    std::string bad = member("bin/x", "x");
    bad[0] = 'X'; // no magic
    const std::string a = member("bin/sh", "s") + member("etc/motd", "m") + bad + member("bin/true", "t") +
                          member("TRAILER!!!", "", 0);
    InitrdIndex idx;
    REQUIRE(idx.build(a.data(), a.size()).ok());
    for (const char* p : {"bin/sh", "etc/motd", "bin/x", "bin/true", "nothing"}) check_same(idx, a, p);
    CHECK(idx.find("bin/true").error() == Errno::Inval);
    idx.clear();
}

TEST_CASE("initrd index: many members in reverse order, each found")
{
    fdtest::FdEnv env;
    std::vector<std::string> members;
    for (int i = 499; i >= 0; i--) members.push_back(member("m/" + std::to_string(i), std::to_string(i)));
    const std::string a = archive(members);
    InitrdIndex idx;
    REQUIRE(idx.build(a.data(), a.size()).ok());
    for (int i = 0; i < 500; i++) {
        const std::string p = "/m/" + std::to_string(i);
        check_same(idx, a, p.c_str());
    }
    idx.clear();
}

TEST_CASE("initrd_vget: one vnode per member by any spelling; without memory for the index, the walk")
{
    fdtest::FdEnv env;
    const std::string a = mixed_archive();
    for (bool starve : {false, true}) {
        CAPTURE(starve);
        initrd_set(a.data(), a.size());
        if (starve) env.km.fail_after(0); // the index's table: the vget walks instead
        vnode* v1 = initrd_vget("bin/sh").value();
        vnode* v2 = initrd_vget("./bin/sh").value(); // the index is built by now
        vnode* v3 = initrd_vget("/bin/sh").value();
        CHECK(v1 == v2);
        CHECK(v2 == v3);
        CHECK(std::string(reinterpret_cast<const char*>(v1->v_data), v1->v_size) == "shell");
        CHECK(initrd_vget("/nothing").error() == Errno::NoEnt);
        CHECK(initrd_lookup("etc/motd").value().size == 6);
        CHECK(initrd_vnode_count() == 1);
        for (vnode* v : {v1, v2, v3}) vrele(v);
        initrd_set(nullptr, 0); // frees the vnodes and the index
    }
}
