// The signal return trampoline (FreeBSD/riscv's sigcode, locore.S),
// encoded here rather than assembled so that the host tests link the very
// same bytes (arch/host/sigcode.cpp includes this file).  The handler
// returns to it with sp at the signal frame (sp is callee-saved):
//
//     addi  a0, sp, SF_UC       # &sf_uc
//     li    t0, SYS_sigreturn
//     ecall                     # does not return ...
//  1: li    t0, SYS_exit        # ... unless the context was refused
//     ecall
//     j     1b
#include <kernel/proc/sig_machdep.h>

#include <abi/syscall.h>
#include <abi/ucontext.h>

namespace {

// I-type ADDI rd, rs1, imm.
constexpr uint32_t rv_addi(unsigned rd, unsigned rs1, int imm)
{
    return (static_cast<uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
constexpr uint32_t RV_ECALL = 0x00000073;
constexpr uint32_t RV_J_BACK_8 = 0xff9ff06f; // jal zero, -8
constexpr unsigned ZERO = 0, SP = 2, T0 = 5, A0 = 10;

static_assert(rv_addi(A0, SP, 16) == 0x01010513, "addi a0, sp, 16 encodes as the assembler does");
static_assert(SF_UC < 2048 && SYS_sigreturn < 2048, "immediates fit in 12 bits");

constexpr uint32_t code[] = {
    rv_addi(A0, SP, static_cast<int>(SF_UC)),
    rv_addi(T0, ZERO, SYS_sigreturn),
    RV_ECALL,
    rv_addi(T0, ZERO, SYS_exit),
    RV_ECALL,
    RV_J_BACK_8,
};

} // namespace

const void* sigcode(size_t* len)
{
    *len = sizeof code;
    return code;
}
