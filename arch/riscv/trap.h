// Trap dispatch on RISC-V.
#pragma once

#include <arch/frame.h>

namespace riscv {

// Installs trap_vector in stvec (direct mode).
void trap_init();
// The function the supervisor external interrupt goes to (the PLIC's
// dispatcher once it is set up).
void set_external_handler(void (*fn)(void*), void* ctx);
// Name of an scause value ("load page fault", "supervisor timer interrupt").
const char* cause_name(uint64_t scause);

} // namespace riscv
