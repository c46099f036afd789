// VM objects' pages: the page index (a radix tree of page-sized nodes),
// resident pages and their references, the private copy fork makes, and
// every allocation failure leaving nothing behind.
#include "mem_test_util.h"

#include <mm/page_index.h>
#include <mm/vm_object.h>

#include <map>
#include <vector>

using namespace memtest;

namespace {

struct ObjEnv {
    MemEnv mem{0x80000000, 8 * MiB};
    VmObjectZone objects{"vm_object", mem.pages};

    ~ObjEnv() { CHECK(objects.objects_in_use() == 0); }

    PhysAddr page()
    {
        const PhysAddr pa = mem.pages.alloc().value();
        *static_cast<uint64_t*>(arch::phys_to_virt(pa)) = pa.value() * 3; // a stamp
        return pa;
    }
};

// Every page of the index, in for_each's order.
std::vector<std::pair<uint64_t, PhysAddr>> contents(const PageIndex& ix, uint64_t first = 0,
                                                    uint64_t last = PageIndex::LIMIT)
{
    std::vector<std::pair<uint64_t, PhysAddr>> v;
    ix.for_each(first, last, [&](uint64_t pindex, PhysAddr pa) { v.emplace_back(pindex, pa); });
    return v;
}

// Runs make() with the page allocator failing after n = 0, 1, ...
// successes until it works; every failure must be NoMem with the free
// page count back at free0 and check() holding.  Returns the failures.
template <typename Make, typename Check>
long every_page_failure(ObjEnv& env, uint64_t free0, Make make, Check check)
{
    for (long n = 0;; n++) {
        env.objects.zone().drain();
        env.mem.pages.fail_after(n);
        Result<vm_object*> r = make();
        env.mem.pages.fail_after(-1);
        if (r.ok()) {
            vm_object_deallocate(r.value());
            return n;
        }
        CHECK(r.error() == Errno::NoMem);
        env.objects.zone().drain();
        CHECK(env.mem.pages.free_pages() == free0);
        check();
        REQUIRE(n < 20);
    }
}

} // namespace

TEST_CASE("page index: insert, lookup and remove across every level's boundaries")
{
    ObjEnv env;
    PageIndex ix(env.mem.pages);
    const uint64_t base_pages = env.mem.pages.pages_in_use();
    const uint64_t where[] = {0, 1, 511, 512, 513, 512 * 512 - 1, 512 * 512, PageIndex::LIMIT - 1};
    std::map<uint64_t, PhysAddr> model;
    for (uint64_t p : where) {
        const PhysAddr pa = PhysAddr(0x1000 * (p % 4096 + 1) + 0x90000000);
        REQUIRE(ix.insert(p, pa).ok());
        model[p] = pa;
    }
    CHECK(ix.count() == model.size());
    // Nodes: one root; level-1 nodes under root slots 0, 1 and 511;
    // leaves for 0..511, 512..1023, 512*511.., 512*512.., and the last.
    CHECK(ix.nodes() == 1 + 3 + 5);
    CHECK(env.mem.pages.pages_in_use() == base_pages + ix.nodes());
    for (auto [p, pa] : model) {
        PhysAddr got;
        REQUIRE(ix.lookup(p, &got));
        CHECK(got == pa);
    }
    PhysAddr got;
    CHECK(!ix.lookup(2, &got));
    CHECK(!ix.lookup(1024, &got));
    CHECK(!ix.lookup(PageIndex::LIMIT, &got));
    // for_each: in order, and only the range asked for.
    auto all = contents(ix);
    REQUIRE(all.size() == model.size());
    size_t i = 0;
    for (auto [p, pa] : model) {
        CHECK(all[i].first == p);
        CHECK(all[i].second == pa);
        i++;
    }
    CHECK(contents(ix, 511, 513).size() == 2);
    CHECK(contents(ix, 514, 512 * 512 - 1).empty());
    // Removing everything frees every node.
    for (auto [p, pa] : model) CHECK(ix.remove(p).value() == pa);
    CHECK(ix.count() == 0);
    CHECK(ix.nodes() == 0);
    CHECK(env.mem.pages.pages_in_use() == base_pages);
}

TEST_CASE("page index: a node goes only with its last slot")
{
    ObjEnv env;
    PageIndex ix(env.mem.pages);
    REQUIRE(ix.insert(10, PhysAddr(0x90000000)).ok());
    REQUIRE(ix.insert(11, PhysAddr(0x90001000)).ok());
    CHECK(ix.nodes() == 3);
    CHECK(ix.remove(10).ok());
    CHECK(ix.nodes() == 3);
    PhysAddr got;
    CHECK(ix.lookup(11, &got));
    CHECK(ix.replace(11, PhysAddr(0x90005000)).value() == PhysAddr(0x90001000));
    CHECK(ix.lookup(11, &got));
    CHECK(got == PhysAddr(0x90005000));
    CHECK(ix.remove(11).ok());
    CHECK(ix.nodes() == 0);
}

TEST_CASE("page index: a failed node allocation changes nothing")
{
    ObjEnv env;
    PageIndex ix(env.mem.pages);
    REQUIRE(ix.insert(5, PhysAddr(0x90000000)).ok());
    const uint64_t pages0 = env.mem.pages.pages_in_use();
    for (long n = 0; n < 2; n++) {
        env.mem.pages.fail_after(n); // the far index needs two new nodes
        CHECK(ix.insert(512 * 512 * 3, PhysAddr(0x90001000)).error() == Errno::NoMem);
        env.mem.pages.fail_after(-1);
        CHECK(ix.count() == 1);
        CHECK(ix.nodes() == 3);
        CHECK(env.mem.pages.pages_in_use() == pages0);
        CHECK(contents(ix).size() == 1);
    }
    REQUIRE(ix.insert(512 * 512 * 3, PhysAddr(0x90001000)).ok());
    CHECK(ix.nodes() == 5);
    ix.clear([](uint64_t, PhysAddr) {});
    CHECK(ix.nodes() == 0);
    CHECK(env.mem.pages.pages_in_use() == pages0 - 3);
}

TEST_CASE("page index: clear visits every page once, in order, and frees every node")
{
    ObjEnv env;
    PageIndex ix(env.mem.pages);
    Prng rng(5);
    std::map<uint64_t, PhysAddr> model;
    while (model.size() < 300) {
        const uint64_t p = rng.below(PageIndex::LIMIT);
        if (model.count(p)) continue;
        model[p] = PhysAddr(0x90000000 + 0x1000 * model.size());
        REQUIRE(ix.insert(p, model[p]).ok());
    }
    std::vector<std::pair<uint64_t, PhysAddr>> seen;
    ix.clear([&](uint64_t p, PhysAddr pa) { seen.emplace_back(p, pa); });
    CHECK(seen == std::vector<std::pair<uint64_t, PhysAddr>>(model.begin(), model.end()));
    CHECK(ix.count() == 0);
    CHECK(ix.nodes() == 0);
}

TEST_CASE("vm_object: resident pages hold one reference each, dropped with the object")
{
    ObjEnv env;
    const uint64_t free0 = env.mem.pages.free_pages();
    vm_object* obj = vm_object_allocate(env.objects, 2048).value();
    const PhysAddr a = env.page(), b = env.page();
    REQUIRE(vm_object_page_insert(obj, 0, a).ok());
    REQUIRE(vm_object_page_insert(obj, 2047, b).ok());
    PhysAddr got;
    CHECK(vm_object_page_lookup(obj, 2047, &got));
    CHECK(got == b);
    CHECK(!vm_object_page_lookup(obj, 1, &got));
    CHECK(env.mem.pages.ref_count(a) == 1);
    vm_object_reference(obj);
    vm_object_deallocate(obj);
    CHECK(env.mem.pages.ref_count(a) == 1); // still held
    vm_object_deallocate(obj);
    env.objects.zone().drain();
    CHECK(env.mem.pages.free_pages() == free0); // pages and nodes all back
}

TEST_CASE("vm_object: a copy shares the pages of its range, each referenced once more")
{
    ObjEnv env;
    const uint64_t free0 = env.mem.pages.free_pages();
    vm_object* src = vm_object_allocate(env.objects, 16).value();
    PhysAddr pg[16];
    for (uint64_t i = 0; i < 16; i += 3) {
        pg[i] = env.page();
        REQUIRE(vm_object_page_insert(src, i, pg[i]).ok());
    }
    vm_object* dst = vm_object_copy(src, 4, 8).value(); // src pages 4..11 -> 0..7
    CHECK(dst->size == 8);
    CHECK(dst->ref_count == 1);
    CHECK(dst->pages.count() == 2); // src holds 0, 3, 6, 9, 12, 15: 6 and 9 are in range
    PhysAddr got;
    CHECK(vm_object_page_lookup(dst, 2, &got));
    CHECK(got == pg[6]);
    CHECK(vm_object_page_lookup(dst, 5, &got));
    CHECK(got == pg[9]);
    CHECK(!vm_object_page_lookup(dst, 0, &got));
    CHECK(env.mem.pages.ref_count(pg[6]) == 2);
    CHECK(env.mem.pages.ref_count(pg[0]) == 1); // outside the range
    // A COW break in the copy: its own page in place, the shared one's
    // reference handed back.
    const PhysAddr fresh = env.page();
    const PhysAddr old = vm_object_page_replace(dst, 2, fresh);
    CHECK(old == pg[6]);
    CHECK(env.mem.pages.unref(old) == false); // src still holds it
    CHECK(env.mem.pages.ref_count(pg[6]) == 1);
    vm_object_deallocate(src);
    CHECK(env.mem.pages.ref_count(pg[9]) == 1); // the copy keeps its pages
    vm_object_deallocate(dst);
    env.objects.zone().drain();
    CHECK(env.mem.pages.free_pages() == free0);
}

TEST_CASE("vm_object: a whole copy shares the index: no page referenced, a write path copied")
{
    ObjEnv env;
    const uint64_t free0 = env.mem.pages.free_pages();
    vm_object* src = vm_object_allocate(env.objects, 16).value();
    PhysAddr pg[4];
    for (uint64_t i = 0; i < 4; i++) {
        pg[i] = env.page();
        REQUIRE(vm_object_page_insert(src, i, pg[i]).ok());
    }
    const uint64_t calls = env.mem.pages.alloc_calls();
    vm_object* dst = vm_object_copy(src, 0, 16).value();
    CHECK(env.mem.pages.alloc_calls() == calls); // the object came from the slab
    CHECK(dst->pages.count() == 4);
    PhysAddr got;
    bool shared = false;
    REQUIRE(vm_object_page_lookup(dst, 2, &got, &shared));
    CHECK(got == pg[2]);
    CHECK(shared);
    CHECK(env.mem.pages.ref_count(pg[2]) == 1);
    // The COW break's order: unshare the path (the page's count becomes
    // exact), then replace.
    REQUIRE(vm_object_page_unshare(dst, 2).ok());
    CHECK(env.mem.pages.ref_count(pg[2]) == 2);
    const PhysAddr fresh = env.page();
    CHECK(vm_object_page_replace(dst, 2, fresh) == pg[2]);
    CHECK(env.mem.pages.unref(pg[2]) == false);
    REQUIRE(vm_object_page_lookup(src, 2, &got, &shared));
    CHECK(got == pg[2]);
    CHECK(!shared);
    vm_object_deallocate(src);
    CHECK(env.mem.pages.ref_count(pg[1]) == 1); // dst's copied leaf holds it
    vm_object_deallocate(dst);
    env.objects.zone().drain();
    CHECK(env.mem.pages.free_pages() == free0);
}

TEST_CASE("vm_object: every allocation failure of a copy leaves nothing and takes no reference")
{
    ObjEnv env;
    vm_object* src = vm_object_allocate(env.objects, PageIndex::LIMIT).value();
    std::vector<PhysAddr> held;
    // Pages far apart, so the copy needs several index nodes.
    for (uint64_t p : {uint64_t{0}, uint64_t{600}, uint64_t{512 * 512 + 7}, uint64_t{512 * 512 * 9}}) {
        held.push_back(env.page());
        REQUIRE(vm_object_page_insert(src, p, held.back()).ok());
    }
    // A copy of all but the last page is a part: it gets an index of its own.
    const uint64_t part = src->size - 1;
    env.objects.fail_after(0);
    CHECK(vm_object_copy(src, 0, part).error() == Errno::NoMem);
    env.objects.fail_after(-1);
    for (PhysAddr pa : held) CHECK(env.mem.pages.ref_count(pa) == 1);
    const uint64_t free0 = env.mem.pages.free_pages();
    const long failures = every_page_failure(
        env, free0, [&] { return vm_object_copy(src, 0, part); },
        [&] { for (PhysAddr pa : held) CHECK(env.mem.pages.ref_count(pa) == 1); });
    // The copy's nodes, one by one: a root, three level-1 nodes (root
    // slots 0, 1 and 9) and four leaves.  (The object itself fits in the
    // slab that src's already uses, so it needs no page.)
    CHECK(failures == 1 + 3 + 4);
    // A copy of the whole object shares src's index: only the object can fail.
    env.objects.fail_after(0);
    CHECK(vm_object_copy(src, 0, src->size).error() == Errno::NoMem);
    env.objects.fail_after(-1);
    CHECK(every_page_failure(env, free0, [&] { return vm_object_copy(src, 0, src->size); },
                             [] {}) == 0);
    for (PhysAddr pa : held) CHECK(env.mem.pages.ref_count(pa) == 1);
    vm_object_deallocate(src);
}

TEST_CASE("vm_object: an image's bytes are copied into resident pages, the last one zero-padded")
{
    ObjEnv env;
    const uint64_t free0 = env.mem.pages.free_pages();
    // A member of an initrd: 4-byte aligned only, not page aligned.
    std::vector<unsigned char> image(2 * PG + 100 + 4);
    for (size_t i = 0; i < image.size(); i++) image[i] = static_cast<unsigned char>(i * 7);
    const unsigned char* bytes = image.data() + 4;
    const size_t len = image.size() - 4;
    vm_object* obj = vm_object_from_bytes(env.objects, bytes, len).value();
    CHECK(obj->size == 3);
    CHECK(obj->pages.count() == 3);
    for (uint64_t p = 0; p < 3; p++) {
        PhysAddr pa;
        REQUIRE(vm_object_page_lookup(obj, p, &pa));
        const auto* page = static_cast<const unsigned char*>(arch::phys_to_virt(pa));
        for (size_t i = 0; i < PG; i++) {
            const size_t at = p * PG + i;
            const unsigned char want = at < len ? bytes[at] : 0;
            if (page[i] != want) {
                FAIL("byte " << at << " is " << int(page[i]) << ", not " << int(want));
                break;
            }
        }
    }
    vm_object_deallocate(obj);
    // Every allocation failure leaves nothing.
    const long failures = every_page_failure(
        env, free0, [&] { return vm_object_from_bytes(env.objects, bytes, len); }, [] {});
    CHECK(failures == 1 + 3 + 3); // the object's slab, three pages, and the index's three nodes
    env.objects.zone().drain();
    CHECK(env.mem.pages.free_pages() == free0);
}
