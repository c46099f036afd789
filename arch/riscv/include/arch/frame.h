// The trap frame: every general register as it was when the trap came,
// plus the trap CSRs.  A system call saves only the registers C code does
// not keep, unless the call needs them all (arch/riscv/trapvec.S): then
// gp, tp and s0..s11 stay in the CPU and their slots hold nothing.  x[0]
// (the zero register) is never needed; the debug kernel keeps
// TF_X0_PARTIAL there while the frame is partial, 0 once it is whole, so
// that whoever reads a whole frame can assert it has one.
// arch/riscv/trapvec.S saves and restores this layout; it reads the
// offsets from arch/riscv/genassym.cpp's output, so they follow the struct.
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

    // ABI names of the registers the kernel reads.
    uint64_t& ra() { return x[1]; }
    uint64_t& sp() { return x[2]; }
    uint64_t& t0() { return x[5]; }
    uint64_t& fp() { return x[8]; }
    uint64_t& a(unsigned i) { return x[10 + i]; }

    // Only the debug kernel keeps the mark (the release kernel never sets
    // it, so this is false there).
    bool partial() const;
};

inline constexpr uint64_t TF_X0_PARTIAL = 1;
inline bool TrapFrame::partial() const { return x[0] == TF_X0_PARTIAL; }

// ABI register names, for reports.
inline constexpr const char* reg_name[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

} // namespace arch
