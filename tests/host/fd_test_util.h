// Shared by the file and descriptor-table tests: a fresh arena with the
// fd zones and a kmalloc arena (made the kernel's for the test), a file
// kind that counts its closes, and a loop over every allocation failure
// point with a leak and reference check.
#pragma once

#include "mem_test_util.h"

#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <mm/kmalloc.h>

#include <vector>

namespace fdtest {

struct FdEnv {
    memtest::MemEnv mem{0x80000000, 8 * memtest::MiB};
    KmallocArena km{mem.pages};
    FdZones zones{mem.pages};
    KmallocArena* saved = nullptr;

    FdEnv() : saved(kmalloc_arena()) { kmalloc_set_arena(&km); }
    // Nothing may outlive the test; this names what leaked.
    ~FdEnv()
    {
        CHECK(zones.files.objects_in_use() == 0);
        CHECK(zones.tables.objects_in_use() == 0);
        CHECK(zones.leaders.objects_in_use() == 0);
        CHECK(km.objects_in_use() == 0);
        kmalloc_set_arena(saved);
        km.drain();
    }
    FdEnv(const FdEnv&) = delete;
    FdEnv& operator=(const FdEnv&) = delete;

    // Zone objects and kmalloc blocks in use.
    size_t objects() const { return zones.objects_in_use() + km.objects_in_use(); }
    // Empty slabs back to the page allocator, so the next allocation of
    // each kind reaches the page allocator again.
    void drain()
    {
        zones.files.zone().drain();
        zones.tables.zone().drain();
        zones.leaders.zone().drain();
        km.drain();
    }
};

// The test kind: f_data points at one of these, and closing counts.
struct TestFile {
    int closes = 0;
    Errno close_error = Errno::Ok; // what fo_close returns
};

inline Errno test_close(file* fp)
{
    TestFile* t = static_cast<TestFile*>(fp->f_data);
    t->closes++;
    return t->close_error;
}

inline constexpr fileops test_fileops{test_close};

// A file of the test kind with one reference (the caller's).
inline file* new_file(FdEnv& env, TestFile& t, uint32_t flag = FREAD | FWRITE)
{
    file* fp = falloc_noinstall(env.zones.files).value();
    finit(fp, flag, FileType::Vnode, &t, &test_fileops);
    return fp;
}

// A file of the test kind installed in fdp, the slot holding the only
// reference; returns its descriptor.
inline int open_file(FdEnv& env, filedesc* fdp, TestFile& t, int flags = 0)
{
    file* fp = new_file(env, t);
    const int fd = finstall(fdp, fp, flags).value();
    CHECK(fdrop(fp) == Errno::Ok); // the caller's reference; the slot keeps its own
    return fd;
}

// Runs op() with a failure injected after n successful allocations, for
// n = 0, 1, ... until op succeeds; arm(n) sets the injection, arm(-1)
// clears it.  Each failed run must return NoMem and leave the objects in
// use and the state snapshot() describes (reference counts, pointers) as
// they were.  Returns how many runs failed.
template <typename Arm, typename Op, typename Snapshot>
long every_failure(FdEnv& env, Arm arm, Op op, Snapshot snapshot)
{
    const size_t base = env.objects();
    const std::vector<uint64_t> before = snapshot();
    for (long n = 0;; n++) {
        env.drain();
        arm(n);
        const Errno e = op();
        arm(-1);
        if (e == Errno::Ok) return n;
        REQUIRE(e == Errno::NoMem);
        REQUIRE(env.objects() == base);
        REQUIRE(snapshot() == before);
        REQUIRE(n < 100); // op must succeed once nothing is injected
    }
}

} // namespace fdtest
