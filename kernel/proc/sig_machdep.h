// The machine half of signal delivery (FreeBSD's sendsig, get_mcontext,
// set_mcontext and sys_sigreturn's core, in its machdep.c): how a
// thread's user registers become an mcontext on the user stack and come
// back from it.  Implemented in arch/riscv/sig_machdep.cpp; the host
// tests run the same file (its frame is RV64's).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <abi/signal.h>
#include <abi/ucontext.h>

struct thread;

// td's user registers (and FP state, with _MC_FP_VALID when it has any).
void get_mcontext(thread* td, __mcontext* mc);
// Makes mc td's user registers (and FP state when _MC_FP_VALID).  Inval,
// changing nothing, when mc's sstatus differs from the frame's in any bit
// a user may not choose (FreeBSD's rule: only SD, XS, FS, UPIE and UIE
// may differ), so sigreturn cannot reach S-mode, enable interrupts in
// the kernel, or turn SUM on.
Errno set_mcontext(thread* td, const __mcontext* mc);
// Whether td's user sp lies on its signal stack (FreeBSD's sigonstack):
// never without one set up (TDP_ALTSTACK).
bool sigonstack(const thread* td);
// Builds the signal frame (struct sigframe: si, then a ucontext holding
// the registers and `mask`, the mask sigreturn restores) on td's user
// stack, or at the top of its signal stack for an SA_ONSTACK signal when
// one is set up and not in use, 16-byte aligned, with copyout; then points
// td's frame at the handler: a0 = signal, a1 = &sf_si, a2 = &sf_uc,
// sp = the frame, ra = the trampoline in the shared page.  Fault (and the
// frame unchanged) when the frame cannot be written: the caller kills
// the process.
Errno sendsig(thread* td, uintptr_t catcher, const __siginfo& si, const ksigset_t& mask);
// The signal return trampoline's machine code (FreeBSD's sigcode), for
// the shared page: with sp at the signal frame, it calls
// sigreturn(sp + SF_UC) and, should that return, exit.  *len gets its
// size in bytes.
const void* sigcode(size_t* len);
