// The address-space map (mm/vm_map.cpp): insert, lookup and findspace;
// split, merge and remove; protection and inheritance across entry
// boundaries; object references through splits and merges; and every
// allocation failure leaving the map exactly as it was.
#include "mem_test_util.h"

#include <mm/vm_map.h>
#include <mm/vm_object.h>

#include <functional>
#include <new>
#include <string>
#include <vector>

using namespace memtest;

namespace {

constexpr uint64_t MIN = 0x10000;
constexpr uint64_t MAX = 0x4000000000; // Sv39's user half
constexpr vm_prot_t RW = VM_PROT_READ | VM_PROT_WRITE;
constexpr vm_prot_t RO = VM_PROT_READ;

struct MapEnv {
    MemEnv mem{0x80000000, 4 * MiB};
    VmMapEntryZone entries{"vm_map_entry", mem.pages};
    VmObjectZone objects{"vm_object", mem.pages};
    VmMap map{entries, MIN, MAX};

    ~MapEnv()
    {
        map.check();
        map.~VmMap();
        new (&map) VmMap(entries, MIN, MAX); // empties it: the leak check follows
        CHECK(entries.objects_in_use() == 0);
        CHECK(objects.objects_in_use() == 0);
    }

    vm_object* object(uint64_t pages) { return vm_object_allocate(objects, pages).value(); }
};

// The map as text, "start-end prot inherit[obj+offset]" per entry, so a
// test states the whole expected layout at once.
std::string layout(VmMap& m, const vm_object* obj = nullptr)
{
    std::string s;
    char buf[96];
    for (const vm_map_entry* e : m.entries()) {
        snprintf(buf, sizeof buf, "%s%lx-%lx %c%c%c/%c%c%c %d", s.empty() ? "" : " ",
                 static_cast<unsigned long>(e->start), static_cast<unsigned long>(e->end),
                 e->protection & VM_PROT_READ ? 'r' : '-', e->protection & VM_PROT_WRITE ? 'w' : '-',
                 e->protection & VM_PROT_EXECUTE ? 'x' : '-',
                 e->max_protection & VM_PROT_READ ? 'r' : '-',
                 e->max_protection & VM_PROT_WRITE ? 'w' : '-',
                 e->max_protection & VM_PROT_EXECUTE ? 'x' : '-',
                 static_cast<int>(e->inheritance));
        s += buf;
        if (e->object) {
            snprintf(buf, sizeof buf, " %s+%lx", e->object == obj ? "obj" : "other",
                     static_cast<unsigned long>(e->offset));
            s += buf;
        }
    }
    return s;
}

void map_anon(VmMap& m, uint64_t start, uint64_t end, vm_prot_t prot = RW,
              vm_prot_t maxprot = VM_PROT_ALL)
{
    REQUIRE(m.insert(start, end, nullptr, 0, prot, maxprot, VmInherit::Copy).ok());
    m.check();
}

} // namespace

TEST_CASE("vm_map: insert keeps entries sorted; lookup finds the entry or nothing")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x30000, 0x32000);
    map_anon(m, 0x10000, 0x12000, RO);
    map_anon(m, 0x20000, 0x21000, VM_PROT_READ | VM_PROT_EXECUTE);
    CHECK(layout(m) == "10000-12000 r--/rwx 1 20000-21000 r-x/rwx 1 30000-32000 rw-/rwx 1");
    CHECK(m.entry_count() == 3);
    CHECK(m.size() == 0x5000);
    CHECK(m.lookup(0x10000)->end == 0x12000);
    CHECK(m.lookup(0x11fff)->start == 0x10000);
    CHECK(m.lookup(0x12000) == nullptr);
    CHECK(m.lookup(0xffff) == nullptr);
    CHECK(m.lookup(0x31234)->start == 0x30000);
    CHECK(m.lookup(0x32000) == nullptr);
}

TEST_CASE("vm_map: insert refuses bad ranges with EINVAL and overlaps with ENOMEM")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x20000, 0x24000);
    const std::string before = layout(m);
    auto ins = [&](uint64_t s, uint64_t e, vm_prot_t prot = RW, vm_prot_t max = VM_PROT_ALL) {
        return m.insert(s, e, nullptr, 0, prot, max, VmInherit::Copy).error();
    };
    CHECK(ins(0x20800, 0x30000) == Errno::Inval); // not page aligned
    CHECK(ins(0x30000, 0x30000) == Errno::Inval); // empty
    CHECK(ins(0x30000, 0x2f000) == Errno::Inval); // backwards
    CHECK(ins(0x0, 0x2000) == Errno::Inval);      // below the map
    CHECK(ins(MAX - 0x1000, MAX + 0x1000) == Errno::Inval);
    CHECK(ins(0x30000, 0x31000, RW, RO) == Errno::Inval); // prot beyond maxprot
    CHECK(ins(0x1f000, 0x21000) == Errno::NoMem);        // overlaps the start
    CHECK(ins(0x23000, 0x25000) == Errno::NoMem);        // overlaps the end
    CHECK(ins(0x21000, 0x22000) == Errno::NoMem);        // inside
    CHECK(ins(0x1f000, 0x25000) == Errno::NoMem);        // around
    CHECK(layout(m) == before);
    // Touching at either end is not overlapping.
    CHECK(ins(0x1f000, 0x20000, RO) == Errno::Ok);
    CHECK(ins(0x24000, 0x25000, RO) == Errno::Ok);
    m.check();
}

TEST_CASE("vm_map: neighbours that differ only in range merge, on insert and after changes")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x10000, 0x11000);
    map_anon(m, 0x12000, 0x13000);
    CHECK(m.entry_count() == 2);
    map_anon(m, 0x11000, 0x12000); // fills the gap: all three become one
    CHECK(layout(m) == "10000-13000 rw-/rwx 1");
    map_anon(m, 0x13000, 0x14000, RO); // other protection: stays apart
    CHECK(m.entry_count() == 2);
    REQUIRE(m.protect(0x13000, 0x14000, RW).ok()); // now equal: merged
    CHECK(layout(m) == "10000-14000 rw-/rwx 1");
}

TEST_CASE("vm_map: entries of one object merge only where their offsets are contiguous")
{
    MapEnv env;
    VmMap& m = env.map;
    vm_object* obj = env.object(8);
    vm_object_reference(obj); // one reference for each insert
    REQUIRE(m.insert(0x20000, 0x22000, obj, 0, RW, VM_PROT_ALL, VmInherit::Share).ok());
    // Right after it, the object's next pages: merged, one reference dropped.
    REQUIRE(m.insert(0x22000, 0x23000, obj, 0x2000, RW, VM_PROT_ALL, VmInherit::Share).ok());
    CHECK(layout(m, obj) == "20000-23000 rw-/rwx 0 obj+0");
    CHECK(obj->ref_count == 1);
    // The object's first page again, after them: not contiguous, kept apart.
    vm_object_reference(obj);
    REQUIRE(m.insert(0x23000, 0x24000, obj, 0, RW, VM_PROT_ALL, VmInherit::Share).ok());
    CHECK(m.entry_count() == 2);
    CHECK(obj->ref_count == 2);
    // An unbacked neighbour never merges with a backed one.
    map_anon(m, 0x24000, 0x25000);
    CHECK(m.entry_count() == 3);
    m.check();
}

TEST_CASE("vm_map: remove in the middle of an entry splits it in two")
{
    MapEnv env;
    VmMap& m = env.map;
    vm_object* obj = env.object(16);
    REQUIRE(m.insert(0x40000, 0x50000, obj, 0x3000, RW, VM_PROT_ALL, VmInherit::Copy).ok());
    REQUIRE(m.remove(0x44000, 0x46000).ok());
    CHECK(layout(m, obj) == "40000-44000 rw-/rwx 1 obj+3000 46000-50000 rw-/rwx 1 obj+9000");
    CHECK(obj->ref_count == 2); // one per piece
    CHECK(m.size() == 0xe000);
    m.check();
    // Removing both pieces drops both references: the object is gone.
    REQUIRE(m.remove(0x40000, 0x50000).ok());
    CHECK(m.entry_count() == 0);
    CHECK(m.size() == 0);
    CHECK(env.objects.objects_in_use() == 0);
}

TEST_CASE("vm_map: remove across entries and holes trims the ends and drops the inside")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x10000, 0x14000);
    map_anon(m, 0x16000, 0x18000, RO);
    map_anon(m, 0x20000, 0x24000);
    REQUIRE(m.remove(0x12000, 0x22000).ok());
    CHECK(layout(m) == "10000-12000 rw-/rwx 1 22000-24000 rw-/rwx 1");
    CHECK(m.size() == 0x4000);
    // Nothing mapped in the range: nothing to do, not an error.
    REQUIRE(m.remove(0x30000, 0x40000).ok());
    CHECK(m.remove(0x30000, 0x30800).error() == Errno::Inval);
    CHECK(m.remove(0x0, 0x1000).error() == Errno::Inval);
    m.check();
}

TEST_CASE("vm_map: protect across entry boundaries splits at the ends and merges inside")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x10000, 0x14000);
    map_anon(m, 0x14000, 0x18000, RO);
    map_anon(m, 0x1a000, 0x1c000, RO); // after a hole
    REQUIRE(m.protect(0x12000, 0x1b000, RO).ok());
    CHECK(layout(m) == "10000-12000 rw-/rwx 1 12000-18000 r--/rwx 1 1a000-1c000 r--/rwx 1");
    REQUIRE(m.protect(0x10000, 0x1c000, RW).ok());
    CHECK(layout(m) == "10000-18000 rw-/rwx 1 1a000-1c000 rw-/rwx 1");
    m.check();
}

TEST_CASE("vm_map: protect beyond max_protection is EACCES and changes nothing")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x10000, 0x14000, RW, RW);
    map_anon(m, 0x14000, 0x18000, RO, RO);
    const std::string before = layout(m);
    CHECK(m.protect(0x12000, 0x16000, RW).error() == Errno::Acces); // the second is read-only for good
    CHECK(m.protect(0x10000, 0x12000, VM_PROT_ALL).error() == Errno::Acces);
    CHECK(m.protect(0x10000, 0x12000, 0x10).error() == Errno::Inval);
    CHECK(layout(m) == before);
    REQUIRE(m.protect(0x12000, 0x16000, RO).ok()); // within both maxima
    CHECK(layout(m) == "10000-12000 rw-/rw- 1 12000-14000 r--/rw- 1 14000-18000 r--/r-- 1");
}

TEST_CASE("vm_map: inherit marks part of an entry, which splits off")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x10000, 0x18000);
    REQUIRE(m.inherit(0x12000, 0x14000, VmInherit::Share).ok());
    CHECK(layout(m) == "10000-12000 rw-/rwx 1 12000-14000 rw-/rwx 0 14000-18000 rw-/rwx 1");
    REQUIRE(m.inherit(0x10000, 0x18000, VmInherit::None).ok());
    CHECK(layout(m) == "10000-18000 rw-/rwx 2");
}

TEST_CASE("vm_map: findspace finds the lowest gap at or above the hint")
{
    MapEnv env;
    VmMap& m = env.map;
    map_anon(m, 0x10000, 0x12000);
    map_anon(m, 0x13000, 0x20000, RO);
    CHECK(m.findspace(0, 0x1000).value() == 0x12000);   // the one-page gap
    CHECK(m.findspace(0, 0x2000).value() == 0x20000);   // too small: after the last
    CHECK(m.findspace(0x12345, 0x1000).value() == 0x20000); // rounded up past the gap
    CHECK(m.findspace(0x40000, 0x1000).value() == 0x40000);
    CHECK(m.findspace(0, 0x800).error() == Errno::Inval);
    CHECK(m.findspace(0, MAX).error() == Errno::NoMem);
    CHECK(m.findspace(MAX - 0x1000, 0x1000).value() == MAX - 0x1000);
    CHECK(m.findspace(MAX - 0x1000, 0x2000).error() == Errno::NoMem);
    CHECK(m.findspace(~uint64_t{0}, 0x1000).error() == Errno::NoMem);
}

TEST_CASE("vm_map: every allocation failure of insert, remove, protect and inherit changes nothing")
{
    struct Op {
        const char* name;
        std::function<Result<void>(VmMap&)> run;
    };
    const Op ops[] = {
        {"insert", [](VmMap& m) { return m.insert(0x200000, 0x201000, nullptr, 0, RO, RO, VmInherit::Copy); }},
        {"remove inside", [](VmMap& m) { return m.remove(0x110000, 0x120000); }},
        {"remove across", [](VmMap& m) { return m.remove(0x130000, 0x148000); }},
        {"protect inside", [](VmMap& m) { return m.protect(0x110000, 0x120000, RO); }},
        {"protect across", [](VmMap& m) { return m.protect(0x130000, 0x148000, RW); }},
        {"inherit inside", [](VmMap& m) { return m.inherit(0x110000, 0x120000, VmInherit::None); }},
    };
    for (const Op& op : ops) {
        CAPTURE(std::string(op.name));
        MapEnv env;
        VmMap& m = env.map;
        vm_object* obj = env.object(64);
        REQUIRE(m.insert(0x100000, 0x140000, obj, 0, RW, VM_PROT_ALL, VmInherit::Copy).ok());
        map_anon(m, 0x140000, 0x150000, RO);
        long failures = 0;
        for (long n = 0;; n++) {
            const std::string before = layout(m, obj);
            const uint32_t refs = obj->ref_count;
            const size_t in_use = env.entries.objects_in_use();
            env.entries.zone().drain();
            env.entries.fail_after(n);
            Result<void> r = op.run(m);
            env.entries.fail_after(-1);
            if (r.ok()) break;
            failures++;
            CHECK(r.error() == Errno::NoMem);
            CHECK(layout(m, obj) == before);
            CHECK(obj->ref_count == refs);
            CHECK(env.entries.objects_in_use() == in_use);
            m.check();
            REQUIRE(n < 10);
        }
        CHECK(failures > 0);
        m.check();
    }
}

TEST_CASE("vm_map: a storm of random inserts, removes and protects keeps every invariant")
{
    MapEnv env;
    VmMap& m = env.map;
    Prng rng(99);
    // A model: each page's protection, or -1 when unmapped.
    constexpr uint64_t PAGES = 256, BASE = 0x100000;
    std::vector<int> model(PAGES, -1);
    for (int round = 0; round < 3000; round++) {
        const uint64_t a = rng.next() % PAGES, len = 1 + rng.next() % 16;
        const uint64_t b = a + len > PAGES ? PAGES : a + len;
        const uint64_t s = BASE + a * PG, e = BASE + b * PG;
        const vm_prot_t prot = rng.next() % 2 ? RO : RW;
        switch (rng.next() % 3) {
        case 0: {
            bool free = true;
            for (uint64_t i = a; i < b; i++) free = free && model[i] < 0;
            const Result<void> r = m.insert(s, e, nullptr, 0, prot, VM_PROT_ALL, VmInherit::Copy);
            CHECK(r.ok() == free);
            if (free)
                for (uint64_t i = a; i < b; i++) model[i] = prot;
            break;
        }
        case 1:
            REQUIRE(m.remove(s, e).ok());
            for (uint64_t i = a; i < b; i++) model[i] = -1;
            break;
        default:
            REQUIRE(m.protect(s, e, prot).ok());
            for (uint64_t i = a; i < b; i++)
                if (model[i] >= 0) model[i] = prot;
        }
        m.check();
    }
    uint64_t mapped = 0;
    for (uint64_t i = 0; i < PAGES; i++) {
        const vm_map_entry* e = m.lookup(BASE + i * PG);
        CHECK((e ? static_cast<int>(e->protection) : -1) == model[i]);
        mapped += model[i] >= 0;
    }
    CHECK(m.size() == mapped * PG);
}

TEST_CASE("vm_object: references count map entries; the last deallocate frees")
{
    MapEnv env;
    vm_object* obj = env.object(4);
    CHECK(obj->ref_count == 1);
    CHECK(obj->size == 4);
    CHECK(obj->type == ObjType::Default);
    vm_object_reference(obj);
    vm_object_deallocate(obj);
    CHECK(env.objects.objects_in_use() == 1);
    vm_object_deallocate(obj);
    CHECK(env.objects.objects_in_use() == 0);
    env.objects.fail_after(0);
    CHECK(vm_object_allocate(env.objects, 1).error() == Errno::NoMem);
    env.objects.fail_after(-1);
}
