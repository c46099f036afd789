// The numbers the assembly reads of C++ definitions (FreeBSD's genassym):
// structure offsets, flag bits, CSR bits, error numbers.  This file is
// compiled to assembly, never linked: each ASSYM leaves a marker line
// with the constant's value, which scripts/genassym.sh turns into
// `#define NAME value` in $(BUILD)/k/assym.h.  The .S files include that
// header, so a field moved in frame.h or proc.h moves the assembly with
// it at the next build instead of silently breaking the trap path.
//
// The static_asserts hold what the assembly assumes beyond the values:
// the width of a field it loads, an immediate that must fit.
#include <abi/errno.h>
#include <abi/syscall.h>
#include <arch/context.h>
#include <arch/csr.h>
#include <arch/fpe.h>
#include <arch/frame.h>
#include <arch/param.h>
#include <arch/pte.h>
#include <arch/syscall_machdep.h>
#include <kernel/proc/proc.h>

#include <stddef.h>

// "i": the value must be a compile-time constant; GCC prints it in
// decimal (negative when the top bit is set: the same 64 bits to `li`).
#define ASSYM(name, value)                                                                     \
    asm volatile(".ascii \"\\n@ASSYM@ " #name " %0\\n\"" ::"i"(static_cast<long long>(value)))

#pragma GCC diagnostic ignored "-Winvalid-offsetof" // struct thread: offsets the compiler fixes

namespace {

constexpr unsigned bit_of(uint64_t flag) { return __builtin_ctzll(flag); }

static_assert(offsetof(arch::TrapFrame, x) == 0, "trapvec.S stores x<r> at TF_X + r * 8");
static_assert(sizeof(arch::TrapFrame) % 16 == 0, "the frame keeps sp 16-byte aligned");
static_assert(sizeof(thread::td_owepreempt) == 1, "trapvec.S reads it with lbu");
static_assert(sizeof(thread::td_flags) == 4, "trapvec.S reads it with lw");
static_assert(SYS_MAXSYSCALL < 2048, "trapvec.S compares with sltiu's 12-bit immediate");
static_assert(sizeof(arch::Context::s) == 12 * 8, "swtch.S keeps s0..s11");
static_assert(sizeof(arch::FpState::f) == 32 * 8, "fpe.S keeps f0..f31");

} // namespace

void genassym()
{
    // The trap frame (arch/frame.h): trapvec.S.
    ASSYM(TF_SIZE, sizeof(arch::TrapFrame));
    ASSYM(TF_X, offsetof(arch::TrapFrame, x));
    ASSYM(TF_A0, offsetof(arch::TrapFrame, x) + 10 * 8);
    ASSYM(TF_SEPC, offsetof(arch::TrapFrame, sepc));
    ASSYM(TF_SSTATUS, offsetof(arch::TrapFrame, sstatus));
    ASSYM(TF_SCAUSE, offsetof(arch::TrapFrame, scause));
    ASSYM(TF_STVAL, offsetof(arch::TrapFrame, stval));
    ASSYM(TF_PARTIAL, arch::TF_X0_PARTIAL);

    // What the system-call path reads of struct thread and the table.
    ASSYM(TD_OWEPREEMPT, offsetof(thread, td_owepreempt));
    ASSYM(TD_FLAGS, offsetof(thread, td_flags));
    ASSYM(TDF_NEEDSIGCHK_BIT, bit_of(tdflag::TDF_NEEDSIGCHK));
    ASSYM(TD_RETVAL, offsetof(thread, td_retval));
    ASSYM(SYSENT_NCALLS, SYS_MAXSYSCALL);
    ASSYM(SCAUSE_ECALL_USER, static_cast<uint64_t>(riscv::Exc::EcallUser));
    ASSYM(SYSCALL_ECALL_SIZE, ECALL_SIZE);

    // A kernel thread's context (arch/context.h): swtch.S.
    ASSYM(CTX_RA, offsetof(arch::Context, ra));
    ASSYM(CTX_SP, offsetof(arch::Context, sp));
    ASSYM(CTX_S, offsetof(arch::Context, s));
    ASSYM(CTX_GP, offsetof(arch::Context, gp));
    ASSYM(CTX_TP, offsetof(arch::Context, tp));

    // The FP save area (arch/fpe.h): fpe.S.
    ASSYM(FP_F, offsetof(arch::FpState, f));
    ASSYM(FP_FCSR, offsetof(arch::FpState, fcsr));

    // CSR and page-table bits (arch/csr.h, arch/pte.h): entry.S and the rest.
    ASSYM(SSTATUS_SIE, riscv::SSTATUS_SIE);
    ASSYM(SSTATUS_SPP, riscv::SSTATUS_SPP);
    ASSYM(SSTATUS_FS, riscv::SSTATUS_FS);
    ASSYM(SSTATUS_SUM, riscv::SSTATUS_SUM);
    ASSYM(SATP_MODE_SV39, riscv::SATP_MODE_SV39);
    ASSYM(PTE_V, arch::pte::V);
    ASSYM(PTE_R, arch::pte::R);
    ASSYM(PTE_W, arch::pte::W);
    ASSYM(PTE_X, arch::pte::X);
    ASSYM(PTE_A, arch::pte::A);
    ASSYM(PTE_D, arch::pte::D);
    ASSYM(KERNBASE, arch::KERNBASE);

    // What copyio.S returns.
    ASSYM(EFAULT, Errno::Fault);
    ASSYM(ENAMETOOLONG, Errno::NameTooLong);
}
