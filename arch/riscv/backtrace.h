// Kernel symbol lookup and frame-pointer backtraces, for panic reports.
#pragma once

#include <stdint.h>
#include <arch/frame.h>

namespace riscv {

// The function containing pc, and pc's offset in it; false when pc is
// outside the kernel's text.
bool ksym_lookup(uint64_t pc, const char** name, uint64_t* offset);

// Prints "  #n 0x... name+0x.." lines: pc first, then (for a trap) the
// interrupted ra when it names another function, then the return address
// of every frame record reachable from fp.  ra is 0 when not from a trap.
void print_backtrace(uint64_t pc, uint64_t fp, uint64_t ra);

// The frame of the trap being reported, if the panic came from one.
void set_panic_frame(const arch::TrapFrame* tf);

} // namespace riscv
