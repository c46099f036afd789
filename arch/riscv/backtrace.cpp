#include "backtrace.h"

#include <arch/csr.h>
#include <kernel/machdep.h>
#include <kernel/console.h>

#include "cpu.h"
#include "kstack_guard.h"
#include "trap.h"

// The symbol table that scripts/mksyms.sh generates (sorted by address).
extern "C" const uint64_t ksyms_count;
extern "C" const uint64_t ksyms_addr[];
extern "C" const uint32_t ksyms_name_off[];
extern "C" const char ksyms_names[];
extern "C" const char _stext[], _etext[];
extern "C" char boot_stack[], boot_stack_top[];

namespace riscv {

namespace {
const arch::TrapFrame* g_panic_frame = nullptr;
constexpr unsigned MAX_FRAMES = 32;

bool fp_within(uint64_t fp, const char* lo, const char* hi)
{
    return fp > reinterpret_cast<uint64_t>(lo) + 16 && fp <= reinterpret_cast<uint64_t>(hi);
}

// A frame pointer we may follow: aligned and inside a kernel stack (the
// boot stack, the kernel-stack region, or the emergency stack a stack
// overflow is reported on).
bool plausible_fp(uint64_t fp)
{
    if (fp & 7) return false;
    if (fp_within(fp, boot_stack, boot_stack_top)) return true;
    if (fp_within(fp, kstack_emergency, kstack_emergency_top)) return true;
    return fp > arch::KSTACK_REGION + 16 && fp <= arch::KSTACK_REGION + arch::KSTACK_REGION_SIZE;
}

void print_pc(unsigned n, uint64_t pc)
{
    const char* name;
    uint64_t off;
    if (ksym_lookup(pc, &name, &off))
        kprintf("  #%-2u %#lx %s+%#lx\n", n, pc, name, off);
    else
        kprintf("  #%-2u %#lx ?\n", n, pc);
}

void print_frame(const arch::TrapFrame& tf)
{
    kprintf("scause %#lx (%s)  sepc %#lx  stval %#lx  sstatus %#lx\n", tf.scause,
            cause_name(tf.scause), tf.sepc, tf.stval, tf.sstatus);
    for (unsigned i = 1; i < 32; i++)
        kprintf("%4s %016lx%s", arch::reg_name[i], tf.x[i], i % 4 == 3 ? "\n" : "  ");
    kprintf("\n");
}
} // namespace

bool ksym_lookup(uint64_t pc, const char** name, uint64_t* offset)
{
    if (pc < reinterpret_cast<uint64_t>(_stext) || pc >= reinterpret_cast<uint64_t>(_etext))
        return false;
    if (ksyms_count == 0 || pc < ksyms_addr[0]) return false;
    uint64_t lo = 0, hi = ksyms_count; // find the last addr <= pc
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_addr[mid] <= pc)
            lo = mid;
        else
            hi = mid;
    }
    *name = ksyms_names + ksyms_name_off[lo];
    *offset = pc - ksyms_addr[lo];
    return true;
}

void print_backtrace(uint64_t pc, uint64_t fp, uint64_t ra)
{
    kprintf("backtrace:\n");
    unsigned n = 0;
    print_pc(n++, pc);
    // A trap can come before the function saved ra or after it restored
    // ra and fp (GCC schedules the epilogue early), or in a function that
    // called nobody; then the frame chain starts at the caller's caller,
    // and only ra names the caller.  When ra lies in another function
    // than pc, show it; the chain must then not show it twice.
    const char* pc_fn = nullptr;
    const char* ra_fn = nullptr;
    uint64_t off;
    const bool ra_known = ra && ksym_lookup(ra - 4, &ra_fn, &off);
    const bool ra_shown = ra_known && (!ksym_lookup(pc, &pc_fn, &off) || pc_fn != ra_fn);
    if (ra_shown) print_pc(n++, ra - 4);
    uint64_t prev = 0;
    bool first = true;
    while (n < MAX_FRAMES && plausible_fp(fp) && fp > prev) {
        const auto* rec = reinterpret_cast<const uint64_t*>(fp);
        const uint64_t ret = rec[-1];
        if (ret == 0) break;
        // ret points after the call; ret - 4 names the calling line.
        if (!(first && ra_shown && ret == ra)) print_pc(n++, ret - 4);
        first = false;
        prev = fp;
        fp = rec[-2];
    }
}

void set_panic_frame(const arch::TrapFrame* tf) { g_panic_frame = tf; }

} // namespace riscv

namespace arch {

void panic_report()
{
    using namespace riscv;
    kprintf("hart %lu, sstatus %#lx, satp %#lx\n", boot_hartid(), csr_read(sstatus),
            csr_read(satp));
    if (g_panic_frame) {
        print_frame(*g_panic_frame);
        print_backtrace(g_panic_frame->sepc, g_panic_frame->x[8], g_panic_frame->x[1]);
        return;
    }
    uint64_t pc;
    __asm__ volatile("auipc %0, 0" : "=r"(pc));
    print_backtrace(pc, reinterpret_cast<uint64_t>(__builtin_frame_address(0)), 0);
}

} // namespace arch
