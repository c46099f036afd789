// The host's TLB shootdown: forwarded to the current MMU simulator, so a
// test sees exactly the flushes the code under test issued.  Without a
// simulator there is no TLB and nothing to do.
//
// ASID 0 is the kernel's, whose mappings are global: a flush naming ASID 0
// acts as sfence.vma with rs2 = x0 (every address space, global entries
// included).  The RISC-V side must emit the same (see arch/mmu_sim.h).
#include <arch/machdep.h>
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

} // namespace arch
