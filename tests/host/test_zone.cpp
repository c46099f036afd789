#include "mem_test_util.h"

#include <mm/page_alloc.h>
#include <mm/zone.h>

#include <algorithm>
#include <bit>
#include <set>
#include <string.h>

using namespace memtest;

namespace {

// The first page of the slab holding obj, by the page allocator's metadata.
PhysAddr slab_start(MemEnv& env, Zone& z, const void* obj)
{
    const PhysAddr pa = arch::virt_to_phys(obj).align_down(PG);
    const Page* pg = env.pages.page_of(pa);
    for (PhysAddr p = pa;; p = p - PG) {
        const Page* q = env.pages.page_of(p);
        if (q->state == PageState::Allocated) {
            CHECK(q->order == std::countr_zero(z.pages_per_slab()));
            CHECK(q->owner == pg->owner);
            return p;
        }
    }
}

std::vector<void*> alloc_n(Zone& z, size_t n)
{
    std::vector<void*> out;
    for (size_t i = 0; i < n; i++) out.push_back(z.alloc().value());
    return out;
}

void free_all(Zone& z, std::vector<void*>& objs)
{
    for (void* o : objs) z.free(o);
    objs.clear();
}

} // namespace

TEST_CASE("zone: objects fill a slab, the next one starts another")
{
    MemEnv env(0x80000000, 4 * MiB);
    Zone z("test-64", 64, 8, env.pages);
    CHECK(z.pages_in_use() == 0); // nothing until the first alloc
    CHECK(env.pages.pages_in_use() == 0);
    const size_t per = z.objects_per_slab();
    const size_t slab_bytes = z.pages_per_slab() * PG;
    // Everything fits with the header, and little is wasted.
    CHECK(per * 64 < slab_bytes);
    CHECK(per * 64 >= slab_bytes * 7 / 8);

    std::vector<void*> objs = alloc_n(z, per);
    CHECK(z.objects_in_use() == per);
    CHECK(z.pages_in_use() == z.pages_per_slab());
    CHECK(env.pages.pages_in_use() == z.pages_per_slab());
    // All in one slab, distinct, stride apart.
    std::set<uintptr_t> addrs;
    const PhysAddr first = slab_start(env, z, objs[0]);
    for (void* o : objs) {
        CHECK(addrs.insert(reinterpret_cast<uintptr_t>(o)).second);
        CHECK(slab_start(env, z, o) == first);
        CHECK(Zone::owner_of(env.pages, o) == &z);
    }
    CHECK(*addrs.rbegin() - *addrs.begin() == (per - 1) * 64);

    void* extra = z.alloc().value();
    CHECK(z.pages_in_use() == 2 * z.pages_per_slab());
    CHECK(slab_start(env, z, extra) != first);
    z.free(extra);
    free_all(z, objs);
    CHECK(z.objects_in_use() == 0);
    // One empty slab stays cached; drain gives it back.
    CHECK(z.pages_in_use() == z.pages_per_slab());
    CHECK(env.pages.pages_in_use() == z.pages_per_slab());
    z.drain();
    CHECK(z.pages_in_use() == 0);
    CHECK(env.pages.pages_in_use() == 0);
}

TEST_CASE("zone: freed objects and cached slabs are reused")
{
    MemEnv env(0x80000000, 4 * MiB);
    Zone z("test-reuse", 100, 4, env.pages);
    void* a = z.alloc().value();
    void* b = z.alloc().value();
    z.free(a);
    CHECK(z.alloc().value() == a); // last freed, first reused
    z.free(a);
    z.free(b);
    CHECK(z.pages_in_use() == z.pages_per_slab());
    const uint64_t pages_before = env.pages.pages_in_use();
    // The cached slab serves the next alloc: no new pages.
    void* c = z.alloc().value();
    CHECK(env.pages.pages_in_use() == pages_before);
    CHECK(slab_start(env, z, c) == slab_start(env, z, a));
    z.free(c);
}

TEST_CASE("zone: emptied slabs beyond the cached one go back to the page allocator")
{
    MemEnv env(0x80000000, 4 * MiB);
    Zone z("test-return", 256, 256, env.pages);
    const size_t per = z.objects_per_slab();
    std::vector<void*> objs = alloc_n(z, 3 * per);
    CHECK(z.pages_in_use() == 3 * z.pages_per_slab());
    free_all(z, objs);
    CHECK(z.pages_in_use() == z.pages_per_slab());
    CHECK(env.pages.pages_in_use() == z.pages_per_slab());
    // A partially used slab is kept, and filled before a new one is made.
    objs = alloc_n(z, per + 1);
    CHECK(z.pages_in_use() == 2 * z.pages_per_slab());
    void* last = objs.back();
    objs.pop_back();
    free_all(z, objs);
    CHECK(z.pages_in_use() == 2 * z.pages_per_slab()); // one cached, one partial
    z.free(last);
    CHECK(z.pages_in_use() == z.pages_per_slab());
}

TEST_CASE("zone: alignment, sizes, and no overlap")
{
    MemEnv env(0x80000000, 8 * MiB);
    const size_t sizes[] = {1, 7, 8, 24, 100, 513, 3000, 5000, 20000};
    const size_t aligns[] = {1, 8, 16, 64, 256, 4096};
    for (size_t size : sizes) {
        for (size_t align : aligns) {
            CAPTURE(size);
            CAPTURE(align);
            Zone z("test-align", size, align, env.pages);
            CHECK(z.stride() >= size);
            CHECK(z.stride() % align == 0);
            CHECK(z.objects_per_slab() >= 1);
            CHECK(z.objects_per_slab() * z.stride() <= z.pages_per_slab() * PG);
            std::vector<void*> objs = alloc_n(z, 2 * z.objects_per_slab() + 1);
            for (size_t i = 0; i < objs.size(); i++) {
                CHECK(reinterpret_cast<uintptr_t>(objs[i]) % align == 0);
                CHECK(reinterpret_cast<uintptr_t>(objs[i]) % alignof(void*) == 0);
                memset(objs[i], int(i & 0xff), size);
            }
            for (size_t i = 0; i < objs.size(); i++) {
                const unsigned char* b = static_cast<unsigned char*>(objs[i]);
                CHECK(std::all_of(b, b + size, [i](unsigned char c) { return c == (i & 0xff); }));
            }
            free_all(z, objs);
        }
    }
}

TEST_CASE("zone: kmalloc-sized zones waste at most an eighth of a slab")
{
    MemEnv env(0x80000000, 1 * MiB);
    for (size_t size = 16; size <= 2048; size *= 2) {
        CAPTURE(size);
        Zone z("test-waste", size, size, env.pages);
        const size_t bytes = z.pages_per_slab() * PG;
        CHECK(bytes - z.objects_per_slab() * size <= bytes / 8);
    }
}

TEST_CASE("zone: zeroed objects, and junk in the others")
{
    MemEnv env(0x80000000, 1 * MiB);
    Zone z("test-zero", 200, 8, env.pages);
    void* a = z.alloc().value();
    memset(a, 0x77, 200);
    z.free(a);
    void* b = z.alloc(AllocFlags::Zero).value();
    CHECK(b == a);
    const unsigned char* p = static_cast<unsigned char*>(b);
    CHECK(std::all_of(p, p + 200, [](unsigned char c) { return c == 0; }));
    // Without Zero the object holds neither zeros nor what was there before.
    z.free(b);
    void* c = z.alloc().value();
    p = static_cast<unsigned char*>(c);
    CHECK(std::count(p + 8, p + 200, 0) == 0);
    CHECK(std::count(p + 8, p + 200, 0x77) == 0);
    z.free(c);
}

TEST_CASE("zone: NoMem when the pages run out, recovery after frees")
{
    MemEnv env(0x80000000, 1 * MiB);
    Zone z("test-nomem", 512, 8, env.pages);
    std::vector<void*> objs;
    for (;;) {
        Result<void*> r = z.alloc();
        if (!r.ok()) {
            CHECK(r.error() == Errno::NoMem);
            break;
        }
        objs.push_back(r.value());
    }
    // Every page that could become a slab did.
    CHECK(env.pages.free_pages() < z.pages_per_slab());
    CHECK(objs.size() == z.objects_in_use());
    CHECK(objs.size() == z.pages_in_use() / z.pages_per_slab() * z.objects_per_slab());
    CHECK(z.alloc().error() == Errno::NoMem);
    z.free(objs.back());
    objs.pop_back();
    objs.push_back(z.alloc().value());
    free_all(z, objs);
    z.drain();
}

TEST_CASE("zone: fail_after loops, in the zone and in the page allocator")
{
    MemEnv env(0x80000000, 4 * MiB);
    Zone z("test-fail", 300, 8, env.pages);
    const size_t per = z.objects_per_slab();
    const size_t N = 2 * per + 2; // reaches into a third slab
    std::vector<void*> got;
    auto op = [&]() -> Result<void> {
        for (size_t i = 0; i < N; i++) {
            Result<void*> r = z.alloc();
            if (!r.ok()) {
                free_all(z, got);
                return r.error();
            }
            got.push_back(r.value());
        }
        return {};
    };
    auto check_baseline = [&] {
        CHECK(z.objects_in_use() == 0);
        z.drain();
        CHECK(z.pages_in_use() == 0);
        CHECK(env.pages.pages_in_use() == 0);
    };
    SUBCASE("zone failures")
    {
        for (long n = 0; n <= long(N); n++) {
            CAPTURE(n);
            z.fail_after(n);
            Result<void> r = op();
            z.fail_after(-1);
            CHECK(r.ok() == (n >= long(N)));
            if (!r.ok()) CHECK(r.error() == Errno::NoMem);
            free_all(z, got);
            check_baseline();
        }
        CHECK(z.injected_failures() == N);
    }
    SUBCASE("page allocator failures")
    {
        // Only the three slabs allocate pages.
        for (long n = 0; n <= 3; n++) {
            CAPTURE(n);
            env.pages.fail_after(n);
            Result<void> r = op();
            env.pages.fail_after(-1);
            CHECK(r.ok() == (n >= 3));
            if (!r.ok()) CHECK(r.error() == Errno::NoMem);
            free_all(z, got);
            check_baseline();
        }
        CHECK(env.pages.injected_failures() == 3);
    }
}

TEST_CASE("zone: random storm over several zones returns to baseline")
{
    MemEnv env(0x80000000, 8 * MiB);
    Zone zones[] = {Zone("s-16", 16, 16, env.pages), Zone("s-72", 72, 8, env.pages),
                    Zone("s-1000", 1000, 8, env.pages), Zone("s-4000", 4000, 64, env.pages)};
    struct Obj {
        Zone* z;
        uint64_t* p;
        uint64_t tag;
    };
    std::vector<Obj> live;
    size_t model[4] = {};
    Prng rng(777);
    for (int step = 0; step < 20000; step++) {
        if (rng.below(100) < 55 || live.empty()) {
            const size_t zi = rng.below(4);
            Result<void*> r = zones[zi].alloc();
            if (!r.ok()) {
                CHECK(r.error() == Errno::NoMem);
                continue;
            }
            Obj o{&zones[zi], static_cast<uint64_t*>(r.value()), rng.next()};
            *o.p = o.tag;
            live.push_back(o);
            model[zi]++;
        } else {
            const size_t i = rng.below(live.size());
            CHECK(*live[i].p == live[i].tag);
            live[i].z->free(live[i].p);
            model[live[i].z - zones]--;
            live[i] = live.back();
            live.pop_back();
        }
        uint64_t pages = 0;
        for (size_t zi = 0; zi < 4; zi++) {
            REQUIRE(zones[zi].objects_in_use() == model[zi]);
            pages += zones[zi].pages_in_use();
        }
        REQUIRE(env.pages.pages_in_use() == pages);
    }
    for (Obj& o : live) {
        CHECK(*o.p == o.tag);
        o.z->free(o.p);
    }
    for (Zone& z : zones) {
        CHECK(z.objects_in_use() == 0);
        CHECK(z.pages_in_use() <= z.pages_per_slab());
        z.drain();
    }
    CHECK(env.pages.pages_in_use() == 0);
}

namespace {

struct Widget {
    static inline int live = 0;
    int a;
    long b;
    char name[20];
    Widget(int x, long y) : a(x), b(y)
    {
        strcpy(name, "widget");
        live++;
    }
    ~Widget() { live--; }
};

struct alignas(128) Aligned {
    char c[200];
};

} // namespace

TEST_CASE("zone: TypedZone constructs in place and destroys")
{
    MemEnv env(0x80000000, 1 * MiB);
    TypedZone<Widget> wz("widget", env.pages);
    Widget* w = wz.create(3, 40L).value();
    CHECK(w->a == 3);
    CHECK(w->b == 40);
    CHECK(strcmp(w->name, "widget") == 0);
    CHECK(Widget::live == 1);
    CHECK(wz.objects_in_use() == 1);
    CHECK(Zone::owner_of(env.pages, w) == &wz.zone());
    wz.destroy(w);
    wz.destroy(nullptr);
    CHECK(Widget::live == 0);
    CHECK(wz.objects_in_use() == 0);
    // A failed create constructs nothing.
    wz.fail_after(0);
    Result<Widget*> r = wz.create(1, 2L);
    CHECK(r.error() == Errno::NoMem);
    CHECK(Widget::live == 0);
    CHECK(wz.objects_in_use() == 0);

    TypedZone<Aligned> az("aligned", env.pages);
    Aligned* x = az.create().value();
    Aligned* y = az.create().value();
    CHECK(reinterpret_cast<uintptr_t>(x) % 128 == 0);
    CHECK(reinterpret_cast<uintptr_t>(y) % 128 == 0);
    az.destroy(x);
    az.destroy(y);
}

TEST_CASE("zone: misuse panics")
{
    MemEnv env(0x80000000, 1 * MiB);
    Zone a("zone-a", 64, 8, env.pages);
    Zone b("zone-b", 64, 8, env.pages);
    void* x = a.alloc().value();
    void* y = a.alloc().value();
    CHECK(panics([&] { b.free(x); }, "belongs to zone zone-a"));
    CHECK(panics([&] { a.free(x); a.free(x); }, "double free"));
    CHECK(panics([&] { a.free(static_cast<char*>(x) + 8); }, "not the start of an object"));
    CHECK(panics([&] { a.free(x); static_cast<char*>(x)[20] = 1; (void)a.alloc(); },
                 "modified after free"));
    const PhysAddr page = env.pages.alloc(0).value();
    CHECK(panics([&] { a.free(arch::phys_to_virt(page)); }, "not a zone object"));
    CHECK(Zone::owner_of(env.pages, arch::phys_to_virt(page)) == nullptr);
    CHECK(panics([&] { Zone c("zone-c", 64, 8, env.pages); (void)c.alloc(); },
                 "destroyed with 1 objects in use"));
    CHECK(panics([&] { env.pages.free(arch::virt_to_phys(x).align_down(PG), 0); }, "owner"));
    env.pages.free(page, 0);
    a.free(x);
    a.free(y);
}
