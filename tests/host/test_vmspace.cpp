// Commit accounting (CommitAccount: swap_reserve / swap_reserve_force /
// swap_release) and the vmspace: alloc, anonymous mappings and their
// charge, fork (the charge owed, fork1's reserve-or-force contract),
// hold/free, unshare, in the default and the strict overcommit modes, with
// failures injected in the zone and in the reservation.
#include "mem_test_util.h"

#include <mm/swap_reserve.h>
#include <mm/vmspace.h>

using memtest::PG;

namespace {

struct VmEnv {
    memtest::MemEnv mem{0x80000000, 2 * memtest::MiB};
    VmspaceZone zone{"vmspace", mem.pages};
    CommitAccount commit;

    ~VmEnv()
    {
        CHECK(zone.all_in_use() == 0);
        CHECK(commit.reserved() == 0);
    }

    // A space laid out as exec lays one out: t pages of text (read and
    // execute: not charged), d of data and s of stack (private and
    // writable: charged).
    vmspace* make(uint64_t t, uint64_t d, uint64_t s)
    {
        vmspace* vm = vmspace_alloc(zone, commit).value();
        const vm_prot_t rw = VM_PROT_READ | VM_PROT_WRITE;
        if (t) REQUIRE(vmspace_map_anon(vm, TEXT, t * PG, VM_PROT_READ | VM_PROT_EXECUTE).ok());
        if (d) REQUIRE(vmspace_map_anon(vm, DATA, d * PG, rw).ok());
        if (s) REQUIRE(vmspace_map_anon(vm, STACK_TOP - s * PG, s * PG, rw).ok());
        vmspace_set_sizes(vm, t, d, s);
        return vm;
    }

    static constexpr uint64_t TEXT = 0x10000;
    static constexpr uint64_t DATA = 0x1000000;
    static constexpr uint64_t STACK_TOP = 0x3f00000000;
};

// fork1's sequence for the copy: vmspace_fork, then reserve or force.
// Returns the copy and whether the reservation was granted.
struct Forked {
    vmspace* vm2;
    uint64_t charged;
    bool reserved;
};
Forked fork_like_fork1(vmspace* vm1)
{
    uint64_t charged = ~uint64_t{0};
    vmspace* vm2 = vmspace_fork(vm1, &charged).value();
    const bool ok = vm2->vm_commit->reserve(charged);
    if (!ok) vm2->vm_commit->reserve_force(charged);
    return {vm2, charged, ok};
}

} // namespace

TEST_CASE("commit: default mode counts every reservation and never refuses")
{
    CommitAccount a;
    CHECK_FALSE(a.strict());
    CHECK(a.limit() == 0);
    CHECK(a.reserve(3 * PG));
    CHECK(a.reserve(100 * memtest::GiB)); // far beyond the (zero) limit
    CHECK(a.reserved() == 3 * PG + 100 * memtest::GiB);
    CHECK(a.refused() == 0);
    a.release(100 * memtest::GiB);
    a.release(3 * PG);
    CHECK(a.reserved() == 0);
}

TEST_CASE("commit: amounts are counted in whole pages")
{
    CommitAccount a;
    CHECK(a.reserve(1));
    CHECK(a.reserved() == PG);
    CHECK(a.reserve(PG + 1));
    CHECK(a.reserved() == 3 * PG);
    a.reserve_force(0);
    CHECK(a.reserved() == 3 * PG);
    a.release(1);
    a.release(PG + 1);
    CHECK(a.reserved() == 0);
    CHECK(CommitAccount::round(PG) == PG);
    CHECK(CommitAccount::round(PG - 1) == PG);
}

TEST_CASE("commit: strict mode refuses past the limit and changes nothing")
{
    CommitAccount a;
    a.set_strict(true);
    a.set_limit(10 * PG);
    CHECK(a.reserve(6 * PG));
    CHECK_FALSE(a.reserve(5 * PG)); // 11 > 10
    CHECK(a.reserved() == 6 * PG);
    CHECK(a.refused() == 1);
    CHECK(a.reserve(4 * PG)); // exactly the limit is allowed
    CHECK(a.reserved() == 10 * PG);
    CHECK_FALSE(a.reserve(1)); // one byte is one more page
    CHECK_FALSE(a.reserve(~uint64_t{0} - 2 * PG)); // no wrap-around past the limit
    CHECK(a.reserved() == 10 * PG);
    CHECK(a.refused() == 3);

    // Forced charges go in regardless; then even a small request is refused.
    a.reserve_force(5 * PG);
    CHECK(a.reserved() == 15 * PG);
    CHECK_FALSE(a.reserve(PG));
    a.release(15 * PG);
    CHECK(a.reserve(PG));
    a.release(PG);

    // Back to the default: the same request goes through.
    a.set_limit(0);
    CHECK_FALSE(a.reserve(PG));
    a.set_strict(false);
    CHECK(a.reserve(PG));
    a.release(PG);
    CHECK(a.reserved() == 0);
}

TEST_CASE("commit: injected failures refuse one reservation in either mode")
{
    CommitAccount a;
    a.fail_after(2);
    CHECK(a.reserve(PG));
    CHECK(a.reserve(PG));
    CHECK_FALSE(a.reserve(PG));
    CHECK(a.reserved() == 2 * PG);
    CHECK(a.injected_failures() == 1);
    CHECK(a.reserve(PG)); // the injection turned itself off
    a.reserve_force(PG);  // forcing is never injected
    a.release(4 * PG);

    a.set_strict(true);
    a.set_limit(100 * PG);
    a.fail_after(0);
    CHECK_FALSE(a.reserve(PG));
    CHECK(a.reserved() == 0);
    CHECK(a.refused() == 2);
    CHECK(a.reserve(PG));
    a.release(PG);
}

TEST_CASE("commit: releasing more than is reserved panics")
{
    CHECK(memtest::panics(
        [] {
            CommitAccount a;
            a.reserve_force(PG);
            a.release(2 * PG);
        },
        "releasing"));
}

TEST_CASE("commit: the kernel's account is one object, default mode")
{
    CHECK(&kernel_commit() == &kernel_commit());
    CHECK_FALSE(kernel_commit().strict());
}

TEST_CASE("vmspace: alloc gives an empty space with one reference")
{
    VmEnv env;
    vmspace* vm = vmspace_alloc(env.zone, env.commit).value();
    CHECK(vm->vm_refcnt == 1);
    CHECK(vm->vm_tsize == 0);
    CHECK(vm->vm_dsize == 0);
    CHECK(vm->vm_ssize == 0);
    CHECK(vm->vm_charged == 0);
    CHECK(vm->vm_zone == &env.zone);
    CHECK(vm->vm_commit == &env.commit);
    CHECK_FALSE(vmspace_shared(vm));
    CHECK(env.zone.objects_in_use() == 1);
    vmspace_free(vm);
    CHECK(env.zone.objects_in_use() == 0);
}

TEST_CASE("vmspace: private writable mappings are charged, text and shared memory are not")
{
    VmEnv env;
    vmspace* vm = env.make(5, 7, 3);
    CHECK(vm->vm_tsize == 5);
    CHECK(vm->vm_dsize == 7);
    CHECK(vm->vm_ssize == 3);
    CHECK(vm->vm_map.entry_count() == 3);
    CHECK(vm->vm_charged == 10 * PG);
    CHECK(env.commit.reserved() == 10 * PG);

    // Shared memory is charged to nobody (FreeBSD charges its object once;
    // Sprig not at all).
    REQUIRE(vmspace_map_anon(vm, 0x2000000, 4 * PG, VM_PROT_READ | VM_PROT_WRITE,
                             VmInherit::Share).ok());
    CHECK(vm->vm_charged == 10 * PG);

    // Unmapping part of the data and all of the stack gives their charge back.
    REQUIRE(vmspace_unmap(vm, VmEnv::DATA + 2 * PG, 5 * PG).ok());
    REQUIRE(vmspace_unmap(vm, VmEnv::STACK_TOP - 3 * PG, 3 * PG).ok());
    CHECK(vm->vm_charged == 2 * PG);
    CHECK(env.commit.reserved() == 2 * PG);
    // Unmapping a hole changes nothing; bad ranges are EINVAL.
    REQUIRE(vmspace_unmap(vm, 0x3000000, PG).ok());
    CHECK(vmspace_unmap(vm, 0x3000000, 0).error() == Errno::Inval);
    CHECK(vmspace_unmap(vm, 0x3000800, PG).error() == Errno::Inval);
    CHECK(env.commit.reserved() == 2 * PG);

    vmspace_free(vm);
    CHECK(env.commit.reserved() == 0);
}

TEST_CASE("vmspace: strict mode refuses a mapping that does not fit, and changes nothing")
{
    VmEnv env;
    vmspace* vm = env.make(1, 4, 0);
    env.commit.set_strict(true);
    env.commit.set_limit(6 * PG);
    const vm_prot_t rw = VM_PROT_READ | VM_PROT_WRITE;
    CHECK(vmspace_map_anon(vm, 0x2000000, 3 * PG, rw).error() == Errno::NoMem);
    CHECK(vm->vm_map.lookup(0x2000000) == nullptr);
    CHECK(env.commit.reserved() == 4 * PG);
    // Read-only and shared mappings need no reservation.
    REQUIRE(vmspace_map_anon(vm, 0x2000000, 3 * PG, VM_PROT_READ).ok());
    REQUIRE(vmspace_map_anon(vm, 0x3000000, 3 * PG, rw, VmInherit::Share).ok());
    REQUIRE(vmspace_map_anon(vm, 0x4000000, 2 * PG, rw).ok()); // exactly the limit
    CHECK(env.commit.reserved() == 6 * PG);
    // A refused insert gives its reservation back: overlap, then bad range.
    env.commit.set_strict(false);
    CHECK(vmspace_map_anon(vm, 0x4000000, PG, rw).error() == Errno::NoMem);
    CHECK(vmspace_map_anon(vm, 0x4800800, PG, rw).error() == Errno::Inval);
    CHECK(vmspace_map_anon(vm, ~uint64_t{0} - PG, 2 * PG, rw).error() == Errno::Inval);
    CHECK(env.commit.reserved() == 6 * PG);
    vmspace_free(vm);
}

TEST_CASE("vmspace: hold shares, free drops references, only the last releases")
{
    VmEnv env;
    vmspace* vm = env.make(1, 2, 2);
    CHECK(vmspace_hold(vm) == vm);
    CHECK(vmspace_hold(vm) == vm);
    CHECK(vm->vm_refcnt == 3);
    CHECK(vmspace_shared(vm));
    vmspace_free(vm);
    vmspace_free(vm);
    CHECK(vm->vm_refcnt == 1);
    CHECK_FALSE(vmspace_shared(vm));
    CHECK(env.commit.reserved() == 4 * PG);
    CHECK(env.zone.objects_in_use() == 1);
    vmspace_free(vm);
    CHECK(env.commit.reserved() == 0);
}

TEST_CASE("vmspace: fork copies the sizes and reports the charge without reserving it")
{
    VmEnv env;
    vmspace* vm1 = env.make(4, 6, 2);
    const uint64_t before = env.commit.reserved();
    uint64_t charged = 0;
    vmspace* vm2 = vmspace_fork(vm1, &charged).value();
    CHECK(vm2 != vm1);
    CHECK(vm2->vm_refcnt == 1);
    CHECK(vm1->vm_refcnt == 1);
    CHECK(vm2->vm_tsize == 4);
    CHECK(vm2->vm_dsize == 6);
    CHECK(vm2->vm_ssize == 2);
    CHECK(charged == 8 * PG);
    CHECK(vm2->vm_charged == charged);
    CHECK(vm2->vm_commit == &env.commit);
    CHECK(env.commit.reserved() == before); // the caller reserves
    CHECK(env.zone.objects_in_use() == 2);

    REQUIRE(env.commit.reserve(charged));
    CHECK(env.commit.reserved() == 16 * PG);
    vmspace_free(vm2);
    CHECK(env.commit.reserved() == 8 * PG);
    vmspace_free(vm1);
}

TEST_CASE("vmspace: fork of a space with nothing private charges nothing")
{
    VmEnv env;
    vmspace* vm1 = env.make(9, 0, 0);
    Forked f = fork_like_fork1(vm1);
    CHECK(f.reserved);
    CHECK(f.charged == 0);
    CHECK(f.vm2->vm_tsize == 9);
    CHECK(env.commit.reserved() == 0);
    vmspace_free(f.vm2);
    vmspace_free(vm1);
}

TEST_CASE("vmspace: default mode never refuses a fork, and counts it")
{
    VmEnv env;
    env.commit.set_limit(PG); // ignored unless strict
    vmspace* vm1 = env.make(1, 30, 10);
    Forked a = fork_like_fork1(vm1);
    Forked b = fork_like_fork1(a.vm2);
    CHECK(a.reserved);
    CHECK(b.reserved);
    CHECK(env.commit.reserved() == 3 * 40 * PG);
    CHECK(env.commit.refused() == 0);
    vmspace_free(a.vm2);
    vmspace_free(b.vm2);
    CHECK(env.commit.reserved() == 40 * PG);
    vmspace_free(vm1);
}

TEST_CASE("vmspace: strict mode refuses a fork; forcing then freeing leaves the account as it was")
{
    VmEnv env;
    vmspace* vm1 = env.make(1, 6, 2);
    env.commit.set_strict(true);
    env.commit.set_limit(12 * PG); // 8 in use, the copy wants 8 more
    const uint64_t before = env.commit.reserved();
    const size_t objects = env.zone.objects_in_use();

    Forked f = fork_like_fork1(vm1);
    CHECK_FALSE(f.reserved);
    CHECK(env.commit.reserved() == before + 8 * PG); // forced, owed by the copy
    vmspace_free(f.vm2); // fork1's fail1 path
    CHECK(env.commit.reserved() == before);
    CHECK(env.zone.objects_in_use() == objects);

    env.commit.set_limit(16 * PG); // now it fits exactly
    Forked g = fork_like_fork1(vm1);
    CHECK(g.reserved);
    CHECK(env.commit.reserved() == 16 * PG);
    vmspace_free(g.vm2);
    vmspace_free(vm1);
}

TEST_CASE("vmspace: a reservation failure injected into fork1's sequence balances too")
{
    VmEnv env;
    vmspace* vm1 = env.make(1, 3, 1);
    env.commit.fail_after(0);
    Forked f = fork_like_fork1(vm1);
    CHECK_FALSE(f.reserved);
    CHECK(env.commit.injected_failures() == 1);
    vmspace_free(f.vm2);
    CHECK(env.commit.reserved() == 4 * PG);
    vmspace_free(vm1);
}

TEST_CASE("vmspace: alloc and fork report NoMem when the zone cannot grow")
{
    VmEnv env;
    vmspace* vm1 = env.make(1, 2, 3);
    const uint64_t reserved = env.commit.reserved();

    env.zone.fail_after(0);
    uint64_t charged = 77;
    Result<vmspace*> r = vmspace_fork(vm1, &charged);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Errno::NoMem);
    CHECK(charged == 0);
    CHECK(env.zone.objects_in_use() == 1);
    CHECK(env.commit.reserved() == reserved);
    CHECK(vm1->vm_refcnt == 1);

    env.zone.fail_after(0);
    Result<vmspace*> a = vmspace_alloc(env.zone, env.commit);
    REQUIRE_FALSE(a.ok());
    CHECK(a.error() == Errno::NoMem);
    CHECK(env.zone.objects_in_use() == 1);
    vmspace_free(vm1);
}

TEST_CASE("vmspace: many spaces, every one freed, the zone ends empty")
{
    VmEnv env;
    constexpr int N = 200; // more than one slab of vmspaces
    vmspace* vms[N];
    vms[0] = env.make(1, 1, 1);
    for (int i = 1; i < N; i++) vms[i] = fork_like_fork1(vms[i - 1]).vm2;
    CHECK(env.zone.objects_in_use() == N);
    CHECK(env.commit.reserved() == uint64_t{N} * 2 * PG);
    for (int i = N - 1; i >= 0; i--) vmspace_free(vms[i]);
}

TEST_CASE("vmspace: unshare of an unshared space does nothing")
{
    VmEnv env;
    vmspace* vm = env.make(1, 2, 1);
    vmspace* p = vm;
    env.zone.fail_after(0); // would fail any allocation
    CHECK(vmspace_unshare(&p).ok());
    env.zone.fail_after(-1);
    CHECK(p == vm);
    CHECK(env.zone.objects_in_use() == 1);
    CHECK(env.commit.reserved() == 3 * PG);
    vmspace_free(vm);
}

TEST_CASE("vmspace: unshare gives the caller a charged copy and drops its shared reference")
{
    VmEnv env;
    vmspace* shared = env.make(2, 5, 1);
    vmspace* mine = vmspace_hold(shared); // as an RFMEM child holds it
    CHECK(vmspace_unshare(&mine).ok());
    CHECK(mine != shared);
    CHECK(mine->vm_refcnt == 1);
    CHECK(shared->vm_refcnt == 1);
    CHECK(mine->vm_tsize == 2);
    CHECK(mine->vm_dsize == 5);
    CHECK(mine->vm_ssize == 1);
    CHECK(mine->vm_charged == 6 * PG);
    CHECK(env.commit.reserved() == 12 * PG);
    CHECK(env.zone.objects_in_use() == 2);
    vmspace_free(mine);
    vmspace_free(shared);
}

TEST_CASE("vmspace: unshare in default mode succeeds past the limit")
{
    VmEnv env;
    env.commit.set_limit(PG);
    vmspace* shared = env.make(0, 8, 8);
    vmspace* mine = vmspace_hold(shared);
    CHECK(vmspace_unshare(&mine).ok());
    CHECK(env.commit.reserved() == 32 * PG);
    vmspace_free(mine);
    vmspace_free(shared);
}

TEST_CASE("vmspace: unshare refused in strict mode changes nothing")
{
    VmEnv env;
    vmspace* shared = env.make(0, 4, 4);
    vmspace* mine = vmspace_hold(shared);
    env.commit.set_strict(true);
    env.commit.set_limit(15 * PG); // 8 in use, a copy needs 8 more
    const uint64_t reserved = env.commit.reserved();

    Result<void> r = vmspace_unshare(&mine);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Errno::NoMem);
    CHECK(mine == shared);
    CHECK(shared->vm_refcnt == 2);
    CHECK(env.commit.reserved() == reserved);
    CHECK(env.commit.refused() == 1);
    CHECK(env.zone.objects_in_use() == 1);

    vmspace_free(mine);
    vmspace_free(shared);
}

TEST_CASE("vmspace: unshare with a failure injected in the zone or the reservation changes nothing")
{
    VmEnv env;
    vmspace* shared = env.make(1, 3, 3);
    vmspace* mine = vmspace_hold(shared);
    const uint64_t reserved = env.commit.reserved();

    for (int where = 0; where < 2; where++) {
        if (where == 0)
            env.zone.fail_after(0);
        else
            env.commit.fail_after(0);
        Result<void> r = vmspace_unshare(&mine);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == Errno::NoMem);
        CHECK(mine == shared);
        CHECK(shared->vm_refcnt == 2);
        CHECK(env.commit.reserved() == reserved);
        CHECK(env.zone.objects_in_use() == 1);
    }
    CHECK(env.zone.spaces.zone().injected_failures() == 1);
    CHECK(env.commit.injected_failures() == 1);

    CHECK(vmspace_unshare(&mine).ok()); // nothing injected any more
    CHECK(mine != shared);
    vmspace_free(mine);
    vmspace_free(shared);
}

TEST_CASE("vmspace: mprotect across entries moves the charge with write permission")
{
    VmEnv env;
    vmspace* vm = env.make(2, 6, 0);
    const vm_prot_t rw = VM_PROT_READ | VM_PROT_WRITE;
    // Read-only across the end of the text and the start of the data.
    REQUIRE(vmspace_protect(vm, VmEnv::DATA + 2 * PG, 2 * PG, VM_PROT_READ).ok());
    CHECK(vm->vm_charged == 4 * PG);
    CHECK(env.commit.reserved() == 4 * PG);
    CHECK(vm->vm_map.entry_count() == 4); // text, data rw, data r, data rw
    // Writable again, across three entries and the text: the text is
    // private too, so it is charged once writable.
    REQUIRE(vmspace_protect(vm, VmEnv::TEXT, VmEnv::DATA + 6 * PG - VmEnv::TEXT, rw).ok());
    CHECK(vm->vm_charged == 8 * PG);
    CHECK(env.commit.reserved() == 8 * PG);
    // Shared memory is never charged, writable or not.
    REQUIRE(vmspace_map_anon(vm, 0x2000000, 2 * PG, VM_PROT_READ, VmInherit::Share).ok());
    REQUIRE(vmspace_protect(vm, 0x2000000, 2 * PG, rw).ok());
    CHECK(vm->vm_charged == 8 * PG);
    CHECK(vmspace_protect(vm, 0x2000000, 0, rw).error() == Errno::Inval);
    CHECK(vmspace_protect(vm, 0x2000000, PG, 0x10).error() == Errno::Inval);
    vmspace_free(vm);
}

TEST_CASE("vmspace: a refused mprotect (strict account, max protection) changes nothing")
{
    VmEnv env;
    vmspace* vm = env.make(0, 2, 0);
    REQUIRE(vmspace_map_anon(vm, 0x3000000, 4 * PG, VM_PROT_READ).ok());
    env.commit.set_strict(true);
    env.commit.set_limit(4 * PG);
    CHECK(vmspace_protect(vm, 0x3000000, 4 * PG, VM_PROT_READ | VM_PROT_WRITE).error() ==
          Errno::NoMem);
    CHECK(vm->vm_map.lookup(0x3000000)->protection == VM_PROT_READ);
    CHECK(env.commit.reserved() == 2 * PG);
    // An entry whose max protection is read: EACCES, and the charge it
    // would have taken given back.
    REQUIRE(vm->vm_map.insert(0x4000000, 0x4001000, nullptr, 0, VM_PROT_READ, VM_PROT_READ,
                              VmInherit::Copy).ok());
    CHECK(vmspace_protect(vm, 0x4000000, PG, VM_PROT_READ | VM_PROT_WRITE).error() ==
          Errno::Acces);
    CHECK(env.commit.reserved() == 2 * PG);
    CHECK(vm->vm_charged == 2 * PG);
    vmspace_free(vm);
}

TEST_CASE("vmspace: break grows and shrinks the data segment with its charge")
{
    VmEnv env;
    vmspace* vm = env.make(1, 2, 0);
    constexpr uint64_t LIMIT = 64 * PG;
    CHECK(vmspace_break(vm, VmEnv::DATA + 5 * PG, LIMIT).error() == Errno::Inval); // no segment yet
    vm->vm_daddr = VmEnv::DATA;
    REQUIRE(vmspace_break(vm, VmEnv::DATA + 5 * PG - 100, LIMIT).ok()); // rounded up
    CHECK(vm->vm_dsize == 5);
    CHECK(vm->vm_charged == 5 * PG);
    CHECK(vm->vm_map.lookup(VmEnv::DATA + 4 * PG) != nullptr);
    CHECK(vm->vm_map.entry_count() == 2); // the new part merged with the data
    REQUIRE(vmspace_break(vm, VmEnv::DATA + PG, LIMIT).ok());
    CHECK(vm->vm_dsize == 1);
    CHECK(vm->vm_charged == PG);
    CHECK(vm->vm_map.lookup(VmEnv::DATA + PG) == nullptr);
    CHECK(vmspace_break(vm, VmEnv::DATA - PG, LIMIT).error() == Errno::Inval);
    CHECK(vmspace_break(vm, VmEnv::DATA + LIMIT + 1, LIMIT).error() == Errno::NoMem); // RLIMIT_DATA
    env.commit.set_strict(true);
    env.commit.set_limit(3 * PG);
    CHECK(vmspace_break(vm, VmEnv::DATA + 4 * PG, LIMIT).error() == Errno::NoMem);
    CHECK(vm->vm_dsize == 1);
    CHECK(env.commit.reserved() == PG);
    REQUIRE(vmspace_break(vm, VmEnv::DATA + 3 * PG, LIMIT).ok()); // exactly the limit
    CHECK(vm->vm_dsize == 3);
    REQUIRE(vmspace_break(vm, VmEnv::DATA, LIMIT).ok());
    CHECK(vm->vm_dsize == 0);
    CHECK(env.commit.reserved() == 0);
    vmspace_free(vm);
}
