// The host stands in for an RV64 hart, so its trap frame is RV64's own:
// cpu_fork's copy and the return values a child sees are checked in unit
// tests against the very layout trapvec.S uses.  Nothing traps on the
// host; tests fill the frame in.
#pragma once

#include "../../../riscv/include/arch/frame.h"
