// RISC-V supervisor CSRs and their bits (privileged spec).  RISC-V only:
// machine-independent code never includes this.
#pragma once

#include <stdint.h>

// CSR names must be literal in the instruction, hence macros.
#define csr_read(csr)                                         \
    ({                                                        \
        uint64_t _v;                                          \
        __asm__ volatile("csrr %0, " #csr : "=r"(_v)::"memory"); \
        _v;                                                   \
    })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"(val) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"(bits) : "memory")
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"(bits) : "memory")

namespace riscv {

inline constexpr uint64_t SSTATUS_SIE = 1u << 1;
inline constexpr uint64_t SSTATUS_SPIE = 1u << 5;
inline constexpr uint64_t SSTATUS_SPP = 1u << 8;
inline constexpr uint64_t SSTATUS_FS = 3u << 13;
inline constexpr uint64_t SSTATUS_SUM = 1u << 18;
inline constexpr uint64_t SSTATUS_MXR = 1u << 19;

inline constexpr uint64_t SIE_SSIE = 1u << 1;
inline constexpr uint64_t SIE_STIE = 1u << 5;
inline constexpr uint64_t SIE_SEIE = 1u << 9;

// scounteren: which counters user mode may read.
inline constexpr uint64_t SCOUNTEREN_CY = 1u << 0; // cycle
inline constexpr uint64_t SCOUNTEREN_TM = 1u << 1; // time
inline constexpr uint64_t SCOUNTEREN_IR = 1u << 2; // instret

inline constexpr uint64_t SCAUSE_INTR = uint64_t{1} << 63;

enum class Irq : uint64_t {
    Software = 1,
    Timer = 5,
    External = 9,
};

enum class Exc : uint64_t {
    InsnMisaligned = 0,
    InsnAccess = 1,
    IllegalInsn = 2,
    Breakpoint = 3,
    LoadMisaligned = 4,
    LoadAccess = 5,
    StoreMisaligned = 6,
    StoreAccess = 7,
    EcallUser = 8,
    EcallSupervisor = 9,
    InsnPageFault = 12,
    LoadPageFault = 13,
    StorePageFault = 15,
};

inline constexpr uint64_t SATP_MODE_SV39 = uint64_t{8} << 60;
inline constexpr unsigned SATP_ASID_SHIFT = 44;
inline constexpr uint64_t SATP_ASID_MASK = 0xffff;

inline void sfence_vma_all() { __asm__ volatile("sfence.vma" ::: "memory"); }
inline void sfence_vma(uint64_t va, uint64_t asid)
{
    __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
}

} // namespace riscv
