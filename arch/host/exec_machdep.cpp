// The host stands in for an RV64 hart, so exec sets RV64's registers in
// RV64's frame: the kernel's own definition, compiled here too.
#include "../riscv/exec_machdep.cpp"
