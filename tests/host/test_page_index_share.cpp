// Page indexes sharing their nodes copy-on-write (PageIndex::share, the
// O(1) private copy fork makes): every change copies the shared nodes on
// its path first, node and page reference counts always equal the number
// of pointers to them, and teardown in any order gives back exactly what
// was allocated.
#include "mem_test_util.h"

#include <mm/kmem.h>
#include <mm/page_index.h>
#include <mm/zero_pool.h>

#include <map>
#include <memory>
#include <set>
#include <string.h>
#include <vector>

using namespace memtest;

namespace {

struct IxEnv {
    MemEnv mem{0x80000000, 8 * MiB};
    uint64_t base = mem.pages.pages_in_use();

    // A page holding a stamp, with one reference: the caller's to give.
    PhysAddr page(uint64_t stamp)
    {
        const PhysAddr pa = mem.pages.alloc().value();
        *static_cast<uint64_t*>(arch::phys_to_virt(pa)) = stamp;
        return pa;
    }
    uint64_t stamp(PhysAddr pa) { return *static_cast<uint64_t*>(arch::phys_to_virt(pa)); }
    uint32_t refs(PhysAddr pa) { return mem.pages.ref_count(pa); }
    void drop(PageIndex& ix)
    {
        ix.clear([this](uint64_t, PhysAddr pa) { mem.pages.unref(pa); });
    }
};

std::map<uint64_t, PhysAddr> contents(const PageIndex& ix)
{
    std::map<uint64_t, PhysAddr> m;
    ix.for_each(0, PageIndex::LIMIT, [&](uint64_t p, PhysAddr pa) { m[p] = pa; });
    return m;
}

// Counts, independently of the index's own bookkeeping, how many pointers
// lead to each node and page of the given indexes (a node's slots counted
// once however many indexes share it) and checks every reference count
// against it; returns the distinct node and page pages found.
size_t audit(PageAllocator& pages, const std::vector<const PageIndex*>& ixs)
{
    std::map<uint64_t, uint32_t> pointers;
    std::set<uint64_t> nodes;
    for (const PageIndex* ix : ixs) {
        ix->visit(
            [&](PhysAddr n) {
                pointers[n.value()]++;
                INFO("node " << std::hex << n.value());
                CHECK(ix->groups_exact(n));
                return nodes.insert(n.value()).second;
            },
            [&](uint64_t, PhysAddr pa) { pointers[pa.value()]++; });
    }
    for (auto [pa, n] : pointers) {
        INFO("page " << std::hex << pa);
        CHECK(pages.ref_count(PhysAddr(pa)) == n);
    }
    return pointers.size();
}

} // namespace

TEST_CASE("page index share: O(1), no page allocated or referenced, both see every page")
{
    IxEnv env;
    PageIndex a(env.mem.pages);
    const PhysAddr p0 = env.page(10), p1 = env.page(11), p2 = env.page(12);
    REQUIRE(a.insert(0, p0).ok());
    REQUIRE(a.insert(1, p1).ok());
    REQUIRE(a.insert(512 * 512 * 5 + 3, p2).ok());
    PhysAddr got;
    bool shared = true;
    REQUIRE(a.lookup(1, &got, &shared));
    CHECK(!shared);

    const uint64_t in_use = env.mem.pages.pages_in_use();
    const uint64_t calls = env.mem.pages.alloc_calls();
    PageIndex b(env.mem.pages);
    b.share(a);
    CHECK(env.mem.pages.alloc_calls() == calls);
    CHECK(env.mem.pages.pages_in_use() == in_use);
    CHECK(b.count() == 3);
    CHECK(contents(b) == contents(a));
    CHECK(env.refs(p0) == 1); // held once, for both
    CHECK(b.nodes() == a.nodes());
    for (const PageIndex* ix : {&a, &b}) {
        shared = false;
        REQUIRE(ix->lookup(512 * 512 * 5 + 3, &got, &shared));
        CHECK(got == p2);
        CHECK(shared);
    }
    audit(env.mem.pages, {&a, &b});
    // Sharing an empty index shares nothing.
    PageIndex e(env.mem.pages), f(env.mem.pages);
    f.share(e);
    CHECK(f.count() == 0);
    CHECK(f.nodes() == 0);

    env.drop(b);
    CHECK(env.refs(p0) == 1);
    CHECK(contents(a).size() == 3);
    REQUIRE(a.lookup(0, &got, &shared));
    CHECK(!shared); // the other index let go
    env.drop(a);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

TEST_CASE("page index share: insert, replace and remove copy the path, in either index")
{
    for (int writer = 0; writer < 2; writer++) {
        CAPTURE(writer);
        IxEnv env;
        auto a = std::make_unique<PageIndex>(env.mem.pages);
        const PhysAddr p0 = env.page(100), p1 = env.page(101), far = env.page(102);
        REQUIRE(a->insert(0, p0).ok());
        REQUIRE(a->insert(1, p1).ok());
        REQUIRE(a->insert(512 * 512 * 2, far).ok()); // another level-1 node and leaf
        auto b = std::make_unique<PageIndex>(env.mem.pages);
        b->share(*a);
        PageIndex& w = writer ? *b : *a;     // the one that changes
        PageIndex& other = writer ? *a : *b; // sees none of it
        const auto before = contents(other);
        const uint64_t in_use = env.mem.pages.pages_in_use();

        // An insert beside p0: root, level-1 node and leaf copied (3 pages);
        // the copied leaf references p0 and p1 again.
        const PhysAddr p5 = env.page(105);
        REQUIRE(w.insert(5, p5).ok());
        CHECK(env.mem.pages.pages_in_use() == in_use + 1 + 3);
        CHECK(env.refs(p0) == 2);
        CHECK(env.refs(far) == 1); // its subtree is still shared, not copied
        CHECK(w.count() == 4);
        CHECK(other.count() == 3);
        CHECK(contents(other) == before);
        PhysAddr got;
        bool shared = true;
        REQUIRE(w.lookup(0, &got, &shared));
        CHECK(!shared);
        REQUIRE(w.lookup(512 * 512 * 2, &got, &shared));
        CHECK(shared);
        audit(env.mem.pages, {a.get(), b.get()});

        // A replace under the still shared subtree: its level-1 node and
        // leaf are copied; the old page stays the other index's.
        const PhysAddr far2 = env.page(202);
        Result<PhysAddr> old = w.replace(512 * 512 * 2, far2);
        REQUIRE(old.ok());
        CHECK(old.value() == far);
        CHECK(env.refs(far) == 2); // the copied leaf's and the other's
        env.mem.pages.unref(old.value());
        CHECK(env.refs(far) == 1);
        REQUIRE(other.lookup(512 * 512 * 2, &got));
        CHECK(env.stamp(got) == 102);
        REQUIRE(w.lookup(512 * 512 * 2, &got, &shared));
        CHECK(env.stamp(got) == 202);
        CHECK(!shared);
        audit(env.mem.pages, {a.get(), b.get()});

        // A remove: the page's reference passes to the caller; the other
        // index keeps the page.
        Result<PhysAddr> rem = w.remove(1);
        REQUIRE(rem.ok());
        CHECK(rem.value() == p1);
        env.mem.pages.unref(rem.value());
        CHECK(env.refs(p1) == 1);
        REQUIRE(other.lookup(1, &got));
        CHECK(got == p1);
        CHECK(!w.lookup(1, &got));
        CHECK(contents(other) == before);
        audit(env.mem.pages, {a.get(), b.get()});

        // Nothing is shared any more: both paths are each index's own.
        for (PageIndex* ix : {a.get(), b.get()}) {
            REQUIRE(ix->lookup(0, &got, &shared));
            CHECK(!shared);
        }
        env.drop(*a);
        env.drop(*b);
        CHECK(env.mem.pages.pages_in_use() == env.base);
    }
}

TEST_CASE("page index share: a remove on a shared path that empties it frees only copies")
{
    IxEnv env;
    PageIndex a(env.mem.pages), b(env.mem.pages);
    const PhysAddr p = env.page(1);
    REQUIRE(a.insert(7, p).ok());
    b.share(a);
    const uint64_t in_use = env.mem.pages.pages_in_use();
    Result<PhysAddr> r = b.remove(7);
    REQUIRE(r.ok());
    env.mem.pages.unref(r.value()); // b's reference (from its copied leaf)
    CHECK(b.count() == 0);
    CHECK(b.nodes() == 0);
    CHECK(env.mem.pages.pages_in_use() == in_use);
    CHECK(env.refs(p) == 1);
    CHECK(a.nodes() == 3);
    audit(env.mem.pages, {&a, &b});
    env.drop(a);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

TEST_CASE("page index share: teardown in either order returns every page and node")
{
    for (int order = 0; order < 2; order++) {
        CAPTURE(order);
        IxEnv env;
        auto a = std::make_unique<PageIndex>(env.mem.pages);
        std::vector<PhysAddr> pg;
        for (uint64_t i = 0; i < 40; i++) {
            pg.push_back(env.page(i));
            REQUIRE(a->insert(i * 97, pg.back()).ok());
        }
        auto b = std::make_unique<PageIndex>(env.mem.pages);
        b->share(*a);
        REQUIRE(b->insert(5000, env.page(5000)).ok()); // b has a path of its own too
        std::vector<std::pair<uint64_t, PhysAddr>> freed;
        auto collect = [&](uint64_t p, PhysAddr pa) {
            freed.emplace_back(p, pa);
            env.mem.pages.unref(pa);
        };
        PageIndex& first = order ? *b : *a;
        PageIndex& second = order ? *a : *b;
        const auto second_contents = contents(second);
        // The first teardown hands back exactly the pages only it held.
        std::vector<std::pair<uint64_t, PhysAddr>> own;
        for (auto [p, pa] : contents(first))
            if (!second_contents.count(p)) own.emplace_back(p, pa);
        first.clear(collect);
        CHECK(first.count() == 0);
        CHECK(freed == own);
        CHECK(contents(second) == second_contents); // untouched by the other's teardown
        for (auto [p, pa] : second_contents) CHECK(env.refs(pa) == 1);
        audit(env.mem.pages, {&second});
        freed.clear();
        second.clear(collect);
        CHECK(freed.size() == second_contents.size());
        CHECK(env.mem.pages.pages_in_use() == env.base);
    }
}

TEST_CASE("page index share: a fork of a fork shares three ways and unshares exactly")
{
    IxEnv env;
    PageIndex a(env.mem.pages), b(env.mem.pages), c(env.mem.pages);
    const PhysAddr p = env.page(1), q = env.page(2);
    REQUIRE(a.insert(3, p).ok());
    REQUIRE(a.insert(600, q).ok());
    b.share(a);
    c.share(b);
    audit(env.mem.pages, {&a, &b, &c});
    CHECK(env.refs(p) == 1);
    // c writes page 3: its path copied; p now held by the shared leaf and c's copy.
    const PhysAddr pc = env.page(31);
    Result<PhysAddr> r = c.replace(3, pc);
    REQUIRE(r.ok());
    CHECK(r.value() == p);
    CHECK(env.refs(p) == 2);
    env.mem.pages.unref(p);
    audit(env.mem.pages, {&a, &b, &c});
    // a and b still share page 3's leaf: each sees p shared.
    PhysAddr got;
    bool shared = false;
    REQUIRE(b.lookup(3, &got, &shared));
    CHECK(got == p);
    CHECK(shared);
    // b writes it too; then a is the last holder and its path is its own.
    const PhysAddr pb = env.page(32);
    r = b.replace(3, pb);
    REQUIRE(r.ok());
    env.mem.pages.unref(r.value());
    REQUIRE(a.lookup(3, &got, &shared));
    CHECK(got == p);
    CHECK(!shared);
    CHECK(env.refs(p) == 1);
    // Page 600's leaf is another one, never copied: still shared by all three.
    REQUIRE(a.lookup(600, &got, &shared));
    CHECK(got == q);
    CHECK(shared);
    audit(env.mem.pages, {&a, &b, &c});
    REQUIRE(c.lookup(3, &got));
    CHECK(env.stamp(got) == 31);
    env.drop(b);
    audit(env.mem.pages, {&a, &c});
    env.drop(a);
    audit(env.mem.pages, {&c});
    REQUIRE(c.lookup(600, &got, &shared));
    CHECK(!shared);
    CHECK(env.refs(q) == 1);
    env.drop(c);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

TEST_CASE("page index share: a copy that cannot be allocated changes nothing")
{
    IxEnv env;
    PageIndex a(env.mem.pages), b(env.mem.pages);
    const PhysAddr p = env.page(1);
    REQUIRE(a.insert(9, p).ok());
    b.share(a);
    const uint64_t in_use = env.mem.pages.pages_in_use();
    const PhysAddr n = env.page(2);
    for (long k = 0; k < 3; k++) { // root, level-1 node, leaf
        env.mem.pages.fail_after(k);
        CHECK(b.insert(10, n).error() == Errno::NoMem);
        env.mem.pages.fail_after(k);
        CHECK(b.replace(9, n).error() == Errno::NoMem);
        env.mem.pages.fail_after(k);
        CHECK(b.remove(9).error() == Errno::NoMem);
        env.mem.pages.fail_after(k);
        CHECK(b.unshare(9).error() == Errno::NoMem);
        env.mem.pages.fail_after(-1);
        CHECK(env.mem.pages.pages_in_use() == in_use + 1);
        CHECK(contents(b) == contents(a));
        CHECK(b.count() == 1);
        audit(env.mem.pages, {&a, &b});
    }
    REQUIRE(b.unshare(9).ok());
    CHECK(env.refs(p) == 2);
    REQUIRE(b.unshare(9).ok()); // already its own: nothing more
    CHECK(env.refs(p) == 2);
    audit(env.mem.pages, {&a, &b});
    env.mem.pages.unref(n);
    env.drop(a);
    env.drop(b);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

TEST_CASE("page index share: random shares, changes and teardowns against a model")
{
    IxEnv env;
    constexpr int N = 5;
    std::unique_ptr<PageIndex> ix[N];
    std::map<uint64_t, PhysAddr> model[N];
    Prng rng(42);
    uint64_t stamp = 1;
    // Indexes clustered so that leaves and level-1 nodes are shared often.
    auto pick = [&] {
        const uint64_t cluster[] = {0, 512, 512 * 512, 512 * 512 * 7 + 1000};
        return cluster[rng.below(4)] + rng.below(700);
    };
    auto live = [&] {
        std::vector<const PageIndex*> v;
        for (auto& p : ix)
            if (p) v.push_back(p.get());
        return v;
    };
    for (int step = 0; step < 3000; step++) {
        const int i = static_cast<int>(rng.below(N));
        const unsigned op = static_cast<unsigned>(rng.below(10));
        if (!ix[i]) {
            ix[i] = std::make_unique<PageIndex>(env.mem.pages);
            const int j = static_cast<int>(rng.below(N));
            if (j != i && ix[j]) {
                ix[i]->share(*ix[j]);
                model[i] = model[j];
            }
        } else if (op < 4) {
            const uint64_t p = pick();
            if (model[i].count(p)) continue;
            const PhysAddr pa = env.page(stamp++);
            // Now and then with no page to be had: an insert that needs a
            // node (new or copied) fails and changes nothing.
            const bool starve = rng.below(8) == 0;
            if (starve) env.mem.pages.fail_after(0);
            Result<void> r = ix[i]->insert(p, pa);
            env.mem.pages.fail_after(-1);
            if (!r.ok()) {
                CHECK(starve);
                CHECK(r.error() == Errno::NoMem);
                CHECK(contents(*ix[i]) == model[i]);
                REQUIRE(ix[i]->insert(p, pa).ok());
            }
            model[i][p] = pa;
        } else if (op < 6 && !model[i].empty()) {
            auto it = model[i].begin();
            std::advance(it, rng.below(model[i].size()));
            const PhysAddr pa = env.page(stamp++);
            Result<PhysAddr> old = ix[i]->replace(it->first, pa);
            REQUIRE(old.ok());
            CHECK(old.value() == it->second);
            env.mem.pages.unref(old.value());
            it->second = pa;
        } else if (op < 8 && !model[i].empty()) {
            auto it = model[i].begin();
            std::advance(it, rng.below(model[i].size()));
            Result<PhysAddr> old = ix[i]->remove(it->first);
            REQUIRE(old.ok());
            CHECK(old.value() == it->second);
            env.mem.pages.unref(old.value());
            model[i].erase(it);
        } else if (op == 8) {
            env.drop(*ix[i]);
            ix[i].reset();
            model[i].clear();
        } else {
            REQUIRE(ix[i]->unshare(pick()).ok());
        }
        for (int k = 0; k < N; k++) {
            if (!ix[k]) continue;
            CHECK(ix[k]->count() == model[k].size());
            if (step % 16 == 0) CHECK(contents(*ix[k]) == model[k]);
        }
        if (step % 64 == 0) {
            // Every page and node in use is one the indexes point at.
            const size_t held = audit(env.mem.pages, live());
            CHECK(env.mem.pages.pages_in_use() == env.base + held);
        }
    }
    for (int k = 0; k < N; k++) {
        if (!ix[k]) continue;
        CHECK(contents(*ix[k]) == model[k]);
        // Each page the model names still carries its stamp: no copy or
        // teardown wrote to or freed a page another index holds.
        for (auto [p, pa] : model[k]) CHECK(env.stamp(pa) != 0);
        env.drop(*ix[k]);
        ix[k].reset();
    }
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

// The slots of a node page, as the index left them.
static const uint64_t* slots(PhysAddr n) { return static_cast<const uint64_t*>(arch::phys_to_virt(n)); }

static std::vector<PhysAddr> node_pages(const PageIndex& ix)
{
    std::vector<PhysAddr> v;
    ix.visit([&](PhysAddr n) { v.push_back(n); return true; }, [](uint64_t, PhysAddr) {});
    return v;
}

TEST_CASE("page index groups: a node's mask follows its slots through inserts and removes")
{
    IxEnv env;
    PageIndex a(env.mem.pages);
    // Slots 0, 7 (group 0), 8 (group 1), 511 (group 63) of one leaf, and a
    // second leaf and level-1 node far away.
    const uint64_t where[] = {0, 7, 8, 511, 512 * 512 * 3 + 64};
    std::vector<PhysAddr> held;
    for (uint64_t p : where) {
        held.push_back(env.page(p));
        REQUIRE(a.insert(p, held.back()).ok());
        audit(env.mem.pages, {&a});
    }
    CHECK(a.nodes() == 5); // root, two level-1 nodes, two leaves
    // Group 0 keeps its bit until both of its pages are gone.
    for (size_t k : {size_t{0}, size_t{2}, size_t{1}, size_t{3}}) {
        CHECK(a.remove(where[k]).value() == held[k]);
        env.mem.pages.unref(held[k]);
        audit(env.mem.pages, {&a});
    }
    CHECK(a.nodes() == 3); // the first leaf and its level-1 node went with slot 511
    CHECK(a.remove(where[4]).value() == held[4]);
    env.mem.pages.unref(held[4]);
    CHECK(a.nodes() == 0);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

TEST_CASE("page index groups: a path copy holds only the occupied groups, each slot referenced once more")
{
    IxEnv env;
    PageIndex a(env.mem.pages), b(env.mem.pages);
    const PhysAddr p0 = env.page(1), p1 = env.page(2), p2 = env.page(3);
    REQUIRE(a.insert(3, p0).ok());
    REQUIRE(a.insert(300, p1).ok());
    REQUIRE(a.insert(511, p2).ok());
    b.share(a);
    // Dirty free pages, so that a copy made in one that was not zeroed shows.
    std::vector<PhysAddr> dirty;
    for (int i = 0; i < 8; i++) {
        dirty.push_back(env.mem.pages.alloc().value());
        memset(arch::phys_to_virt(dirty.back()), 0xa5, PG);
    }
    for (PhysAddr d : dirty) env.mem.pages.free(d);
    REQUIRE(b.unshare(300).ok());
    CHECK(env.refs(p0) == 2);
    CHECK(env.refs(p1) == 2);
    CHECK(env.refs(p2) == 2);
    CHECK(contents(b) == contents(a));
    const std::vector<PhysAddr> an = node_pages(a), bn = node_pages(b);
    REQUIRE(bn.size() == 3);
    // Root, level-1 node, leaf: copies, whose slots are empty exactly
    // where the original's are; the leaf's slots are the original's.
    for (size_t k = 0; k < 3; k++) {
        CHECK(an[k] != bn[k]);
        for (uint64_t i = 0; i < PageIndex::SLOTS; i++) {
            INFO("node " << k << " slot " << i);
            CHECK((slots(an[k])[i] == 0) == (slots(bn[k])[i] == 0));
        }
    }
    CHECK(memcmp(slots(an[2]), slots(bn[2]), PG) == 0);
    audit(env.mem.pages, {&a, &b});
    env.drop(a);
    audit(env.mem.pages, {&b});
    env.drop(b);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

TEST_CASE("page index groups: nodes come from the pre-zeroed pool and go back to it zeroed")
{
    IxEnv env;
    ZeroPool pool(env.mem.pages, 8);
    for (int i = 0; i < 3; i++) REQUIRE(pool.fill_one());
    kmem_set_zero_pool(&pool);
    PageIndex a(env.mem.pages), b(env.mem.pages);
    const PhysAddr p0 = env.page(1), p1 = env.page(2);
    const uint64_t calls = env.mem.pages.alloc_calls();
    REQUIRE(a.insert(5, p0).ok());
    REQUIRE(a.insert(512 * 4 + 9, p1).ok()); // a second leaf: one node more, cleared now
    CHECK(pool.hits() == 3);
    CHECK(pool.size() == 0);
    CHECK(env.mem.pages.alloc_calls() == calls + 1);
    b.share(a);
    REQUIRE(b.unshare(5).ok()); // three copies, none pooled: cleared on the spot
    CHECK(env.mem.pages.alloc_calls() == calls + 4);
    audit(env.mem.pages, {&a, &b});
    // a's root, level-1 node and first leaf go with its last reference;
    // its second leaf stays, held by b's copy of the level-1 node.
    const uint64_t returned = pool.returned();
    env.drop(a);
    CHECK(pool.returned() == returned + 3);
    CHECK(pool.size() == 3);
    CHECK(env.refs(p0) == 1);
    CHECK(env.refs(p1) == 1);
    // Every pooled page is all zeros: take them back and look.
    std::vector<PhysAddr> back;
    while (pool.size()) back.push_back(pool.take().value());
    for (PhysAddr pa : back) {
        for (uint64_t i = 0; i < PG / 8; i++) REQUIRE(slots(pa)[i] == 0);
        env.mem.pages.free(pa);
    }
    kmem_set_zero_pool(nullptr);
    env.drop(b);
    CHECK(pool.size() == 0);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}

TEST_CASE("page index groups: a copy that fails after taking the pool's page changes nothing")
{
    IxEnv env;
    ZeroPool pool(env.mem.pages, 4);
    kmem_set_zero_pool(&pool);
    PageIndex a(env.mem.pages), b(env.mem.pages);
    const PhysAddr p = env.page(1), n = env.page(2);
    REQUIRE(a.insert(9, p).ok());
    b.share(a);
    REQUIRE(pool.fill_one());
    const uint64_t in_use = env.mem.pages.pages_in_use();
    // Three copies: the pool's page, then k pages cleared on the spot, then
    // NoMem; the pages taken go to the pool (none is freed: it has room).
    for (long k = 0; k < 2; k++) {
        env.mem.pages.fail_after(k);
        CHECK(b.insert(10, n).error() == Errno::NoMem);
        env.mem.pages.fail_after(-1);
        CHECK(pool.size() == size_t(1 + k));
        CHECK(env.mem.pages.pages_in_use() == in_use + k);
        CHECK(contents(b) == contents(a));
        audit(env.mem.pages, {&a, &b});
    }
    kmem_set_zero_pool(nullptr);
    pool.drain();
    env.mem.pages.unref(n);
    env.drop(a);
    env.drop(b);
    CHECK(env.mem.pages.pages_in_use() == env.base);
}
