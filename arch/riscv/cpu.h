// Facts about the hart Sprig runs on, learnt at boot.
#pragma once

#include <stdint.h>

namespace riscv {

// The hart OpenSBI started us on (never assumed to be 0).
uint64_t boot_hartid();
void set_boot_hartid(uint64_t id);

} // namespace riscv
