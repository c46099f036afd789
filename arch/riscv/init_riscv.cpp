// Kernel start-up on RISC-V (FreeBSD's initriscv): from the boot page
// table that entry.S left to a running kernel.
#include <arch/csr.h>
#include <arch/machdep.h>
#include <kernel/clock.h>
#include <kernel/console.h>

#include "cpu.h"
#include "sbi.h"
#include "timer.h"
#include "trap.h"

void run_static_constructors();

namespace riscv {
namespace {
uint64_t g_hartid;
}
uint64_t boot_hartid() { return g_hartid; }
void set_boot_hartid(uint64_t id) { g_hartid = id; }
} // namespace riscv

extern "C" [[noreturn]] void init_riscv(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa)
{
    riscv::set_boot_hartid(hartid);
    riscv::trap_init();
    run_static_constructors();
    sbi::probe();
    kprintf("Sprig %s on hart %lu, dtb %#lx, loaded at %#lx\n", SPRIG_VERSION, hartid, dtb_pa,
            load_pa);
    riscv::timer_init(10000000, false);
    arch::intr_enable();
    while (ticks() < 5) arch::cpu_wait();
    kprintf("ticks %lu\n", ticks());
    volatile uint64_t* bad = reinterpret_cast<volatile uint64_t*>(arch::KSTACK_REGION);
    __asm__("" : "+r"(bad));
    kprintf("%lu\n", *bad);
    arch::halt(false);
}
