// The signal trampoline's bytes on the host: RV64's own, so the shared
// page the host tests map holds what the hart would run.
#include "../riscv/sigcode.cpp"
