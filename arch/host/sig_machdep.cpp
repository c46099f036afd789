// sendsig, get_mcontext and set_mcontext on the host: the host's frame is
// RV64's (arch/host/include/arch/frame.h), so the tests run the RISC-V
// file itself.
#include "../riscv/sig_machdep.cpp"
