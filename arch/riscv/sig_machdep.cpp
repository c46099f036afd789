// Signal frames on RISC-V (FreeBSD/riscv's sendsig, get_mcontext,
// set_mcontext in machdep.c): the trap frame to and from an mcontext,
// and the frame a handler is called with.  The host tests compile this
// file too (arch/host/sig_machdep.cpp).
#include <kernel/proc/sig_machdep.h>

#include <arch/fpe.h>
#include <arch/frame.h>
#include <kernel/exec/sharedpage.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <lib/kassert.h>
#include <mm/copyio.h>

#include "include/arch/csr.h"

namespace {

// gpregs' t and s registers, by x-register number.
constexpr unsigned T_REGS[7] = {5, 6, 7, 28, 29, 30, 31};
constexpr unsigned S_REGS[12] = {8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27};
constexpr unsigned A0 = 10;

// The sstatus bits sigreturn may change (FreeBSD's set_mcontext: SD and
// XS are read-only, FS is set with the FP state, UPIE and UIE are the
// user-interrupt bits); any other difference is a context the user
// forged, such as SPP (S-mode), SPIE or SUM.
constexpr uint64_t SSTATUS_SD = uint64_t{1} << 63;
constexpr uint64_t SSTATUS_XS = uint64_t{3} << 15;
constexpr uint64_t SSTATUS_UPIE = uint64_t{1} << 4;
constexpr uint64_t SSTATUS_UIE = uint64_t{1} << 0;
constexpr uint64_t USER_SSTATUS =
    SSTATUS_SD | SSTATUS_XS | riscv::SSTATUS_FS | SSTATUS_UPIE | SSTATUS_UIE;

} // namespace

bool sigonstack(const thread* td)
{
    KASSERT(td->td_frame, "sigonstack for thread %s without a user frame", td->td_name);
    const sigaltstack& ss = td->td_sigstk;
    return (td->td_pflags & tdpflag::TDP_ALTSTACK) && td->td_frame->sp() - ss.ss_sp < ss.ss_size;
}

void get_mcontext(thread* td, __mcontext* mc)
{
    KASSERT(td->td_frame, "get_mcontext of thread %s without a user frame", td->td_name);
    const arch::TrapFrame& tf = *td->td_frame;
    KASSERT(!tf.partial(), "get_mcontext of thread %s, whose frame lacks s0..s11", td->td_name);
    *mc = __mcontext{};
    gpregs& g = mc->mc_gpregs;
    g.gp_ra = tf.x[1];
    g.gp_sp = tf.x[2];
    g.gp_gp = tf.x[3];
    g.gp_tp = tf.x[4];
    for (unsigned i = 0; i < 7; i++) g.gp_t[i] = tf.x[T_REGS[i]];
    for (unsigned i = 0; i < 12; i++) g.gp_s[i] = tf.x[S_REGS[i]];
    for (unsigned i = 0; i < 8; i++) g.gp_a[i] = tf.x[A0 + i];
    g.gp_sepc = tf.sepc;
    g.gp_sstatus = tf.sstatus;
    if (arch::cpu_fpstate_get(td, &mc->mc_fpregs)) mc->mc_flags |= _MC_FP_VALID;
}

Errno set_mcontext(thread* td, const __mcontext* mc)
{
    KASSERT(td->td_frame, "set_mcontext of thread %s without a user frame", td->td_name);
    arch::TrapFrame& tf = *td->td_frame;
    const gpregs& g = mc->mc_gpregs;
    if ((g.gp_sstatus ^ tf.sstatus) & ~USER_SSTATUS) return Errno::Inval;
    tf.x[1] = g.gp_ra;
    tf.x[2] = g.gp_sp;
    tf.x[3] = g.gp_gp;
    tf.x[4] = g.gp_tp;
    for (unsigned i = 0; i < 7; i++) tf.x[T_REGS[i]] = g.gp_t[i];
    for (unsigned i = 0; i < 12; i++) tf.x[S_REGS[i]] = g.gp_s[i];
    for (unsigned i = 0; i < 8; i++) tf.x[A0 + i] = g.gp_a[i];
    tf.sepc = g.gp_sepc;
    // tf.sstatus stays: the bits that may differ are read-only (SD, XS),
    // the kernel's to set (FS, below) or reserved without the N extension
    // (UPIE, UIE).
    if (mc->mc_flags & _MC_FP_VALID) arch::cpu_fpstate_set(td, &mc->mc_fpregs);
    return Errno::Ok;
}

Errno sendsig(thread* td, uintptr_t catcher, const __siginfo& si, const ksigset_t& mask)
{
    KASSERT(td->td_frame, "sendsig to thread %s without a user frame", td->td_name);
    arch::TrapFrame& tf = *td->td_frame;
    const int sig = si.si_signo;
    const bool altstack = (td->td_pflags & tdpflag::TDP_ALTSTACK) != 0;
    const bool onstack = sigonstack(td);
    uint64_t top = tf.sp();
    if (altstack && !onstack && sigismember(td->td_proc->p_sigacts->ps_sigonstack, sig))
        top = td->td_sigstk.ss_sp + td->td_sigstk.ss_size;
    // A user sp too low for the frame would wrap: refused below.
    const uint64_t fp = (top - sizeof(sigframe)) & ~uint64_t{15};

    sigframe frame{};
    frame.sf_si = si;
    get_mcontext(td, &frame.sf_uc.uc_mcontext);
    frame.sf_uc.uc_sigmask = mask;
    frame.sf_uc.uc_stack = td->td_sigstk;
    frame.sf_uc.uc_stack.ss_flags = altstack ? (onstack ? SS_ONSTACK : 0) : SS_DISABLE;
    if (fp > top) return Errno::Fault;
    if (const Errno e = copyout(&frame, fp, sizeof frame); e != Errno::Ok) return e;

    tf.a(0) = static_cast<uint64_t>(sig);
    tf.a(1) = fp + offsetof(sigframe, sf_si);
    tf.a(2) = fp + offsetof(sigframe, sf_uc);
    tf.sepc = catcher;
    tf.sp() = fp;
    tf.ra() = SIGCODE_ADDR;
    return Errno::Ok;
}
