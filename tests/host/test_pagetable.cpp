// mm/pagetable against the strict MMU simulator, on arenas at both RAM
// bases Sprig meets (0x8000_0000, QEMU virt; 0x4000_0000, VisionFive 2).
#include <doctest/doctest.h>

#include <arch/host_arena.h>
#include <kernel/machdep.h>
#include <arch/mmu_sim.h>
#include <arch/param.h>
#include <arch/pte.h>
#include <mm/pagetable.h>

#include "pt_test_source.h"

#include <map>
#include <random>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

namespace {

using namespace arch::pte;

constexpr uint64_t PG = 0x1000;
constexpr uint64_t MiB2 = uint64_t{2} << 20;
constexpr uint64_t GiB = uint64_t{1} << 30;
constexpr uint64_t BASES[] = {0x80000000, 0x40000000};
// Kernel-half places with nothing else in them in these tests.
constexpr uint64_t DMAP = arch::DMAP_BASE;
constexpr uint64_t KSTK = arch::KSTACK_REGION;

struct Env {
    HostArena arena;
    ArenaPtSource src{arena};
    MmuSim sim;
    explicit Env(uint64_t base, uint64_t pages = 1024) : arena(PhysAddr(base), pages * PG) {}
};

PageTable make_kernel(Env& e) { return PageTable::create_kernel(e.src).release_value(); }
PageTable make_user(Env& e, PageTable& k, uint16_t asid)
{
    return PageTable::create_user(e.src, asid, k).release_value();
}

// Runs a successful operation's flush.
void run(Result<TlbFlush> r)
{
    REQUIRE(r.ok());
    r.value().execute();
}

// The error of an operation expected to fail (running the flush if it did not).
Errno err(Result<TlbFlush> r)
{
    if (!r.ok()) return r.error();
    r.value().execute();
    return Errno::Ok;
}

VirtAddr V_(uint64_t v) { return VirtAddr(v); }
PhysAddr P_(uint64_t p) { return PhysAddr(p); }

// The raw entries of a table, for checks behind the code's back.
uint64_t* raw_table(PhysAddr t) { return static_cast<uint64_t*>(arch::phys_to_virt(t)); }

// Counts the valid root entries of the kernel half.
unsigned kernel_roots(const PageTable& pt)
{
    unsigned n = 0;
    for (unsigned i = 256; i < 512; i++) n += raw_table(pt.root())[i] & V;
    return n;
}

// Walks a tree checking the entry rules: non-leaf entries carry nothing but
// V and the PPN's table; leaves carry A, and D exactly when writable.
// Returns the number of leaves.
unsigned check_tree(PhysAddr table, unsigned level, unsigned first = 0, unsigned last = 512)
{
    unsigned leaves = 0;
    for (unsigned i = first; i < last; i++) {
        const uint64_t e = raw_table(table)[i];
        if (!(e & V)) continue;
        if (e & (R | W | X)) {
            CHECK((e & A) != 0);
            CHECK(((e & D) != 0) == ((e & W) != 0));
            leaves++;
        } else {
            CHECK((e & (A | D | U | G)) == 0);
            REQUIRE(level > 0);
            leaves += check_tree(arch::Pte{e}.pa(), level - 1);
        }
    }
    return leaves;
}

} // namespace

TEST_CASE("pagetable: 4 KiB map, lookup and unmap in kernel and user tables")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        CHECK(e.src.in_use() == 1);
        const VirtAddr va = V_(KSTK + 5 * PG);
        const PhysAddr pa = P_(0x87654000);
        run(k.map(va, pa, 3 * PG, R | W | G));
        CHECK(e.src.in_use() == 3); // root, level 1, level 0
        for (uint64_t i = 0; i < 3; i++) {
            const Translation t = k.lookup(va + i * PG + 0x10);
            REQUIRE(t.valid());
            CHECK(t.pa == pa + i * PG + 0x10);
            CHECK(t.level == 0);
            CHECK(t.flags == (V | R | W | G | A | D));
        }
        CHECK(!k.lookup(va - PG));
        CHECK(!k.lookup(va + 3 * PG));

        run(k.unmap(va + PG, PG));
        CHECK(!k.lookup(va + PG));
        CHECK(k.lookup(va).pa == pa);
        CHECK(k.lookup(va + 2 * PG).pa == pa + 2 * PG);
        run(k.unmap(va, 3 * PG)); // over the hole
        CHECK(!k.lookup(va));
        CHECK(e.src.in_use() == 2); // the level-1 table under a kernel root entry stays

        PageTable u = make_user(e, k, 7);
        CHECK(e.src.in_use() == 3);
        run(u.map(V_(0x10000), P_(0x88000000), 2 * PG, U | R | W));
        CHECK(e.src.in_use() == 5);
        CHECK(u.lookup(V_(0x11008)).pa == P_(0x88001008));
        CHECK(u.lookup(V_(0x10000)).flags == (V | U | R | W | A | D));
        run(u.unmap(V_(0x10000), 2 * PG));
        CHECK(e.src.in_use() == 3); // user tables left empty are freed
    }
}

TEST_CASE("pagetable: superpages only where va, pa and length line up")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);

        // 1 GiB-aligned everything: one root-level leaf, one page to flush.
        auto r = k.map(V_(DMAP + GiB), P_(0x80000000), GiB, R | W | G, PageSizes::Super);
        REQUIRE(r.ok());
        CHECK(r.value().page_count() == 1);
        CHECK(!r.value().whole_space());
        r.value().execute();
        CHECK(e.src.in_use() == 1);
        Translation t = k.lookup(V_(DMAP + GiB + 0x1234567));
        CHECK(t.level == 2);
        CHECK(t.pa == P_(0x80000000 + 0x1234567));
        CHECK(t.flags == (V | R | W | G | A | D));

        // The same length with pa only 2 MiB-aligned: 512 level-1 leaves.
        auto r2 = k.map(V_(DMAP + 2 * GiB), P_(0x80200000), GiB, R | G, PageSizes::Super);
        REQUIRE(r2.ok());
        CHECK(r2.value().whole_space()); // 512 pages are past the cap
        r2.value().execute();
        CHECK(e.src.in_use() == 2);
        for (uint64_t off : {uint64_t{0}, 77 * MiB2 + 5, GiB - 1}) {
            t = k.lookup(V_(DMAP + 2 * GiB + off));
            CHECK(t.level == 1);
            CHECK(t.pa == P_(0x80200000 + off));
            CHECK(t.flags == (V | R | G | A));
        }

        // 2 MiB-aligned start, 4 MiB + 8 KiB: two 2 MiB leaves, two 4 KiB ones.
        const uint64_t v3 = DMAP + 3 * GiB + MiB2;
        run(k.map(V_(v3), P_(0xa0000000), 2 * MiB2 + 2 * PG, R | G, PageSizes::Super));
        CHECK(k.lookup(V_(v3)).level == 1);
        CHECK(k.lookup(V_(v3 + MiB2)).level == 1);
        CHECK(k.lookup(V_(v3 + 2 * MiB2)).level == 0);
        CHECK(k.lookup(V_(v3 + 2 * MiB2 + PG + 1)).pa == P_(0xa0000000 + 2 * MiB2 + PG + 1));
        CHECK(!k.lookup(V_(v3 + 2 * MiB2 + 2 * PG)));

        // One page before a 2 MiB boundary, then a whole 2 MiB.
        const uint64_t v4 = DMAP + 4 * GiB + MiB2 - PG;
        run(k.map(V_(v4), P_(0xb01ff000), PG + MiB2, R | G, PageSizes::Super));
        CHECK(k.lookup(V_(v4)).level == 0);
        CHECK(k.lookup(V_(v4 + PG)).level == 1);
        CHECK(k.lookup(V_(v4 + PG)).pa == P_(0xb0200000));

        // va aligned, pa not: 4 KiB pages only.
        const uint64_t v5 = DMAP + 5 * GiB;
        run(k.map(V_(v5), P_(0xc0001000), MiB2, R | G, PageSizes::Super));
        CHECK(k.lookup(V_(v5)).level == 0);
        CHECK(k.lookup(V_(v5 + MiB2 - PG)).level == 0);
        CHECK(k.lookup(V_(v5 + MiB2 - PG)).pa == P_(0xc0001000 + MiB2 - PG));

        // Perfectly aligned but Small asked for: 4 KiB pages.
        const uint64_t v6 = DMAP + 6 * GiB;
        run(k.map(V_(v6), P_(0xc0000000), MiB2, R | G, PageSizes::Small));
        CHECK(k.lookup(V_(v6)).level == 0);
        CHECK(k.lookup(V_(v6 + MiB2 - 1)).pa == P_(0xc0000000 + MiB2 - 1));
        CHECK(check_tree(k.root(), 2) == 1 + 512 + 2 + 2 + 1 + 1 + 512 + 512);
    }
}

TEST_CASE("pagetable: unmapping part of a superpage splits it")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        REQUIRE(k.reserve_kernel_roots(V_(DMAP), GiB).ok()); // before any user table
        PageTable u = make_user(e, k, 3);
        const size_t before = e.src.in_use();

        // A user gigapage (U, lower half), cut by one 4 KiB page.
        run(u.map(V_(GiB), P_(0x80000000), GiB, U | R | W, PageSizes::Super));
        CHECK(e.src.in_use() == before);
        const uint64_t hole = GiB + 3 * MiB2 + 5 * PG;
        auto r = u.unmap(V_(hole), PG);
        REQUIRE(r.ok());
        CHECK(r.value().whole_space()); // a split orders every walk in the range
        r.value().execute();
        CHECK(e.src.in_use() == before + 2); // 1 GiB -> 2 MiB table, 2 MiB -> 4 KiB table
        CHECK(!u.lookup(V_(hole)));
        Translation t = u.lookup(V_(hole - PG));
        CHECK(t.level == 0);
        CHECK(t.pa == P_(0x80000000 + 3 * MiB2 + 4 * PG));
        CHECK(t.flags == (V | U | R | W | A | D));
        CHECK(u.lookup(V_(hole + PG)).pa == P_(0x80000000 + 3 * MiB2 + 6 * PG));
        t = u.lookup(V_(GiB + GiB - 1));
        CHECK(t.level == 1);
        CHECK(t.pa == P_(0x80000000 + GiB - 1));
        CHECK(u.lookup(V_(GiB)).level == 1);

        // A whole 2 MiB slot and half the next one.
        const uint64_t s10 = GiB + 10 * MiB2;
        run(u.unmap(V_(s10), MiB2 + MiB2 / 2));
        CHECK(e.src.in_use() == before + 3);
        CHECK(!u.lookup(V_(s10)));
        CHECK(!u.lookup(V_(s10 + MiB2 + MiB2 / 2 - PG)));
        t = u.lookup(V_(s10 + MiB2 + MiB2 / 2));
        CHECK(t.level == 0);
        CHECK(t.pa == P_(0x80000000 + 11 * MiB2 + MiB2 / 2));
        CHECK(u.lookup(V_(s10 + 2 * MiB2)).level == 1);

        // The rest: every table goes back.
        run(u.unmap(V_(GiB), GiB));
        CHECK(e.src.in_use() == before);
        CHECK(!u.lookup(V_(GiB + 12345 * PG)));

        // A kernel 2 MiB page split in the direct map.
        run(k.map(V_(DMAP), P_(0x80000000), MiB2, R | W | G, PageSizes::Super));
        const size_t kb = e.src.in_use();
        run(k.unmap(V_(DMAP + MiB2 - PG), PG));
        CHECK(e.src.in_use() == kb + 1);
        CHECK(k.lookup(V_(DMAP)).level == 0);
        CHECK(k.lookup(V_(DMAP + MiB2 - 2 * PG)).pa == P_(0x80000000 + MiB2 - 2 * PG));
        CHECK(!k.lookup(V_(DMAP + MiB2 - PG)));
    }
}

TEST_CASE("pagetable: protect changes permissions, splitting partial superpages")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        REQUIRE(k.reserve_kernel_roots(V_(DMAP), GiB).ok());
        PageTable u = make_user(e, k, 4);
        run(u.map(V_(0x400000), P_(0x90000000), 4 * PG, U | R | W));
        run(u.map(V_(0x406000), P_(0x90006000), PG, U | R | W));

        auto r = u.protect(V_(0x401000), 2 * PG, U | R);
        REQUIRE(r.ok());
        CHECK(r.value().page_count() == 2);
        CHECK(!r.value().whole_space());
        r.value().execute();
        CHECK(u.lookup(V_(0x401000)).flags == (V | U | R | A));
        CHECK(u.lookup(V_(0x402000)).flags == (V | U | R | A));
        CHECK(u.lookup(V_(0x400000)).flags == (V | U | R | W | A | D));
        CHECK(u.lookup(V_(0x403000)).flags == (V | U | R | W | A | D));
        CHECK(u.lookup(V_(0x402010)).pa == P_(0x90002010));

        // Same permissions again: nothing changes, nothing to flush.
        auto same = u.protect(V_(0x401000), 2 * PG, U | R);
        REQUIRE(same.ok());
        CHECK(!same.value().pending());

        // Across holes: only mapped pages change; W brings D back.
        auto r2 = u.protect(V_(0x400000), 8 * PG, U | R | W | X);
        REQUIRE(r2.ok());
        CHECK(r2.value().page_count() == 5);
        r2.value().execute();
        CHECK(u.lookup(V_(0x402000)).flags == (V | U | R | W | X | A | D));
        CHECK(!u.lookup(V_(0x404000)));
        CHECK(u.lookup(V_(0x406000)).flags == (V | U | R | W | X | A | D));

        // Part of a kernel 2 MiB page: split, one page read-only.
        run(k.map(V_(DMAP + MiB2), P_(0xa0200000), MiB2, R | W | G, PageSizes::Super));
        const size_t kb = e.src.in_use();
        run(k.protect(V_(DMAP + MiB2 + 7 * PG), PG, R | G));
        CHECK(e.src.in_use() == kb + 1);
        Translation t = k.lookup(V_(DMAP + MiB2 + 7 * PG));
        CHECK(t.level == 0);
        CHECK(t.flags == (V | R | G | A));
        CHECK(t.pa == P_(0xa0200000 + 7 * PG));
        CHECK(k.lookup(V_(DMAP + MiB2 + 8 * PG)).flags == (V | R | W | G | A | D));

        // A whole superpage keeps its size.
        run(k.map(V_(DMAP + 2 * MiB2), P_(0xa0400000), MiB2, R | W | G, PageSizes::Super));
        run(k.protect(V_(DMAP + 2 * MiB2), MiB2, R | X | G));
        t = k.lookup(V_(DMAP + 2 * MiB2 + 5));
        CHECK(t.level == 1);
        CHECK(t.flags == (V | R | X | G | A));
        CHECK(t.pa == P_(0xa0400005));
    }
}

TEST_CASE("pagetable: bad arguments are Inval, overlaps are Exist, nothing changes")
{
    Env e(0x80000000);
    PageTable k = make_kernel(e);
    run(k.map(V_(DMAP), P_(0x80000000), MiB2, R | W | G, PageSizes::Super));
    PageTable u = make_user(e, k, 2);
    run(u.map(V_(0x5000), P_(0x90005000), PG, U | R));
    const size_t pages = e.src.in_use();
    const PhysAddr pa = P_(0x90000000);

    // Shape of the range and the physical address.
    CHECK(err(u.map(V_(0x1001000 + 1), pa, PG, U | R)) == Errno::Inval);
    CHECK(err(u.map(V_(0x1000000), pa + 8, PG, U | R)) == Errno::Inval);
    CHECK(err(u.map(V_(0x1000000), pa, 0, U | R)) == Errno::Inval);
    CHECK(err(u.map(V_(0x1000000), pa, PG / 2, U | R)) == Errno::Inval);
    CHECK(err(u.map(V_(uint64_t{1} << 39), pa, PG, U | R)) == Errno::Inval); // non-canonical
    CHECK(err(u.map(V_(arch::USER_TOP - PG), pa, 2 * PG, U | R)) == Errno::Inval); // into the hole
    CHECK(err(u.map(V_(KSTK), pa, PG, R)) == Errno::Inval);  // kernel half in a user table
    CHECK(err(k.map(V_(0xfffffffffffff000), pa, 2 * PG, R | G)) == Errno::Inval); // wraps
    CHECK(err(u.map(V_(0x1000000), P_(uint64_t{1} << 56), PG, U | R)) == Errno::Inval);
    CHECK(err(u.map(V_(0x1000000), P_((uint64_t{1} << 56) - PG), 2 * PG, U | R)) == Errno::Inval);

    // Permissions.
    CHECK(err(u.map(V_(0x1000000), pa, PG, 0)) == Errno::Inval);
    CHECK(err(u.map(V_(0x1000000), pa, PG, U)) == Errno::Inval);         // no R, W or X
    CHECK(err(u.map(V_(0x1000000), pa, PG, U | W)) == Errno::Inval);     // W without R
    CHECK(err(u.map(V_(0x1000000), pa, PG, U | W | X)) == Errno::Inval); // W without R
    CHECK(err(u.map(V_(0x1000000), pa, PG, U | R | A)) == Errno::Inval); // not the caller's bits
    CHECK(err(u.map(V_(0x1000000), pa, PG, U | R | V)) == Errno::Inval);
    CHECK(err(u.map(V_(0x1000000), pa, PG, U | R | W | D)) == Errno::Inval);
    CHECK(err(u.map(V_(0x1000000), pa, PG, U | R | (1u << 8))) == Errno::Inval); // RSW
    CHECK(err(u.map(V_(0x1000000), pa, PG, U | R | G)) == Errno::Inval);  // user and global
    CHECK(err(k.map(V_(0x1000000), pa, PG, R | G)) == Errno::Inval);      // global, lower half
    CHECK(err(k.map(V_(KSTK), pa, PG, U | R)) == Errno::Inval);           // user, upper half

    // Overlaps: a page inside the range; a superpage partly inside.
    CHECK(err(u.map(V_(0x3000), pa, 5 * PG, U | R)) == Errno::Exist);
    CHECK(!u.lookup(V_(0x3000)));
    CHECK(err(u.map(V_(0x5000), pa, PG, U | R)) == Errno::Exist);
    CHECK(err(k.map(V_(DMAP + MiB2 - PG), pa, 2 * PG, R | G)) == Errno::Exist);
    CHECK(!k.lookup(V_(DMAP + MiB2)));
    CHECK(err(k.map(V_(DMAP), pa, 2 * MiB2, R | G, PageSizes::Super)) == Errno::Exist);
    CHECK(err(k.map(V_(DMAP - PG), pa, 2 * PG, R | G)) == Errno::Inval); // below: non-canonical

    // unmap and protect check the range (and protect the permissions) too.
    CHECK(err(u.unmap(V_(0x5000), 0)) == Errno::Inval);
    CHECK(err(u.unmap(V_(0x5800), PG)) == Errno::Inval);
    CHECK(err(u.unmap(V_(KSTK), PG)) == Errno::Inval);
    CHECK(err(u.protect(V_(0x5000), PG, U | W)) == Errno::Inval);
    CHECK(err(u.protect(V_(0x5000), PG, U | R | G)) == Errno::Inval);
    CHECK(err(u.protect(V_(uint64_t{1} << 40), PG, U | R)) == Errno::Inval);
    CHECK(k.reserve_kernel_roots(V_(0x1000), PG).error() == Errno::Inval); // lower half

    CHECK(e.src.in_use() == pages);
    CHECK(u.lookup(V_(0x5000)).pa == P_(0x90005000));
    CHECK(k.lookup(V_(DMAP)).level == 1);
}

TEST_CASE("pagetable: map out of memory at every allocation point leaves no trace")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        PageTable u = make_user(e, k, 6);
        run(u.map(V_(0x1000), P_(0x90001000), PG, U | R)); // root[0] -> L1 -> L0
        const size_t baseline = e.src.in_use();

        // One page at the top of the first GiB (a new level-0 table under the
        // existing level-1 one), then 2 MiB + 4 KiB in the second GiB (a new
        // level-1 table and two level-0 tables): four allocations.
        const VirtAddr va = V_(GiB - PG);
        const uint64_t len = PG + MiB2 + PG;
        long n = 0;
        for (;; n++) {
            e.src.fail_after(n);
            Result<TlbFlush> r = u.map(va, P_(0xa0000000), len, U | R | W);
            e.src.no_fail();
            if (r.ok()) {
                r.value().execute();
                break;
            }
            CAPTURE(n);
            CHECK(r.error() == Errno::NoMem);
            CHECK(e.src.in_use() == baseline);
            for (uint64_t off = 0; off < len; off += PG) CHECK(!u.lookup(va + off));
            CHECK(u.lookup(V_(0x1000)).pa == P_(0x90001000));
        }
        CHECK(n == 4);
        CHECK(e.src.in_use() == baseline + 4);
        CHECK(u.lookup(va + len - PG).pa == P_(0xa0000000 + len - PG));

        // The kernel half: level-1 tables under root entries are permanent,
        // so each one made before the failure stays (and only those).  A
        // fresh kernel table each round, so every allocation point is hit.
        const VirtAddr kva = V_(DMAP + GiB - PG);
        const size_t kbase = e.src.in_use();
        for (n = 0;; n++) {
            CAPTURE(n);
            PageTable k2 = make_kernel(e); // no user table shares its root entries
            e.src.fail_after(n);
            Result<TlbFlush> r = k2.map(kva, P_(0x80000000 - PG), len, R | G, PageSizes::Super);
            e.src.no_fail();
            if (r.ok()) {
                r.value().execute();
                CHECK(e.src.in_use() == kbase + 1 + 4);
                CHECK(k2.lookup(kva).pa == P_(0x80000000 - PG));
                CHECK(k2.lookup(kva + PG).level == 1);
                CHECK(k2.lookup(kva + PG + MiB2).level == 0);
                break;
            }
            CHECK(r.error() == Errno::NoMem);
            CHECK(e.src.in_use() == kbase + 1 + kernel_roots(k2));
            for (uint64_t off = 0; off < len; off += PG) CHECK(!k2.lookup(kva + off));
        }
        CHECK(n == 4);
        CHECK(e.src.in_use() == kbase);
    }
}

TEST_CASE("pagetable: unmap and protect out of memory while splitting change nothing")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        PageTable u = make_user(e, k, 8);
        const size_t empty = e.src.in_use();
        run(u.map(V_(GiB), P_(0x80000000), GiB, U | R | W, PageSizes::Super));
        const uint64_t probes[] = {GiB, GiB + 3 * MiB2 - PG, GiB + 3 * MiB2, GiB + 3 * MiB2 + 5 * PG,
                                   GiB + 4 * MiB2, 2 * GiB - PG};
        auto same_as_before = [&] {
            for (uint64_t v : probes) {
                const Translation t = u.lookup(V_(v + 8));
                CHECK(t.pa == P_(0x80000000 + (v - GiB) + 8));
                CHECK(t.flags == (V | U | R | W | A | D));
            }
        };

        for (int op = 0; op < 2; op++) {
            CAPTURE(op);
            const VirtAddr cut = V_(GiB + 3 * MiB2 + 5 * PG);
            long n = 0;
            for (;; n++) {
                e.src.fail_after(n);
                Result<TlbFlush> r = op == 0 ? u.unmap(cut, PG) : u.protect(cut, PG, U | R);
                e.src.no_fail();
                if (r.ok()) {
                    r.value().execute();
                    break;
                }
                CAPTURE(n);
                CHECK(r.error() == Errno::NoMem);
                same_as_before();
            }
            CHECK(n == (op == 0 ? 2 : 0)); // the unmap did the splits for protect
            if (op == 0) {
                CHECK(!u.lookup(cut));
                run(u.map(cut, P_(0x80000000 + 3 * MiB2 + 5 * PG), PG, U | R | W));
            } else {
                CHECK(u.lookup(cut).flags == (V | U | R | A));
            }
        }
        run(u.unmap(V_(GiB), GiB));
        CHECK(e.src.in_use() == empty);
    }
}

TEST_CASE("pagetable: tables freed by unmap go back only after the flush")
{
    Env e(0x40000000);
    PageTable k = make_kernel(e);
    PageTable u = make_user(e, k, 5);
    const size_t before = e.src.in_use();
    run(u.map(V_(0x10000000), P_(0x90000000), PG, U | R));
    CHECK(e.src.in_use() == before + 2);
    Result<TlbFlush> r = u.unmap(V_(0x10000000), PG);
    REQUIRE(r.ok());
    CHECK(r.value().whole_space());
    CHECK(r.value().deferred_frees() == 2);
    CHECK(e.src.in_use() == before + 2); // not yet
    const uint64_t flushes = e.sim.flushes();
    r.value().execute();
    CHECK(e.sim.flushes() == flushes + 1);
    CHECK(e.src.in_use() == before);
}

TEST_CASE("pagetable: destroy frees every table page, after its flush")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        REQUIRE(k.reserve_kernel_roots(V_(KSTK), 4 * GiB).ok());
        run(k.map(V_(KSTK + 3 * GiB + 7 * PG), P_(0x80007000), 3 * PG, R | W | G));
        run(k.map(V_(DMAP), P_(0), 4 * GiB, R | W | G, PageSizes::Super));
        const size_t kernel_pages = e.src.in_use();
        {
            PageTable u = make_user(e, k, 11);
            run(u.map(V_(0x10000), P_(0x90000000), 40 * PG, U | R));
            run(u.map(V_(0x7f000000), P_(0x91000000), MiB2 + PG, U | R | W));
            run(u.map(V_(5 * GiB), P_(0x40000000), GiB, U | R, PageSizes::Super));
            const size_t user_pages = e.src.in_use() - kernel_pages;
            CHECK(user_pages == 1 + 2 + 3);
            TlbFlush f = u.destroy();
            CHECK(!u.live());
            CHECK(f.whole_space());
            CHECK(f.asid() == 11);
            CHECK(f.deferred_frees() == user_pages);
            CHECK(e.src.in_use() == kernel_pages + user_pages);
            f.execute();
            CHECK(e.src.in_use() == kernel_pages);
        }
        {
            // The destructor destroys (and flushes) a live table.
            PageTable u = make_user(e, k, 12);
            run(u.map(V_(0x10000), P_(0x90000000), PG, U | R));
        }
        CHECK(e.src.in_use() == kernel_pages);
        // The kernel's still translate.
        CHECK(k.lookup(V_(KSTK + 3 * GiB + 8 * PG)).pa == P_(0x80008000));
        CHECK(k.lookup(V_(DMAP + 3 * GiB + 5)).pa == P_(3 * GiB + 5));
        TlbFlush f = k.destroy();
        f.execute();
        CHECK(e.src.in_use() == 0);
        CHECK(e.src.allocs() == e.src.frees());
    }
}

TEST_CASE("pagetable: the kernel half is shared by every user table")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        run(k.map(V_(DMAP), P_(0), 2 * GiB, R | W | G, PageSizes::Super));
        REQUIRE(k.reserve_kernel_roots(V_(KSTK), 16 * GiB).ok());
        CHECK(kernel_roots(k) == 2 + 16);
        run(k.map(V_(KSTK + PG), P_(0x80001000), PG, R | W | G));

        PageTable u1 = make_user(e, k, 21);
        PageTable u2 = make_user(e, k, 22);
        for (unsigned i = 256; i < 512; i++) {
            CHECK(raw_table(u1.root())[i] == raw_table(k.root())[i]);
            CHECK(raw_table(u2.root())[i] == raw_table(k.root())[i]);
        }
        run(u1.map(V_(0x10000), P_(0x90000000), PG, U | R | W));

        e.sim.set_satp(u1.root(), u1.asid());
        SimResult r = e.sim.translate(V_(KSTK + PG + 4), Access::Write, Priv::Supervisor);
        CHECK(r.ok());
        CHECK(r.pa == P_(0x80001004));
        CHECK(e.sim.translate(V_(DMAP + GiB + 8), Access::Read, Priv::Supervisor).pa ==
              P_(GiB + 8));
        CHECK(e.sim.translate(V_(KSTK + PG), Access::Read, Priv::User).why == FaultWhy::NotUser);
        CHECK(e.sim.translate(V_(0x10000), Access::Write, Priv::User).ok());

        // A kernel mapping made after the user tables exist reaches them all.
        run(k.map(V_(KSTK + 9 * GiB + PG), P_(0x80002000), PG, R | G));
        CHECK(u1.lookup(V_(KSTK + 9 * GiB + PG)).pa == P_(0x80002000));
        CHECK(u2.lookup(V_(KSTK + 9 * GiB + PG)).pa == P_(0x80002000));
        e.sim.set_satp(u2.root(), u2.asid());
        CHECK(e.sim.translate(V_(KSTK + 9 * GiB + PG), Access::Read, Priv::Supervisor).pa ==
              P_(0x80002000));
        CHECK(e.sim.translate(V_(0x10000), Access::Read, Priv::User).why == FaultWhy::Invalid);

        // And unmapping it leaves every address space (global entries are
        // flushed everywhere by the kernel's ASID-0 flush).
        run(k.unmap(V_(KSTK + 9 * GiB + PG), PG));
        CHECK(!u1.lookup(V_(KSTK + 9 * GiB + PG)));
        CHECK(e.sim.translate(V_(KSTK + 9 * GiB + PG), Access::Read, Priv::Supervisor).why ==
              FaultWhy::Invalid);

        // A user table's destroy leaves the shared kernel tables alone.
        const size_t with_users = e.src.in_use();
        TlbFlush f = u1.destroy();
        f.execute();
        CHECK(e.src.in_use() == with_users - 3);
        e.sim.set_satp(k.root(), 0);
        CHECK(e.sim.translate(V_(KSTK + PG), Access::Read, Priv::Supervisor).pa ==
              P_(0x80001000));
        CHECK(u2.lookup(V_(KSTK + PG)).pa == P_(0x80001000));
    }
}

TEST_CASE("pagetable: leaves carry A (and D when writable), pointers carry no A/D/U")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        run(k.map(V_(KSTK), P_(0x80000000), 4 * PG, R | W | G));
        run(k.map(V_(KSTK + MiB2), P_(0x80200000), MiB2, R | X | G, PageSizes::Super));
        PageTable u = make_user(e, k, 13);
        run(u.map(V_(0x10000), P_(0x90000000), PG, U | R | X));
        run(u.map(V_(0x20000), P_(0x90001000), PG, U | R | W));
        run(u.map(V_(0x30000), P_(0x90002000), PG, U | R));
        CHECK(check_tree(k.root(), 2) == 5);
        CHECK(check_tree(u.root(), 2, 0, 256) == 3);

        // The strict MMU accepts them as they are: no A/D fault anywhere.
        e.sim.set_satp(u.root(), u.asid());
        CHECK(e.sim.translate(V_(KSTK + 8), Access::Write, Priv::Supervisor).ok());
        CHECK(e.sim.translate(V_(KSTK + MiB2), Access::Execute, Priv::Supervisor).ok());
        CHECK(e.sim.translate(V_(0x10000), Access::Execute, Priv::User).ok());
        CHECK(e.sim.translate(V_(0x20000), Access::Write, Priv::User).ok());
        CHECK(e.sim.translate(V_(0x30000), Access::Read, Priv::User).ok());
        CHECK(e.sim.translate(V_(0x30000), Access::Write, Priv::User).why == FaultWhy::NoWrite);

        // Clear A in one of these leaves behind the code's back: it faults.
        const uint64_t va = 0x20000;
        PhysAddr t = u.root();
        for (unsigned level = 2; level > 0; level--)
            t = arch::Pte{raw_table(t)[arch::pt_index(V_(va), level)]}.pa();
        uint64_t& leaf = raw_table(t)[arch::pt_index(V_(va), 0)];
        leaf &= ~A;
        e.sim.flush_all();
        CHECK(e.sim.translate(V_(va), Access::Read, Priv::User).why == FaultWhy::AccessedClear);
        leaf |= A;
        leaf &= ~D;
        e.sim.flush_all();
        CHECK(e.sim.translate(V_(va), Access::Read, Priv::User).ok());
        CHECK(e.sim.translate(V_(va), Access::Write, Priv::User).why == FaultWhy::DirtyClear);
        leaf |= D;
    }
}

TEST_CASE("pagetable: user and supervisor access through the simulator")
{
    Env e(0x80000000);
    PageTable k = make_kernel(e);
    run(k.map(V_(KSTK), P_(0x80000000), PG, R | W | G));
    PageTable u = make_user(e, k, 14);
    run(u.map(V_(0x10000), P_(0x90000000), PG, U | R | X)); // text
    run(u.map(V_(0x20000), P_(0x90001000), PG, U | R | W)); // data
    e.sim.set_satp(u.root(), u.asid());
    auto tr = [&](uint64_t va, Access a, Priv p) { return e.sim.translate(V_(va), a, p); };

    CHECK(tr(0x10000, Access::Execute, Priv::User).ok());
    CHECK(tr(0x10000, Access::Write, Priv::User).why == FaultWhy::NoWrite);
    CHECK(tr(0x20000, Access::Write, Priv::User).pa == P_(0x90001000));
    CHECK(tr(0x20000, Access::Execute, Priv::User).why == FaultWhy::NoExec);
    CHECK(tr(KSTK, Access::Read, Priv::User).why == FaultWhy::NotUser);

    CHECK(tr(0x20000, Access::Read, Priv::Supervisor).why == FaultWhy::UserPageNoSum);
    e.sim.set_sum(true); // copyin/copyout
    CHECK(tr(0x20000, Access::Read, Priv::Supervisor).ok());
    CHECK(tr(0x20000, Access::Write, Priv::Supervisor).ok());
    CHECK(tr(0x10000, Access::Execute, Priv::Supervisor).why == FaultWhy::SupervisorExecU);
    CHECK(tr(KSTK, Access::Write, Priv::Supervisor).ok());
}

TEST_CASE("pagetable: without the flush the TLB is stale; with it, coherent")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        PageTable u = make_user(e, k, 15);
        run(u.map(V_(0x10000), P_(0x90000000), 2 * PG, U | R | W));
        e.sim.set_satp(u.root(), u.asid());
        auto tr = [&](uint64_t va, Access a) { return e.sim.translate(V_(va), a, Priv::User); };
        REQUIRE(tr(0x10000, Access::Write).ok());
        REQUIRE(tr(0x11000, Access::Write).ok());

        // unmap, flush withheld: the old translation still works.
        Result<TlbFlush> r = u.unmap(V_(0x10000), PG);
        REQUIRE(r.ok());
        CHECK(!u.lookup(V_(0x10000)));
        SimResult stale = tr(0x10000, Access::Write);
        CHECK(stale.ok());
        CHECK(stale.pa == P_(0x90000000));
        r.value().execute();
        CHECK(tr(0x10000, Access::Write).why == FaultWhy::Invalid);

        // protect down to read-only, flush withheld: stores still go through.
        Result<TlbFlush> p = u.protect(V_(0x11000), PG, U | R);
        REQUIRE(p.ok());
        CHECK(tr(0x11000, Access::Write).ok());
        p.value().execute();
        CHECK(tr(0x11000, Access::Write).why == FaultWhy::NoWrite);
        CHECK(tr(0x11000, Access::Read).ok());

        // A new mapping over a cached invalid entry: Sprig flushes that too.
        CHECK(tr(0x50000, Access::Read).why == FaultWhy::Invalid);
        Result<TlbFlush> m = u.map(V_(0x50000), P_(0x90050000), PG, U | R);
        REQUIRE(m.ok());
        CHECK(m.value().page_count() == 1);
        CHECK(m.value().page(0) == V_(0x50000));
        CHECK(tr(0x50000, Access::Read).why == FaultWhy::Invalid); // still the cached miss
        m.value().execute();
        CHECK(tr(0x50000, Access::Read).pa == P_(0x90050000));
    }
}

TEST_CASE("pagetable: enter_page rewrites a mapped page in place, flushing just that page")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base);
        PageTable k = make_kernel(e);
        PageTable u = make_user(e, k, 16);
        run(u.map(V_(0x20000), P_(0x90020000), 2 * PG, U | R | X));
        e.sim.set_satp(u.root(), u.asid());
        auto tr = [&](uint64_t va, Access a) { return e.sim.translate(V_(va), a, Priv::User); };
        REQUIRE(tr(0x20000, Access::Read).ok()); // both read-only entries cached
        REQUIRE(tr(0x21000, Access::Read).ok());
        const size_t tables = e.src.in_use();
        const uint64_t neighbour = u.lookup(V_(0x21000)).flags;

        // A permission upgrade: same pa, W (and D) added, X and U kept, one
        // flush naming that page only; no table page made or freed.
        uint64_t old = 0;
        Result<TlbFlush> up = u.enter_page(V_(0x20000), P_(0x90020000), U | R | W | X, &old);
        REQUIRE(up.ok());
        CHECK(old == (V | U | R | X | A));
        CHECK(!up.value().whole_space());
        CHECK(up.value().deferred_frees() == 0);
        REQUIRE(up.value().page_count() == 1);
        CHECK(up.value().page(0) == V_(0x20000));
        const Translation t = u.lookup(V_(0x20000));
        CHECK(t.pa == P_(0x90020000));
        CHECK(t.level == 0);
        CHECK(t.flags == (V | U | R | W | X | A | D));
        // The stale read-only entry is still in the TLB until the flush runs.
        CHECK(tr(0x20000, Access::Write).why == FaultWhy::NoWrite);
        up.value().execute();
        CHECK(tr(0x20000, Access::Write).pa == P_(0x90020000));
        CHECK(u.lookup(V_(0x21000)).flags == neighbour);
        CHECK(tr(0x21000, Access::Write).why == FaultWhy::NoWrite);
        CHECK(e.src.in_use() == tables);

        // A new page in place (a copy-on-write break): the cached entry
        // keeps reading the old page until the flush.
        Result<TlbFlush> cow = u.enter_page(V_(0x21000), P_(0x90071000), U | R | W);
        REQUIRE(cow.ok());
        REQUIRE(cow.value().page_count() == 1);
        CHECK(cow.value().page(0) == V_(0x21000));
        CHECK(tr(0x21000, Access::Read).pa == P_(0x90021000));
        cow.value().execute();
        CHECK(tr(0x21000, Access::Write).pa == P_(0x90071000));
        CHECK(u.lookup(V_(0x20000)).pa == P_(0x90020000));

        // The same entry again changes nothing and needs no flush.
        Result<TlbFlush> same = u.enter_page(V_(0x21000), P_(0x90071000), U | R | W);
        REQUIRE(same.ok());
        CHECK(!same.value().pending());

        // An unmapped page: its tables are made and counted as map's are.
        CHECK(tr(0x40000000, Access::Read).why == FaultWhy::Invalid);
        old = ~uint64_t{0};
        run(u.enter_page(V_(0x40000000), P_(0x90030000), U | R, &old));
        CHECK(old == 0);
        CHECK(tr(0x40000000, Access::Read).pa == P_(0x90030000));
        CHECK(e.src.in_use() == tables + 2);
        CHECK(check_tree(u.root(), 2, 0, 256) == 3);
        run(u.unmap(V_(0x40000000), PG));
        CHECK(e.src.in_use() == tables);

        // Bad arguments, and a superpage in the way, change nothing.
        CHECK(err(u.enter_page(V_(0x20800), P_(0x90020000), U | R)) == Errno::Inval);
        CHECK(err(u.enter_page(V_(0x20000), P_(0x90020800), U | R)) == Errno::Inval);
        CHECK(err(u.enter_page(V_(0x20000), P_(0x90020000), U | W)) == Errno::Inval);
        CHECK(err(u.enter_page(V_(DMAP), P_(0x90020000), R)) == Errno::Inval);
        PageTable k2 = make_kernel(e); // no user table shares its root entries
        run(k2.map(V_(DMAP), P_(base), MiB2, R | W | G, PageSizes::Super));
        const size_t with_k2 = e.src.in_use();
        CHECK(err(k2.enter_page(V_(DMAP + PG), P_(0x90020000), R | G)) == Errno::Inval);
        CHECK(k2.lookup(V_(DMAP + PG)).level == 1);
        CHECK(k2.lookup(V_(DMAP + PG)).pa == P_(base + PG));
        CHECK(e.src.in_use() == with_k2);
        k2.destroy().execute();
        CHECK(u.lookup(V_(0x20000)).flags == (V | U | R | W | X | A | D));

        // Out of memory at each table it needs: no trace left.
        long n = 0;
        for (;; n++) {
            e.src.fail_after(n);
            Result<TlbFlush> r = u.enter_page(V_(0x80000000), P_(0x90040000), U | R);
            e.src.no_fail();
            if (r.ok()) {
                r.value().execute();
                break;
            }
            CHECK(r.error() == Errno::NoMem);
            CHECK(e.src.in_use() == tables);
            CHECK(!u.lookup(V_(0x80000000)));
            CHECK(u.lookup(V_(0x21000)).pa == P_(0x90071000));
        }
        CHECK(n == 2);
        CHECK(u.lookup(V_(0x80000000)).pa == P_(0x90040000));
    }
}

TEST_CASE("pagetable: a freed table needs the whole-space flush, not a page flush")
{
    for (int correct = 0; correct < 2; correct++) {
        CAPTURE(correct);
        Env e(0x80000000);
        PageTable k = make_kernel(e);
        PageTable u = make_user(e, k, 16);
        e.sim.set_satp(u.root(), u.asid());
        // Three 2 MiB-aligned pages of one GiB: c keeps the level-1 table alive.
        const uint64_t a = 0x10000000, b = 0x20000000, c = 0x30000000;
        run(u.map(V_(c), P_(0xb0000000), PG, U | R));
        run(u.map(V_(a), P_(0x90000000), PG, U | R));
        REQUIRE(e.sim.translate(V_(a), Access::Read, Priv::User).ok()); // caches the pointers

        Result<TlbFlush> r = u.unmap(V_(a), PG); // frees a's level-0 table
        REQUIRE(r.ok());
        CHECK(r.value().whole_space());
        CHECK(r.value().deferred_frees() == 1);
        if (correct) {
            r.value().execute();
        } else {
            // What a page-table code that forgot about cached pointers would do.
            arch::tlb_flush_page(V_(a), u.asid());
            r.value().dismiss();
        }
        // The freed page comes straight back as b's level-0 table.
        run(u.map(V_(b), P_(0xa0000000), PG, U | R));
        SimResult s = e.sim.translate(V_(a), Access::Read, Priv::User);
        CHECK(!u.lookup(V_(a)));
        if (correct) {
            CHECK(s.why == FaultWhy::Invalid);
        } else {
            // Walked from the stale pointer into what is now b's table.
            CHECK(s.ok());
            CHECK(s.pa == P_(0xa0000000));
        }
    }
}

namespace {

// Compares every table's valid-entry count (what emptiness is decided by)
// with a scan of its entries, down the whole tree; the number of tables.
unsigned check_counts(ArenaPtSource& src, PhysAddr table, unsigned level, unsigned first = 0,
                      unsigned last = 512)
{
    const uint64_t* t = raw_table(table);
    unsigned valid = 0, tables = 1;
    for (unsigned i = 0; i < 512; i++) {
        if (!(t[i] & V)) continue;
        valid++;
        const bool leaf = (t[i] & (R | W | X)) != 0;
        if (!leaf && level > 0 && i >= first && i < last)
            tables += check_counts(src, PhysAddr((t[i] >> 10) << 12), level - 1);
    }
    CHECK_MESSAGE(src.valid_count(table) == valid, "table ", table.value(), " at level ", level);
    return tables;
}

struct ModelPage {
    uint64_t pa;
    uint64_t perms;
};

// Random map/unmap/protect over a 16 MiB region that straddles a 1 GiB
// boundary, checking after every operation, for every page, that lookup()
// agrees with a plain page map and that the simulator (TLB warm from the
// previous round) agrees with both.
void random_ops(uint64_t base, bool kernel, uint64_t seed)
{
    Env e(base, 4096);
    PageTable k = make_kernel(e);
    if (kernel) REQUIRE(k.reserve_kernel_roots(V_(DMAP), 2 * GiB).ok());
    PageTable u = make_user(e, k, 30);
    PageTable& pt = kernel ? k : u;
    const uint64_t region = kernel ? DMAP + GiB - 4 * MiB2 : GiB - 4 * MiB2;
    const uint64_t npages = 16 * MiB2 / PG / 2; // 16 MiB
    const uint64_t pa0 = uint64_t{1} << 36;      // 1 GiB-aligned, far from the arena
    const uint64_t extra = kernel ? G : U;
    const Priv priv = kernel ? Priv::Supervisor : Priv::User;
    const uint64_t perm_choices[] = {R, R | W, R | X, R | W | X, X};
    e.sim.set_satp(pt.root(), pt.asid());

    std::mt19937_64 rng(seed);
    auto pick = [&](uint64_t n) { return rng() % n; };
    std::map<uint64_t, ModelPage> model;

    for (int step = 0; step < 150; step++) {
        CAPTURE(step);
        // Ranges often start on 2 MiB boundaries and span whole superpages.
        uint64_t first = pick(npages);
        if (pick(2)) first &= ~uint64_t{511};
        uint64_t count = pick(3) == 0 ? 512 * (1 + pick(3)) : 1 + pick(600);
        if (first + count > npages) count = npages - first;
        const VirtAddr va = V_(region + first * PG);
        const uint64_t perms = perm_choices[pick(5)] | extra;
        const int op = static_cast<int>(pick(4));

        if (op <= 1) { // map
            const uint64_t pa = pa0 + first * PG + (pick(4) == 0 ? PG : 0);
            const PageSizes sizes = pick(3) ? PageSizes::Super : PageSizes::Small;
            bool overlap = false;
            for (uint64_t i = first; i < first + count; i++) overlap = overlap || model.count(i);
            Result<TlbFlush> r = pt.map(va, P_(pa), count * PG, perms, sizes);
            if (overlap) {
                CHECK(!r.ok());
                CHECK(r.error() == Errno::Exist);
            } else {
                REQUIRE(r.ok());
                r.value().execute();
                for (uint64_t i = 0; i < count; i++)
                    model[first + i] = ModelPage{pa + i * PG, perms};
            }
        } else if (op == 2) {
            run(pt.unmap(va, count * PG));
            for (uint64_t i = first; i < first + count; i++) model.erase(i);
        } else {
            run(pt.protect(va, count * PG, perms));
            for (uint64_t i = first; i < first + count; i++)
                if (auto it = model.find(i); it != model.end()) it->second.perms = perms;
        }

        // Kernel tables: the direct-map's own level-1 tables are counted
        // too (their entries are this test's).
        check_counts(e.src, pt.root(), 2, 0, kernel ? 512 : 256);
        for (uint64_t i = 0; i < npages; i++) {
            const VirtAddr pva = V_(region + i * PG);
            const Translation t = pt.lookup(pva);
            const SimResult rd = e.sim.translate(pva, Access::Read, priv);
            const SimResult wr = e.sim.translate(pva, Access::Write, priv);
            auto it = model.find(i);
            if (it == model.end()) {
                CHECK(!t.valid());
                CHECK(rd.why == FaultWhy::Invalid);
                CHECK(wr.why == FaultWhy::Invalid);
                continue;
            }
            const ModelPage& m = it->second;
            REQUIRE(t.valid());
            CHECK(t.pa == P_(m.pa));
            CHECK((t.flags & (R | W | X | U | G)) == m.perms);
            CHECK(rd.ok() == ((m.perms & R) != 0));
            CHECK(wr.ok() == ((m.perms & W) != 0));
            if (rd.ok()) CHECK(rd.pa == P_(m.pa));
            if (wr.ok()) CHECK(wr.pa == P_(m.pa));
        }
    }
    CHECK(check_tree(pt.root(), 2, 0, kernel ? 512 : 256) > 0);
    // Empty it: only the roots (and the kernel's two reserved level-1
    // tables) remain.
    run(pt.unmap(V_(region), npages * PG));
    CHECK(e.src.in_use() == (kernel ? 2 + 2 : 2));
}

} // namespace

TEST_CASE("pagetable: random operations keep lookup, a model and the warm TLB in step")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        random_ops(base, true, 0x5eed0001 + base);  // kernel table, superpages
        random_ops(base, false, 0x5eed0002 + base); // user table
    }
}

// Table pages carry a count of their valid entries; a page given back with
// a count of 0 is zero but for the flush's link word (ArenaPtSource checks
// that on every free): what lets the kernel's source pool it as pre-zeroed.
TEST_CASE("pagetable: counts stay exact; unmap and destroy give back zeroed table pages")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Env e(base, 2048);
        PageTable k = make_kernel(e);
        PageTable u = make_user(e, k, 7);
        CHECK(e.src.valid_count(u.root()) == 0); // the kernel half is empty here
        std::mt19937_64 rng(base);
        std::map<uint64_t, bool> mapped; // page number -> mapped
        // Pages spread over 3 level-1 and 120 level-0 tables.
        for (int step = 0; step < 2000; step++) {
            CAPTURE(step);
            const uint64_t page = (rng() % 3) * (GiB / PG) + (rng() % 40) * 512 + rng() % 8;
            const VirtAddr va = V_(page * PG);
            if (mapped[page]) {
                run(u.unmap(va, PG));
                mapped[page] = false;
            } else if (rng() % 4 == 0) {
                run(u.protect(va, PG, R | U)); // a hole: nothing changes
            } else {
                run(u.map(va, P_(0x100000000 + page * PG), PG, R | W | U));
                mapped[page] = true;
            }
            if (step % 50 == 0) check_counts(e.src, u.root(), 2, 0, 256);
        }
        const unsigned tables = check_counts(e.src, u.root(), 2, 0, 256);
        CHECK(tables == e.src.in_use() - 1); // all but the kernel's root
        const uint64_t zero_before = e.src.zero_frees();
        // Restricting the whole user half to read-only touches only pages.
        run(u.restrict(V_(0), 256 * GiB, R | U));
        check_counts(e.src, u.root(), 2, 0, 256);
        // Unmapping everything prunes every table, each one zero.
        const uint64_t frees = e.src.frees();
        run(u.unmap(V_(0), 256 * GiB));
        CHECK(e.src.in_use() == 2);
        CHECK(e.src.frees() - frees == tables - 1);
        CHECK(e.src.zero_frees() - zero_before == tables - 1);
        CHECK(e.src.valid_count(u.root()) == 0);
        // Map again, then destroy without unmapping (exit): every table,
        // the root too, comes back cleared.
        for (uint64_t i = 0; i < 40; i++)
            run(u.map(V_(i * 3 * MiB2 + PG * i), P_(0x100000000 + i * PG), PG, R | U));
        const unsigned tables2 = check_counts(e.src, u.root(), 2, 0, 256);
        const uint64_t z = e.src.zero_frees();
        u.destroy().execute();
        CHECK(e.src.in_use() == 1);
        CHECK(e.src.zero_frees() - z == tables2);
        k.destroy().execute();
        CHECK(e.src.in_use() == 0);
    }
}

namespace {

// What exit's and fork's two-ended table scans must all meet: text at the
// bottom of the user half, a stack at its top, and pages between them,
// in the first, last and middle slots of their tables at every level.
constexpr uint64_t USER_TOP = 256 * GiB;
constexpr uint64_t EDGE_PAGES[] = {0,        PG,        255 * PG,        256 * PG,          511 * PG,
                                   MiB2 * 7, GiB * 100, USER_TOP - MiB2, USER_TOP - 2 * PG, USER_TOP - PG};
PhysAddr edge_pa(uint64_t off) { return P_(0x100000000 + off % GiB); }

void map_edge_pages(PageTable& u)
{
    for (uint64_t off : EDGE_PAGES) run(u.map(V_(off), edge_pa(off), PG, R | W | U));
}

} // namespace

TEST_CASE("pagetable: destroy finds entries at both ends and in the middle of a table")
{
    Env e(0x80000000, 2048);
    PageTable k = make_kernel(e);
    PageTable u = make_user(e, k, 7);
    // Exit scans each table from both ends at once.
    map_edge_pages(u);
    const unsigned tables = check_counts(e.src, u.root(), 2, 0, 256);
    const uint64_t z = e.src.zero_frees();
    u.destroy().execute();
    CHECK(e.src.in_use() == 1);
    CHECK(e.src.zero_frees() - z == tables);
    k.destroy().execute();
    CHECK(e.src.in_use() == 0);
}

TEST_CASE("pagetable: protect finds entries at both ends and in the middle of a table")
{
    Env e(0x80000000, 2048);
    PageTable k = make_kernel(e);
    PageTable u = make_user(e, k, 7);
    // Fork protects each map entry's whole range, scanning each table from
    // both ends until it has met every valid entry.
    const uint64_t top = USER_TOP;
    map_edge_pages(u);
    const auto flags = [&](uint64_t off) {
        const Translation t = u.lookup(V_(off));
        REQUIRE(t.pa == edge_pa(off));
        return t.flags & (R | W | X | U);
    };
    // Everything but the first and last page: the scan of each range
    // stops short of entries outside it only when it has seen them all.
    auto r = u.protect(V_(PG), top - 2 * PG, R | U);
    REQUIRE(r.ok());
    r.value().execute();
    for (uint64_t off : EDGE_PAGES) {
        INFO("page " << off);
        CHECK(flags(off) == (off == 0 || off == top - PG ? (R | W | U) : (R | U)));
    }
    // A range between two tables' entries (holes only) changes nothing.
    run(u.protect(V_(512 * PG), MiB2 * 7 - 512 * PG, R | X | U));
    CHECK(flags(511 * PG) == (R | U));
    CHECK(flags(MiB2 * 7) == (R | U));
    // restrict takes W from the whole half, wherever it is left.
    run(u.protect(V_(0), top, R | W | U));
    run(u.restrict(V_(0), top, R | X | U));
    for (uint64_t off : EDGE_PAGES) {
        INFO("page " << off);
        CHECK(flags(off) == (R | U));
    }
    check_counts(e.src, u.root(), 2, 0, 256);
    u.destroy().execute();
    k.destroy().execute();
    CHECK(e.src.in_use() == 0);
}

TEST_CASE("pagetable: create fails cleanly without memory")
{
    Env e(0x80000000);
    e.src.fail_after(0);
    Result<PageTable> k0 = PageTable::create_kernel(e.src);
    CHECK(k0.error() == Errno::NoMem);
    e.src.no_fail();
    PageTable k = make_kernel(e);
    e.src.fail_after(0);
    Result<PageTable> u0 = PageTable::create_user(e.src, 1, k);
    CHECK(u0.error() == Errno::NoMem);
    CHECK(k.reserve_kernel_roots(V_(KSTK), 2 * GiB).error() == Errno::NoMem);
    e.src.no_fail();
    CHECK(e.src.in_use() == 1);
}

TEST_CASE("tlb flush token: page list, cap, merge, and which flush it issues")
{
    Env e(0x80000000);
    // One global and one ASID-5 entry in the simulator's TLB.
    PageTable k = make_kernel(e);
    run(k.map(V_(KSTK), P_(0x80000000), PG, R | G));
    PageTable u = make_user(e, k, 5);
    run(u.map(V_(0x1000), P_(0x90000000), PG, U | R));
    e.sim.set_satp(u.root(), 5);
    REQUIRE(e.sim.translate(V_(KSTK), Access::Read, Priv::Supervisor).ok());
    REQUIRE(e.sim.translate(V_(0x1000), Access::Read, Priv::User).ok());

    TlbFlush a(5, &e.src);
    for (unsigned i = 0; i < TlbFlush::MAX_PAGES; i++) a.add_page(V_(0x100000 + i * PG));
    a.add_page(V_(0x100000)); // a repeat takes no slot
    CHECK(a.page_count() == TlbFlush::MAX_PAGES);
    CHECK(!a.whole_space());
    TlbFlush b(5, &e.src);
    b.add_page(V_(0x900000));
    a.merge(static_cast<TlbFlush&&>(b));
    CHECK(!b.pending());
    CHECK(a.whole_space()); // one page too many
    a.execute();            // flush_asid(5): the global entry survives
    CHECK(!a.pending());
    CHECK(e.sim.translate(V_(KSTK), Access::Read, Priv::Supervisor).from_tlb);
    CHECK(!e.sim.translate(V_(0x1000), Access::Read, Priv::User).from_tlb);

    TlbFlush c(0, &e.src);
    c.add_all();
    TlbFlush moved(static_cast<TlbFlush&&>(c));
    CHECK(!c.pending());
    moved.execute(); // ASID 0, whole space: flush_all
    CHECK(e.sim.tlb_entries() == 0);
}

TEST_CASE("tlb flush token: dropping one unexecuted panics")
{
    fflush(nullptr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // Quiet, and without doctest's crash handler in the way.
        signal(SIGABRT, SIG_DFL);
        const int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        {
            TlbFlush t(3, nullptr);
            t.add_page(VirtAddr(0x1000));
        } // KASSERT in the destructor: panic -> abort
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGABRT);
}
