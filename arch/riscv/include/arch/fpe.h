// User floating-point state (FreeBSD/riscv's fpe.c and the pcb's FP
// part).  The kernel runs with sstatus.FS = Off and never touches the FP
// registers for itself; they hold some thread's user state, and
// g_fpcurthread (fpe.cpp) says whose.  A thread's FS field lives in its
// user frame's sstatus: Off (no FP, an FP instruction traps), Initial
// (all zero, as after exec), Clean (the save area matches what the user
// last saw), Dirty (the user changed the registers since).  Switching
// away from a Dirty thread saves its registers; switching to a thread
// whose state is not in the registers loads them (lazy on both sides).
//
// The host tests run the same logic (arch/host/fpe.cpp includes
// arch/riscv/fpe.cpp) over a simulated register file.
#pragma once

#include <stdint.h>
#include <abi/ucontext.h>

struct thread;

namespace arch {

// The save area: f0..f31 and fcsr (FreeBSD's pcb_x and pcb_fcsr).  fpe.S
// reads its offsets from genassym (arch/riscv/genassym.cpp).
struct FpState {
    uint64_t f[32];
    uint64_t fcsr;
};

// The switch (mi_switch, interrupts off): from's Dirty registers saved,
// to's loaded if they are not the ones in the registers.
void cpu_switch_fp(thread* from, thread* to);
// exec: td (running) starts clean: zeroed save area and registers, FS
// Initial in its (freshly zeroed) frame.
void cpu_exec_fpinit(thread* td);
// td's current user FP state into *fp (mcontext's layout; registers in
// the low half of each 128-bit slot); false, and *fp zeroed, when td has
// none (FS Off).
bool cpu_fpstate_get(thread* td, fpregs* fp);
// *fp becomes the running td's user FP state (sigreturn), FS Clean.
void cpu_fpstate_set(thread* td, const fpregs* fp);
// fork: td2 gets a copy of td1's FP state (td1's live registers saved
// first); td2 then runs as Clean, or Off if td1 was.
void fpe_fork(thread* td1, thread* td2);
// td is going away: the registers no longer hold anybody's state.
void fpe_thread_free(thread* td);

} // namespace arch
