// The periodic clock interrupt: the Sstc stimecmp CSR when the hart has
// it, the SBI timer otherwise.
#pragma once

#include <stdint.h>

namespace riscv {

void timer_init(uint64_t timebase_hz, bool use_sstc);
void timer_intr(bool usermode); // usermode: it interrupted user mode
bool timer_uses_sstc();

} // namespace riscv
