// Resource limits: the ABI layout, lim_alloc/lim_hold/lim_free, lim_fork
// sharing and copy-on-write through lim_cow/lim_set.
#include "cred_test_util.h"

#include <stddef.h>

using namespace credtest;

// FreeBSD's struct rlimit: two signed 64-bit values.
static_assert(offsetof(rlimit, rlim_cur) == 0);
static_assert(offsetof(rlimit, rlim_max) == 8);
static_assert(sizeof(rlim_t) == 8 && rlim_t(-1) < 0);

TEST_CASE("resource: FreeBSD's resource numbers")
{
    // The order of sys/resource.h, spelled out independently.
    const int expect[] = {RLIMIT_CPU,   RLIMIT_FSIZE,  RLIMIT_DATA,   RLIMIT_STACK, RLIMIT_CORE,
                          RLIMIT_RSS,   RLIMIT_MEMLOCK, RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_SBSIZE,
                          RLIMIT_VMEM,  RLIMIT_NPTS,   RLIMIT_SWAP};
    for (int i = 0; i < 13; i++) CHECK(expect[i] == i);
    CHECK(RLIMIT_AS == RLIMIT_VMEM);
    CHECK(RLIM_NLIMITS == 13);
    CHECK(RLIM_INFINITY == (rlim_t)((uint64_t{1} << 63) - 1));
}

TEST_CASE("resource: lim_alloc makes every limit infinite; the last lim_free frees")
{
    CredEnv env;
    plimit* l = lim_alloc(env.limits).value();
    CHECK(l->pl_refcnt == 1);
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        CHECK(lim_cur(l, i) == RLIM_INFINITY);
        CHECK(lim_max(l, i) == RLIM_INFINITY);
    }
    CHECK(lim_hold(l) == l);
    CHECK(l->pl_refcnt == 2);
    lim_free(l);
    CHECK(env.limits.objects_in_use() == 1);
    lim_free(l);
    CHECK(env.limits.objects_in_use() == 0);
}

TEST_CASE("resource: lim_cur and lim_max read the soft and the hard limit")
{
    CredEnv env;
    plimit* l = lim_alloc(env.limits).value();
    REQUIRE(lim_set(&l, RLIMIT_NPROC, {5, 9}).ok());
    CHECK(lim_cur(l, RLIMIT_NPROC) == 5);
    CHECK(lim_max(l, RLIMIT_NPROC) == 9);
    CHECK(lim_cur(l, RLIMIT_NOFILE) == RLIM_INFINITY); // others untouched
    lim_free(l);
}

TEST_CASE("resource: lim_fork shares; a change in the child copies, the parent keeps its value")
{
    CredEnv env;
    plimit* parent = lim_alloc(env.limits).value();
    REQUIRE(lim_set(&parent, RLIMIT_NPROC, {40, 50}).ok());
    plimit* child = lim_fork(parent);
    CHECK(child == parent);
    CHECK(parent->pl_refcnt == 2);
    CHECK(env.limits.objects_in_use() == 1);

    plimit* const before = child;
    REQUIRE(lim_set(&child, RLIMIT_NPROC, {3, 50}).ok());
    CHECK(child != before);
    CHECK(env.limits.objects_in_use() == 2);
    CHECK(parent->pl_refcnt == 1);
    CHECK(child->pl_refcnt == 1);
    CHECK(lim_cur(child, RLIMIT_NPROC) == 3);
    CHECK(lim_cur(parent, RLIMIT_NPROC) == 40);
    // The copy carried the rest over.
    CHECK(lim_max(child, RLIMIT_NPROC) == 50);
    CHECK(lim_cur(child, RLIMIT_CPU) == RLIM_INFINITY);

    // Unshared now: a second change is made in place, no new object.
    plimit* const own = child;
    REQUIRE(lim_set(&child, RLIMIT_NOFILE, {64, 64}).ok());
    CHECK(child == own);
    CHECK(env.limits.objects_in_use() == 2);
    lim_free(child);
    lim_free(parent);
}

TEST_CASE("resource: three generations share one object until one of them changes")
{
    CredEnv env;
    plimit* a = lim_alloc(env.limits).value();
    plimit* b = lim_fork(a);
    plimit* c = lim_fork(b);
    CHECK(a->pl_refcnt == 3);
    REQUIRE(lim_set(&a, RLIMIT_CORE, {0, 0}).ok()); // the parent changes this time
    CHECK(a != b);
    CHECK(b == c);
    CHECK(b->pl_refcnt == 2);
    CHECK(lim_cur(b, RLIMIT_CORE) == RLIM_INFINITY);
    CHECK(lim_cur(a, RLIMIT_CORE) == 0);
    lim_free(c); // exits in any order
    lim_free(a);
    lim_free(b);
}

TEST_CASE("resource: lim_cow leaves unshared limits alone and copies shared ones")
{
    CredEnv env;
    plimit* l = lim_alloc(env.limits).value();
    CHECK(lim_cow(&l).value() == l);
    CHECK(env.limits.objects_in_use() == 1);
    plimit* other = lim_fork(l);
    plimit* mine = lim_cow(&l).value();
    CHECK(mine == l);
    CHECK(mine != other);
    CHECK(other->pl_refcnt == 1);
    lim_free(l);
    lim_free(other);
}

TEST_CASE("resource: lim_set refuses unknown resources, changing nothing")
{
    CredEnv env;
    plimit* l = lim_alloc(env.limits).value();
    plimit* shared = lim_fork(l);
    CHECK(lim_set(&l, -1, {1, 1}).error() == Errno::Inval);
    CHECK(lim_set(&l, RLIM_NLIMITS, {1, 1}).error() == Errno::Inval);
    CHECK(l == shared); // no copy was made either
    CHECK(l->pl_refcnt == 2);
    lim_free(l);
    lim_free(shared);
}

TEST_CASE("resource: every allocation failure of lim_alloc and lim_cow is NoMem, nothing changed")
{
    CredEnv env;
    plimit* l = nullptr;
    auto alloc = [&] {
        Result<plimit*> r = lim_alloc(env.limits);
        if (!r.ok()) return r.error();
        l = r.value();
        return Errno::Ok;
    };
    CHECK(every_failure(env, [&](long n) { env.mem.pages.fail_after(n); }, alloc) == 1);
    lim_free(l);
    CHECK(every_failure(env, [&](long n) { env.limits.fail_after(n); }, alloc) == 1);

    // A shared object whose copy fails: the caller keeps the shared one.
    plimit* sibling = lim_fork(l);
    plimit* const shared = l;
    auto cow = [&] {
        Result<void> r = lim_set(&l, RLIMIT_STACK, {4096, 8192});
        if (!r.ok()) {
            CHECK(l == shared);
            CHECK(shared->pl_refcnt == 2);
            CHECK(lim_cur(shared, RLIMIT_STACK) == RLIM_INFINITY);
            return r.error();
        }
        return Errno::Ok;
    };
    CHECK(every_failure(env, [&](long n) { env.limits.fail_after(n); }, cow) == 1);
    CHECK(l != shared);
    CHECK(lim_cur(l, RLIMIT_STACK) == 4096);
    lim_free(l);
    // The page allocator: the copy needs a page only when no slab has room.
    l = lim_fork(sibling);
    auto cow2 = [&] {
        Result<plimit*> r = lim_cow(&l);
        return r.ok() ? Errno::Ok : r.error();
    };
    CHECK(every_failure(env, [&](long n) { env.mem.pages.fail_after(n); }, cow2) == 0);
    CHECK(l != sibling);
    lim_free(l);
    lim_free(sibling);
}
