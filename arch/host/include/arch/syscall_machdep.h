// The host's frame is RV64's (arch/frame.h), so its system calls fetch
// their arguments and return their results exactly as the kernel's do:
// the host tests of the dispatcher check the riscv seam itself.
#pragma once

#include "../../../riscv/include/arch/syscall_machdep.h"
