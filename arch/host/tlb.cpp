// The host's TLB shootdown and address-space switch: forwarded to the current MMU simulator, so a
// test sees exactly the flushes the code under test issued.  Without a
// simulator there is no TLB and nothing to do.
//
// ASID 0 is the kernel's, whose mappings are global: a flush naming ASID 0
// acts as sfence.vma with rs2 = x0 (every address space, global entries
// included).  The RISC-V side must emit the same (see arch/mmu_sim.h).
#include <kernel/machdep.h>
#include <arch/mmu_sim.h>

namespace arch {

void tlb_flush_page(VirtAddr va, uint16_t asid)
{
    if (MmuSim* s = MmuSim::current()) s->flush_page(va, asid);
}

void tlb_flush_asid(uint16_t asid)
{
    if (MmuSim* s = MmuSim::current()) s->flush_asid(asid);
}

void tlb_flush_all()
{
    if (MmuSim* s = MmuSim::current()) s->flush_all();
}

// The host has no kernel table of its own: PhysAddr() leaves the
// simulator in Bare mode, where tests do not make user accesses.
void set_page_table(PhysAddr root, uint16_t asid, bool flush_all)
{
    MmuSim* s = MmuSim::current();
    if (!s) return;
    if (root.value() == 0)
        s->set_bare();
    else
        s->set_satp(root, asid);
    if (flush_all) s->flush_all();
}

unsigned asid_bits() { return 16; }

void user_access_begin()
{
    if (MmuSim* s = MmuSim::current()) s->set_sum(true);
}

void user_access_end()
{
    if (MmuSim* s = MmuSim::current()) s->set_sum(false);
}

} // namespace arch
