// The host runs RV64's FP-state logic over a simulated register file
// (arch/host/fpe.cpp), so the layout and the seam are RV64's own.
#pragma once

#include "../../../riscv/include/arch/fpe.h"

namespace arch {

// The simulated f0..f31 and fcsr, and whether FP access is on (it is
// only while fpe_store/fpe_load run, as on the hart).
FpState& host_fp_registers();
// How many times the registers were loaded from a save area.
unsigned long host_fp_loads();

} // namespace arch
