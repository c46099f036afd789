#include "mem_test_util.h"

#include <mm/kmalloc.h>
#include <mm/zone.h>

#include <algorithm>
#include <string.h>

using namespace memtest;

namespace {

// The size class a request must land in, worked out by doubling.
size_t class_of(size_t size)
{
    size_t c = 16;
    while (c < size) c *= 2;
    return c;
}

// Pages of the block a big request must get: the next power of two.
uint64_t block_pages(size_t size)
{
    uint64_t n = 1;
    while (n * PG < size) n *= 2;
    return n;
}

// An arena over a fresh allocator; at the end nothing may be in use.
struct KmEnv : MemEnv {
    KmallocArena km;
    explicit KmEnv(uint64_t size = 16 * MiB) : MemEnv(0x80000000, size), km(pages) {}
    ~KmEnv()
    {
        CHECK(km.objects_in_use() == 0);
        CHECK(km.bytes_in_use() == 0);
        km.drain();
        CHECK(km.pages_in_use() == 0);
    }
};

bool filled(const void* p, size_t n, unsigned char v)
{
    const unsigned char* b = static_cast<const unsigned char*>(p);
    return std::all_of(b, b + n, [v](unsigned char c) { return c == v; });
}

} // namespace

TEST_CASE("kmalloc: every size up to the largest class")
{
    KmEnv env;
    KmallocArena& km = env.km;
    std::vector<void*> objs;
    size_t bytes = 0;
    for (size_t size = 0; size <= KmallocArena::MAX_ZONE_SIZE; size++) {
        CAPTURE(size);
        void* p = km.alloc(size).value();
        const size_t cls = class_of(size);
        CHECK(km.usable_size(p) == cls);
        CHECK(reinterpret_cast<uintptr_t>(p) % cls == 0); // aligned to its class
        memset(p, int(size & 0xff), size);
        bytes += cls;
        objs.push_back(p);
        CHECK(km.bytes_in_use() == bytes);
        CHECK(km.objects_in_use() == objs.size());
    }
    for (size_t size = 0; size < objs.size(); size++) CHECK(filled(objs[size], size, size & 0xff));
    CHECK(km.pages_in_use() == env.pages.pages_in_use());
    for (void* p : objs) km.free(p);
    CHECK(km.bytes_in_use() == 0);
}

TEST_CASE("kmalloc: big sizes are whole blocks of pages")
{
    KmEnv env;
    KmallocArena& km = env.km;
    const size_t sizes[] = {2049, 4095, 4096, 4097, 8192, 12289, 100000, MiB, 3 * MiB + 1,
                            KmallocArena::MAX_SIZE};
    std::vector<void*> objs;
    uint64_t pages = 0;
    size_t bytes = 0;
    for (size_t size : sizes) {
        CAPTURE(size);
        void* p = km.alloc(size).value();
        CHECK(reinterpret_cast<uintptr_t>(p) % PG == 0);
        const uint64_t n = block_pages(size);
        CHECK(km.usable_size(p) == n * PG);
        pages += n;
        bytes += n * PG;
        CHECK(km.pages_in_use() == pages);
        CHECK(env.pages.pages_in_use() == pages);
        CHECK(km.bytes_in_use() == bytes);
        memset(p, 0x3c, size);
        objs.push_back(p);
    }
    CHECK(km.alloc(KmallocArena::MAX_SIZE + 1).error() == Errno::NoMem);
    CHECK(km.alloc(SIZE_MAX).error() == Errno::NoMem);
    for (size_t i = 0; i < objs.size(); i++) CHECK(filled(objs[i], sizes[i], 0x3c));
    for (void* p : objs) km.free(p);
    CHECK(env.pages.pages_in_use() == 0);
}

TEST_CASE("kmalloc: zeroed memory, small and big")
{
    KmEnv env;
    KmallocArena& km = env.km;
    for (size_t size : {24, 2000, 5000, 70000}) {
        CAPTURE(size);
        void* junk = km.alloc(size).value();
        memset(junk, 0xee, size);
        km.free(junk);
        void* p = km.alloc(size, AllocFlags::Zero).value();
        CHECK(filled(p, size, 0));
        km.free(p);
    }
}

TEST_CASE("kmalloc: random sizes never overlap, counters return to zero")
{
    KmEnv env(32 * MiB);
    KmallocArena& km = env.km;
    struct Obj {
        unsigned char* p;
        size_t size;
        unsigned char fill;
    };
    std::vector<Obj> live;
    Prng rng(4242);
    for (int step = 0; step < 6000; step++) {
        if (rng.below(100) < 55 || live.empty()) {
            const size_t size = rng.below(10) == 0 ? rng.below(40000) : rng.below(3000);
            Result<void*> r = km.alloc(size);
            if (!r.ok()) {
                CHECK(r.error() == Errno::NoMem);
                continue;
            }
            Obj o{static_cast<unsigned char*>(r.value()), size, static_cast<unsigned char>(rng.next())};
            memset(o.p, o.fill, size);
            live.push_back(o);
        } else {
            const size_t i = rng.below(live.size());
            CHECK(filled(live[i].p, live[i].size, live[i].fill));
            km.free(live[i].p);
            live[i] = live.back();
            live.pop_back();
        }
        REQUIRE(km.objects_in_use() == live.size());
    }
    for (Obj& o : live) {
        CHECK(filled(o.p, o.size, o.fill));
        km.free(o.p);
    }
}

TEST_CASE("kmalloc: NoMem when exhausted, recovery after frees")
{
    KmEnv env(2 * MiB);
    KmallocArena& km = env.km;
    std::vector<void*> big, small;
    for (Result<void*> r = km.alloc(PG); r.ok(); r = km.alloc(PG)) big.push_back(r.value());
    for (Result<void*> r = km.alloc(64); r.ok(); r = km.alloc(64)) small.push_back(r.value());
    CHECK(km.alloc(64).error() == Errno::NoMem);
    CHECK(km.alloc(PG).error() == Errno::NoMem);
    CHECK(env.pages.free_pages() == 0);
    km.free(big.back());
    big.pop_back();
    small.push_back(km.alloc(64).value()); // a new slab from the page given back
    for (void* p : big) km.free(p);
    for (void* p : small) km.free(p);
}

TEST_CASE("kmalloc: fail_after loops")
{
    KmEnv env;
    KmallocArena& km = env.km;
    const size_t sizes[] = {16, 300, 5000, 2048, 100, 70000};
    constexpr size_t N = sizeof sizes / sizeof sizes[0];
    void* got[N];
    auto op = [&]() -> Result<void> {
        for (size_t i = 0; i < N; i++) {
            Result<void*> r = km.alloc(sizes[i]);
            if (!r.ok()) {
                while (i-- > 0) km.free(got[i]);
                return r.error();
            }
            got[i] = r.value();
        }
        return {};
    };
    auto run = [&](auto&& arm, auto&& disarm, long expected_failures) {
        for (long n = 0; n <= expected_failures; n++) {
            CAPTURE(n);
            arm(n);
            Result<void> r = op();
            disarm();
            CHECK(r.ok() == (n >= expected_failures));
            if (!r.ok()) CHECK(r.error() == Errno::NoMem);
            if (r.ok())
                for (void* p : got) km.free(p);
            CHECK(km.objects_in_use() == 0);
            CHECK(km.bytes_in_use() == 0);
            km.drain();
            CHECK(km.pages_in_use() == 0);
            CHECK(env.pages.pages_in_use() == 0);
        }
    };
    SUBCASE("in kmalloc")
    {
        run([&](long n) { km.fail_after(n); }, [&] { km.fail_after(-1); }, N);
        CHECK(km.injected_failures() == N);
    }
    SUBCASE("in the page allocator")
    {
        // Each request needs pages: a new slab in each of its four zones,
        // and two big blocks.
        run([&](long n) { env.pages.fail_after(n); }, [&] { env.pages.fail_after(-1); }, N);
        CHECK(env.pages.injected_failures() == N);
    }
}

TEST_CASE("kmalloc: the kernel's kmalloc/kfree go through the named arena")
{
    KmEnv env;
    KmallocArena* saved = kmalloc_arena();
    kmalloc_set_arena(&env.km);
    void* p = kmalloc(40).value();
    void* q = kmalloc(9000, AllocFlags::Zero).value();
    CHECK(env.km.objects_in_use() == 2);
    CHECK(env.km.usable_size(p) == 64);
    CHECK(filled(q, 9000, 0));
    kfree(p);
    kfree(q);
    kfree(nullptr);
    CHECK(env.km.objects_in_use() == 0);
    kmalloc_set_arena(saved);
}

TEST_CASE("kmalloc: misuse panics")
{
    KmEnv env;
    KmallocArena& km = env.km;
    char* s = static_cast<char*>(km.alloc(100).value());
    char* b = static_cast<char*>(km.alloc(3 * PG).value());
    km.free(nullptr);
    CHECK(panics([&] { km.free(s + 16); }, "not the start of an object"));
    CHECK(panics([&] { km.free(s); km.free(s); }, "double free"));
    CHECK(panics([&] { km.free(b); km.free(b); }, "double free"));
    CHECK(panics([&] { km.free(b + 8); }, "not the start of a kmalloc block"));
    CHECK(panics([&] { km.free(b + PG); }, "kfree"));
    const PhysAddr page = env.pages.alloc(0).value();
    CHECK(panics([&] { km.free(arch::phys_to_virt(page)); }, "not a kmalloc block"));
    Zone other("other", 64, 8, env.pages);
    void* o = other.alloc().value();
    CHECK(panics([&] { km.free(o); }, "object of zone other"));
    KmallocArena second(env.pages);
    void* b2 = second.alloc(2 * PG).value();
    CHECK(panics([&] { km.free(b2); }, "another arena"));
    CHECK(panics([&] { kmalloc_set_arena(nullptr); (void)kmalloc(8); }, "before kmalloc_set_arena"));
    int on_stack = 0;
    CHECK(panics([&] { km.free(&on_stack); }, "not inside the arena"));
    second.free(b2);
    other.free(o);
    env.pages.free(page, 0);
    km.free(s);
    km.free(b);
}
