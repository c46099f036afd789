// RV64's FP-state logic (arch/riscv/fpe.cpp) over a simulated register
// file, so host tests see the lazy save and restore, fork's copy and the
// signal frame's FP part exactly as the hart runs them.
#include "../riscv/fpe.cpp"

namespace {

arch::FpState g_fp_registers;
unsigned long g_fp_loads = 0;

} // namespace

extern "C" void fpe_store(arch::FpState* st) { *st = g_fp_registers; }
extern "C" void fpe_load(const arch::FpState* st)
{
    g_fp_registers = *st;
    g_fp_loads++;
}

arch::FpState& arch::host_fp_registers() { return g_fp_registers; }

unsigned long arch::host_fp_loads() { return g_fp_loads; }
