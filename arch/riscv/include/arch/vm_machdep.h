// The RISC-V kernel's per-thread machine state.  The functions of the
// thread seam are declared once, in kernel/proc/vm_machdep.h.
#pragma once

#include <stdint.h>
#include <arch/fpe.h>
#include <arch/frame.h>

namespace arch {

// Per-thread machine state beyond the switch context (the user frame sits
// at the top of the kernel stack, where trap entry from user mode pushes
// it): where a fault inside a user copy resumes (FreeBSD's pcb_onfault),
// 0 outside one; and the thread's user FP state when it is not in the
// registers (arch/fpe.h).
struct MdThread {
    uint64_t md_onfault = 0;
    FpState md_fp = {};
};

} // namespace arch
