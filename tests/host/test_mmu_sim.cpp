// The MMU simulator against page tables built by hand, entry by entry, so
// that its strictness is shown independently of mm/pagetable.
#include <doctest/doctest.h>

#include <arch/host_arena.h>
#include <kernel/machdep.h>
#include <arch/mmu_sim.h>
#include <arch/pte.h>

#include "pt_test_source.h"

namespace {

using namespace arch::pte;

constexpr uint64_t MiB = uint64_t{1} << 20;
constexpr uint64_t GiB = uint64_t{1} << 30;
constexpr uint64_t BASES[] = {0x80000000, 0x40000000};

// Raw Sv39 entries, written out from the spec's layout (PPN at bit 10).
uint64_t ptr_to(PhysAddr table) { return ((table.value() >> 12) << 10) | V; }
uint64_t leaf_to(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | V | flags; }

// Three hand-made tables: root -> l1 -> l0, used for va VA (root index 0,
// level-1 index 1, level-0 index 2).
struct Hand {
    static constexpr uint64_t VA = 1 * 2 * MiB + 2 * 0x1000; // 0x202000
    static constexpr uint64_t DATA = 0x90000000;            // a page we never touch

    HostArena arena;
    ArenaPtSource src{arena};
    MmuSim sim;
    PhysAddr root, l1, l0;

    explicit Hand(uint64_t base) : arena(PhysAddr(base), 64 * 4096)
    {
        root = src.alloc_table_page().value();
        l1 = src.alloc_table_page().value();
        l0 = src.alloc_table_page().value();
        set(root, 0, ptr_to(l1));
        set(l1, 1, ptr_to(l0));
        sim.set_satp(root, 1);
    }
    static void set(PhysAddr table, unsigned i, uint64_t raw)
    {
        static_cast<uint64_t*>(arch::phys_to_virt(table))[i] = raw;
    }
    SimResult read(uint64_t va, Priv p = Priv::Supervisor)
    {
        return sim.translate(VirtAddr(va), Access::Read, p);
    }
    SimResult write(uint64_t va, Priv p = Priv::Supervisor)
    {
        return sim.translate(VirtAddr(va), Access::Write, p);
    }
    SimResult exec(uint64_t va, Priv p = Priv::Supervisor)
    {
        return sim.translate(VirtAddr(va), Access::Execute, p);
    }
};

} // namespace

TEST_CASE("mmu sim: bare mode is the identity")
{
    HostArena arena(PhysAddr(0x80000000), 4096);
    MmuSim sim;
    SimResult r = sim.translate(VirtAddr(0x80001234), Access::Write, Priv::Supervisor);
    CHECK(r.ok());
    CHECK(r.pa == PhysAddr(0x80001234));
}

TEST_CASE("mmu sim: a 4 KiB leaf translates byte addresses; scause codes per access")
{
    for (uint64_t base : BASES) {
        CAPTURE(base);
        Hand h(base);
        Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | W | A | D));
        SimResult r = h.read(Hand::VA + 0x123);
        REQUIRE(r.ok());
        CHECK(r.pa == PhysAddr(Hand::DATA + 0x123));
        CHECK(r.level == 0);
        CHECK(h.write(Hand::VA + 8).pa == PhysAddr(Hand::DATA + 8));
        SimResult x = h.exec(Hand::VA);
        CHECK(x.why == FaultWhy::NoExec);
        CHECK(x.scause() == 12); // instruction page fault
        Hand::set(h.l0, 2, 0);
        h.sim.flush_all();
        CHECK(h.read(Hand::VA).scause() == 13);  // load page fault
        CHECK(h.write(Hand::VA).scause() == 15); // store/AMO page fault
    }
}

TEST_CASE("mmu sim: A and D are never set by the walker, their absence faults")
{
    Hand h(0x80000000);
    Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | W)); // no A, no D
    CHECK(h.read(Hand::VA).why == FaultWhy::AccessedClear);
    CHECK(h.write(Hand::VA).why == FaultWhy::AccessedClear);
    const uint64_t* pte = static_cast<uint64_t*>(arch::phys_to_virt(h.l0)) + 2;
    CHECK((*pte & (A | D)) == 0); // still clear: the sim wrote nothing

    Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | W | A)); // A, no D
    h.sim.flush_all();
    CHECK(h.read(Hand::VA).ok());
    CHECK(h.write(Hand::VA).why == FaultWhy::DirtyClear);
    CHECK((*pte & D) == 0);
}

TEST_CASE("mmu sim: reserved encodings fault")
{
    Hand h(0x40000000);
    SUBCASE("W without R")
    {
        Hand::set(h.l0, 2, leaf_to(Hand::DATA, W | A | D));
        CHECK(h.read(Hand::VA).why == FaultWhy::ReservedWR);
        Hand::set(h.l0, 2, leaf_to(Hand::DATA, W | X | A | D));
        CHECK(h.exec(Hand::VA).why == FaultWhy::ReservedWR);
    }
    SUBCASE("A, D or U on a pointer entry")
    {
        Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | A));
        REQUIRE(h.read(Hand::VA).ok());
        for (uint64_t bit : {A, D, U}) {
            h.sim.flush_all();
            Hand::set(h.l1, 1, ptr_to(h.l0) | bit);
            CHECK(h.read(Hand::VA).why == FaultWhy::NonLeafADU);
        }
    }
    SUBCASE("a pointer at level 0")
    {
        Hand::set(h.l0, 2, ptr_to(h.root));
        CHECK(h.read(Hand::VA).why == FaultWhy::PointerAtLevel0);
    }
    SUBCASE("bits 63..54")
    {
        Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | A) | (uint64_t{1} << 62));
        CHECK(h.read(Hand::VA).why == FaultWhy::ReservedBits);
    }
    SUBCASE("misaligned superpages")
    {
        // A 2 MiB leaf in l1[3] whose PPN has low bits set, and a 1 GiB leaf
        // in root[2] that is only 2 MiB-aligned.
        Hand::set(h.l1, 3, leaf_to(0x90001000, R | A));
        CHECK(h.read(3 * 2 * MiB).why == FaultWhy::MisalignedSuper);
        Hand::set(h.root, 2, leaf_to(0x80200000, R | A));
        CHECK(h.read(2 * GiB).why == FaultWhy::MisalignedSuper);
        // Aligned ones translate, keeping the offset inside the superpage.
        Hand::set(h.l1, 4, leaf_to(0x90200000, R | A));
        SimResult r2 = h.read(4 * 2 * MiB + 0x12345);
        CHECK(r2.pa == PhysAddr(0x90200000 + 0x12345));
        CHECK(r2.level == 1);
        Hand::set(h.root, 3, leaf_to(0xc0000000, R | A));
        SimResult r1 = h.read(3 * GiB + 0x2345678);
        CHECK(r1.pa == PhysAddr(0xc0000000 + 0x2345678));
        CHECK(r1.level == 2);
    }
    SUBCASE("non-canonical addresses")
    {
        CHECK(h.read(uint64_t{1} << 38).why == FaultWhy::NonCanonical);
        CHECK(h.read(0x8000000000000000).why == FaultWhy::NonCanonical);
        CHECK(h.read(0xffffffc000000000).why == FaultWhy::Invalid); // canonical, unmapped
    }
    SUBCASE("a table outside RAM is an access fault")
    {
        Hand::set(h.l1, 1, ptr_to(PhysAddr(0x10000000)));
        SimResult r = h.read(Hand::VA);
        CHECK(r.fault == SimFault::Access);
        CHECK(r.scause() == 5); // load access fault
    }
}

TEST_CASE("mmu sim: user and supervisor access, SUM and MXR")
{
    Hand h(0x80000000);
    constexpr uint64_t UPAGE = Hand::VA, KPAGE = Hand::VA + 0x1000, XPAGE = Hand::VA + 0x2000;
    Hand::set(h.l0, 2, leaf_to(Hand::DATA, U | R | W | X | A | D));
    Hand::set(h.l0, 3, leaf_to(Hand::DATA + 0x1000, R | W | A | D));
    Hand::set(h.l0, 4, leaf_to(Hand::DATA + 0x2000, X | A));

    CHECK(h.read(UPAGE, Priv::User).ok());
    CHECK(h.write(UPAGE, Priv::User).ok());
    CHECK(h.exec(UPAGE, Priv::User).ok());
    CHECK(h.read(KPAGE, Priv::User).why == FaultWhy::NotUser);

    CHECK(h.read(UPAGE).why == FaultWhy::UserPageNoSum);
    CHECK(h.write(UPAGE).why == FaultWhy::UserPageNoSum);
    CHECK(h.exec(UPAGE).why == FaultWhy::SupervisorExecU);
    h.sim.set_sum(true);
    CHECK(h.read(UPAGE).ok());
    CHECK(h.write(UPAGE).ok());
    CHECK(h.exec(UPAGE).why == FaultWhy::SupervisorExecU); // SUM never allows execute
    CHECK(h.read(KPAGE).ok());

    CHECK(h.read(XPAGE).why == FaultWhy::NoRead);
    CHECK(h.exec(XPAGE).ok());
    h.sim.set_mxr(true);
    CHECK(h.read(XPAGE).ok());
    CHECK(h.write(XPAGE).why == FaultWhy::NoWrite);
}

TEST_CASE("mmu sim: the TLB keeps a translation until a flush covering it")
{
    Hand h(0x80000000);
    Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | W | A | D));
    Hand::set(h.l0, 3, leaf_to(Hand::DATA + 0x5000, R | W | A | D));
    REQUIRE(h.read(Hand::VA).ok());
    REQUIRE(h.read(Hand::VA + 0x1000).ok());
    Hand::set(h.l0, 2, 0);
    Hand::set(h.l0, 3, leaf_to(Hand::DATA + 0x9000, R | A)); // read-only now

    SimResult stale = h.read(Hand::VA);
    CHECK(stale.ok());
    CHECK(stale.from_tlb);
    CHECK(h.write(Hand::VA + 0x1000).pa == PhysAddr(Hand::DATA + 0x5000));

    h.sim.flush_page(VirtAddr(Hand::VA), 1);
    CHECK(h.read(Hand::VA).why == FaultWhy::Invalid);
    CHECK(h.write(Hand::VA + 0x1000).ok()); // that page was not flushed
    h.sim.flush_page(VirtAddr(Hand::VA + 0x1000), 1);
    CHECK(h.write(Hand::VA + 0x1000).why == FaultWhy::NoWrite);
    CHECK(h.read(Hand::VA + 0x1000).pa == PhysAddr(Hand::DATA + 0x9000));
}

TEST_CASE("mmu sim: a page flush drops the superpage entry that covers it")
{
    Hand h(0x80000000);
    Hand::set(h.l1, 4, leaf_to(0x90200000, R | A));
    REQUIRE(h.read(4 * 2 * MiB).ok());
    Hand::set(h.l1, 4, 0);
    CHECK(h.read(4 * 2 * MiB + 0x1000).ok()); // cached 2 MiB entry
    h.sim.flush_page(VirtAddr(4 * 2 * MiB + 0x7000), 1);
    CHECK(h.read(4 * 2 * MiB).why == FaultWhy::Invalid);
}

TEST_CASE("mmu sim: ASIDs separate cached translations, G shares them")
{
    Hand h(0x80000000);
    constexpr uint64_t GPAGE = Hand::VA + 0x1000;
    Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | A));
    Hand::set(h.l0, 3, leaf_to(Hand::DATA + 0x1000, R | G | A));
    REQUIRE(h.read(Hand::VA).ok()); // cached for ASID 1
    REQUIRE(h.read(GPAGE).ok());    // cached as global
    Hand::set(h.l0, 2, leaf_to(Hand::DATA + 0x8000, R | A));
    Hand::set(h.l0, 3, 0);

    h.sim.set_satp(h.root, 2); // same tables, other ASID: no flush
    CHECK(h.read(Hand::VA).pa == PhysAddr(Hand::DATA + 0x8000)); // walked afresh
    SimResult g = h.read(GPAGE);
    CHECK(g.ok()); // the global entry serves every ASID
    CHECK(g.from_tlb);
    h.sim.set_satp(h.root, 1);
    CHECK(h.read(Hand::VA).pa == PhysAddr(Hand::DATA)); // ASID 1's stale entry

    h.sim.flush_asid(1); // non-global entries of ASID 1 only
    CHECK(h.read(Hand::VA).pa == PhysAddr(Hand::DATA + 0x8000));
    CHECK(h.read(GPAGE).ok());
    h.sim.flush_page(VirtAddr(GPAGE), 1); // naming an ASID misses global entries
    CHECK(h.read(GPAGE).ok());
    h.sim.flush_page(VirtAddr(GPAGE), 0); // ASID 0: rs2 = x0, globals too
    CHECK(h.read(GPAGE).why == FaultWhy::Invalid);
}

TEST_CASE("mmu sim: invalid results are cached until a flush")
{
    Hand h(0x80000000);
    CHECK(h.read(Hand::VA).why == FaultWhy::Invalid);
    Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | A));
    SimResult r = h.read(Hand::VA);
    CHECK(r.why == FaultWhy::Invalid);
    CHECK(r.from_tlb);
    h.sim.flush_page(VirtAddr(Hand::VA), 1);
    CHECK(h.read(Hand::VA).ok());

    // With that cache off, a new entry is seen at once.
    h.sim.set_cache_invalid(false);
    CHECK(h.read(Hand::VA + 0x1000).why == FaultWhy::Invalid);
    Hand::set(h.l0, 3, leaf_to(Hand::DATA, R | A));
    CHECK(h.read(Hand::VA + 0x1000).ok());
}

TEST_CASE("mmu sim: cached pointer entries survive page flushes")
{
    Hand h(0x80000000);
    Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | A));
    Hand::set(h.l0, 5, leaf_to(Hand::DATA + 0x5000, R | A));
    REQUIRE(h.read(Hand::VA).ok()); // caches root[0] and l1[1] on the way

    // Repoint l1[1] to a new level-0 table with another page at index 5.
    PhysAddr l0b = h.src.alloc_table_page().value();
    Hand::set(l0b, 5, leaf_to(0xa0000000, R | A));
    Hand::set(h.l1, 1, ptr_to(l0b));
    constexpr uint64_t OTHER = 2 * MiB + 5 * 0x1000;

    CHECK(h.read(OTHER).pa == PhysAddr(Hand::DATA + 0x5000)); // through the stale pointer
    h.sim.flush_all();
    CHECK(h.read(OTHER).pa == PhysAddr(0xa0000000)); // a fresh walk, caching the new pointer

    Hand::set(h.l1, 1, ptr_to(h.l0)); // and back
    h.sim.flush_page(VirtAddr(OTHER), 1); // drops the leaf, not the pointer
    CHECK(h.read(OTHER).pa == PhysAddr(0xa0000000));
    h.sim.flush_asid(1); // any level
    CHECK(h.read(OTHER).pa == PhysAddr(Hand::DATA + 0x5000));

    // Without a pointer cache the page flush is enough.
    h.sim.set_cache_nonleaf(false);
    h.sim.flush_all();
    REQUIRE(h.read(OTHER).pa == PhysAddr(Hand::DATA + 0x5000));
    Hand::set(h.l1, 1, ptr_to(l0b));
    h.sim.flush_page(VirtAddr(OTHER), 1);
    CHECK(h.read(OTHER).pa == PhysAddr(0xa0000000));
}

TEST_CASE("mmu sim: arch::tlb_flush_* reach the current simulator only")
{
    // With no simulator they do nothing (and must not crash).
    arch::tlb_flush_page(VirtAddr(0x1000), 1);
    arch::tlb_flush_asid(1);
    arch::tlb_flush_all();

    Hand h(0x80000000);
    Hand::set(h.l0, 2, leaf_to(Hand::DATA, R | A));
    REQUIRE(h.read(Hand::VA).ok());
    Hand::set(h.l0, 2, 0);
    {
        MmuSim other; // current now; h.sim is not
        CHECK(MmuSim::current() == &other);
        arch::tlb_flush_all();
        CHECK(other.flushes() == 1);
        CHECK(h.read(Hand::VA).ok()); // h.sim kept its entry
    }
    CHECK(MmuSim::current() == &h.sim);
    const uint64_t before = h.sim.flushes();
    arch::tlb_flush_page(VirtAddr(Hand::VA), 1);
    CHECK(h.sim.flushes() == before + 1);
    CHECK(h.read(Hand::VA).why == FaultWhy::Invalid);
}
