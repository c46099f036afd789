// The RISC-V side of the machine seam (arch/machdep.h).
#include <arch/csr.h>
#include <kernel/machdep.h>

#include "pmap_bootstrap.h"
#include "sbi.h"

#include <mm/kmem.h>

namespace arch {

static_assert(SSTATUS_SIE_BIT == riscv::SSTATUS_SIE);

// wfi with interrupts enabled would take the trap before we look at the
// state; with SIE off it still wakes on a pending interrupt, which the
// caller then takes by enabling interrupts.
void cpu_wait() { __asm__ volatile("wfi" ::: "memory"); }

uint64_t read_time() { return csr_read(time); }

void early_putc(char c) { sbi::console_putchar(c); }

// ASID 0 is the kernel's: its mappings are global, and an sfence.vma that
// names an ASID (even 0, in a register) leaves global entries alone.  So
// for ASID 0 the rs2 operand must be x0 itself.
void tlb_flush_page(VirtAddr va, uint16_t asid)
{
    if (asid == 0)
        __asm__ volatile("sfence.vma %0, zero" ::"r"(va.value()) : "memory");
    else
        riscv::sfence_vma(va.value(), asid);
}

void tlb_flush_asid(uint16_t asid)
{
    if (asid == 0)
        riscv::sfence_vma_all();
    else
        __asm__ volatile("sfence.vma zero, %0" ::"r"(static_cast<uint64_t>(asid)) : "memory");
}

void tlb_flush_all() { riscv::sfence_vma_all(); }

void set_page_table(PhysAddr root, uint16_t asid, bool flush_all)
{
    if (root.value() == 0) {
        root = kernel_pmap().root();
        asid = 0;
    }
    const uint64_t satp = riscv::SATP_MODE_SV39 |
                          (uint64_t{asid} << riscv::SATP_ASID_SHIFT) |
                          (root.value() >> arch::PAGE_SHIFT);
    csr_write(satp, satp);
    if (flush_all) riscv::sfence_vma_all();
}

unsigned asid_bits() { return riscv::asid_bits(); }

void user_access_begin() { csr_set(sstatus, riscv::SSTATUS_SUM); }
void user_access_end() { csr_clear(sstatus, riscv::SSTATUS_SUM); }

[[noreturn]] void halt(bool failure)
{
    intr_disable();
    sbi::shutdown(failure);
    // No reset device (QEMU sifive_u): stay here.
    for (;;) cpu_wait();
}

} // namespace arch
