// The host's stand-in for the trap frame: the same registers as RV64's, so
// that cpu_fork's copy and the return values a child sees can be checked
// in unit tests.  Nothing traps on the host; tests fill it in.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace arch {

struct TrapFrame {
    uint64_t x[32];
    uint64_t sepc;
    uint64_t sstatus;
    uint64_t scause;
    uint64_t stval;

    uint64_t& ra() { return x[1]; }
    uint64_t& sp() { return x[2]; }
    uint64_t& t0() { return x[5]; }
    uint64_t& fp() { return x[8]; }
    uint64_t& a(unsigned i) { return x[10 + i]; }
};

} // namespace arch
