// The ASID allocator: distinct ASIDs while they last, reuse after release,
// a new generation (and one full flush) when they run out, stale tags
// renewed at their next activation, and the no-ASID hart.
#include <doctest/doctest.h>

#include <mm/asid.h>

#include <memory>
#include <set>
#include <vector>

TEST_CASE("asid: distinct user ASIDs, never 0, no flush while they last")
{
    auto a = std::make_unique<AsidAllocator>(4); // 15 user ASIDs
    CHECK(a->capacity() == 15);
    std::vector<AsidAllocator::Tag> tags(15);
    std::set<uint16_t> seen;
    for (auto& t : tags) {
        CHECK(!a->activate(t));
        CHECK(t.asid != 0);
        CHECK(t.asid <= 15);
        seen.insert(t.asid);
    }
    CHECK(seen.size() == 15);
    CHECK(a->in_use() == 15);
    // Activating again keeps each ASID, without a flush.
    for (auto& t : tags) {
        const uint16_t before = t.asid;
        CHECK(!a->activate(t));
        CHECK(t.asid == before);
    }
    CHECK(a->rollovers() == 0);
}

TEST_CASE("asid: a released ASID is given out again")
{
    auto a = std::make_unique<AsidAllocator>(2); // ASIDs 1..3
    AsidAllocator::Tag x, y, z, w;
    a->activate(x);
    a->activate(y);
    a->activate(z);
    const uint16_t freed = y.asid;
    a->release(y);
    CHECK(y.generation == 0);
    CHECK(a->in_use() == 2);
    CHECK(!a->activate(w)); // no rollover needed
    CHECK(w.asid == freed);
}

TEST_CASE("asid: running out starts a generation; stale tags get new ASIDs at activation")
{
    auto a = std::make_unique<AsidAllocator>(2);
    std::vector<AsidAllocator::Tag> old(3);
    for (auto& t : old) CHECK(!a->activate(t));
    AsidAllocator::Tag fresh;
    CHECK(a->activate(fresh)); // the fourth: flush the whole TLB
    CHECK(a->generation() == 2);
    CHECK(a->rollovers() == 1);
    CHECK(a->in_use() == 1);
    CHECK(fresh.generation == 2);
    // Old tags are stale: each gets an ASID of the new generation, distinct
    // from the others, and no further flush is needed until the next run-out.
    std::set<uint16_t> seen{fresh.asid};
    for (int i = 0; i < 2; i++) {
        CHECK(!a->activate(old[i]));
        CHECK(old[i].generation == 2);
        seen.insert(old[i].asid);
    }
    CHECK(seen.size() == 3);
    // Releasing a stale tag frees nothing of the new generation.
    a->release(old[2]);
    CHECK(a->in_use() == 3);
    CHECK(a->activate(old[2])); // all three taken again: another generation
    CHECK(a->generation() == 3);
}

TEST_CASE("asid: a hart without ASIDs runs everything as ASID 0 and flushes on every switch")
{
    auto a = std::make_unique<AsidAllocator>(0);
    CHECK(a->capacity() == 0);
    AsidAllocator::Tag t, u;
    CHECK(a->activate(t));
    CHECK(a->activate(u));
    CHECK(a->activate(t));
    CHECK(t.asid == 0);
    CHECK(u.asid == 0);
    a->release(t);
    CHECK(a->in_use() == 0);
}

TEST_CASE("asid: sixteen bits give 65535 ASIDs before the first rollover")
{
    auto a = std::make_unique<AsidAllocator>(16);
    CHECK(a->capacity() == 65535);
    AsidAllocator::Tag t;
    for (uint32_t i = 0; i < 65535; i++) {
        t = {};
        REQUIRE(!a->activate(t));
    }
    CHECK(t.asid == 65535);
    t = {};
    CHECK(a->activate(t));
    CHECK(t.asid == 1);
}
