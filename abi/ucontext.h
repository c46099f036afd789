// What a signal handler is given, FreeBSD/riscv64's layouts (sys/signal.h's
// siginfo_t, machine/ucontext.h's mcontext_t, sys/_ucontext.h's
// ucontext_t, and riscv's struct sigframe), shared by the kernel, which
// writes them on the user stack (sendsig) and reads the context back
// (sigreturn), and user space.
//
// As in abi/signal.h, the structures keep FreeBSD's tags (__siginfo,
// __mcontext, __ucontext) and not the POSIX typedef names, which the host
// C library declares too; the user runtime's headers add the aliases.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/signal.h>

// si_code values (FreeBSD's sys/signal.h).
inline constexpr int SI_NOINFO = 0;        // no information (a signal posted by the kernel)
inline constexpr int SI_USER = 0x10001;    // sent by kill(2)
inline constexpr int SI_KERNEL = 0x10006;  // sent by the kernel
inline constexpr int ILL_ILLOPC = 1;       // SIGILL: illegal opcode
inline constexpr int TRAP_BRKPT = 1;       // SIGTRAP: breakpoint
inline constexpr int SEGV_MAPERR = 1;      // SIGSEGV: nothing mapped there
inline constexpr int SEGV_ACCERR = 2;      // SIGSEGV: mapped, but not for this access
inline constexpr int BUS_ADRALN = 1;       // SIGBUS: misaligned address
inline constexpr int BUS_ADRERR = 2;       // SIGBUS: no such physical address (access fault)
inline constexpr int BUS_OBJERR = 3;       // SIGBUS: other hardware error
inline constexpr int CLD_EXITED = 1;       // SIGCHLD: the child exited
inline constexpr int CLD_KILLED = 2;       // SIGCHLD: a signal killed it

union sigval {
    int sival_int;
    uintptr_t sival_ptr;
};

struct __siginfo {
    int si_signo;
    int si_errno;
    int si_code;       // SI_* or the signal's own codes
    int32_t si_pid;    // sending process
    uint32_t si_uid;   // sender's real uid
    int si_status;     // exit value (SIGCHLD)
    uintptr_t si_addr; // faulting address (SIGSEGV, SIGBUS), or pc (SIGILL, SIGTRAP)
    sigval si_value;
    union {
        int _trapno; // the machine's trap cause
        struct {
            long __spare1__;
            int __spare2__[7];
        } __spare__;
    } _reason;
};
static_assert(offsetof(__siginfo, si_addr) == 24 && offsetof(__siginfo, _reason) == 40 &&
                  sizeof(__siginfo) == 80,
              "FreeBSD's siginfo_t layout (LP64)");

// The general registers but zero, in FreeBSD/riscv's order.
struct gpregs {
    uint64_t gp_ra;
    uint64_t gp_sp;
    uint64_t gp_gp;
    uint64_t gp_tp;
    uint64_t gp_t[7];
    uint64_t gp_s[12];
    uint64_t gp_a[8];
    uint64_t gp_sepc;
    uint64_t gp_sstatus;
};

// f0..f31 (each in a 128-bit slot, for the Q extension) and fcsr.
struct fpregs {
    uint64_t fp_x[32][2];
    uint64_t fp_fcsr;
    int fp_flags;
    int pad;
};

inline constexpr int _MC_FP_VALID = 0x1; // mc_flags: mc_fpregs holds the FP state

struct __mcontext {
    gpregs mc_gpregs;
    fpregs mc_fpregs;
    int mc_flags;
    int mc_pad;
    uint64_t mc_spare[8];
};

struct __ucontext {
    ksigset_t uc_sigmask; // the mask sigreturn restores
    __mcontext uc_mcontext;
    uintptr_t uc_link;
    sigaltstack uc_stack;
    int uc_flags;
    int __spare__[4];
};

static_assert(sizeof(gpregs) == 33 * 8 && sizeof(fpregs) == 528 && sizeof(__mcontext) == 864,
              "FreeBSD/riscv's mcontext_t layout");
static_assert(offsetof(__ucontext, uc_mcontext) == 16 && offsetof(__ucontext, uc_stack) == 888 &&
                  sizeof(__ucontext) == 936,
              "FreeBSD/riscv's ucontext_t layout");

// What sendsig pushes on the user stack (16-byte aligned): the handler
// gets a1 = &sf_si, a2 = &sf_uc, and sp pointing at the frame, which the
// return trampoline uses to find sf_uc.
struct sigframe {
    __siginfo sf_si;
    __ucontext sf_uc;
};
inline constexpr size_t SF_UC = 80; // offsetof(sigframe, sf_uc), for the trampoline
static_assert(offsetof(sigframe, sf_uc) == SF_UC, "sigframe layout");
