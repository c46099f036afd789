#include "trap.h"

#include <arch/csr.h>
#include <kernel/machdep.h>
#include <kernel/console.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/preempt.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <abi/signal.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/ktrace/ktr_route.h>
#include <kernel/syscall/subr_syscall.h>
#include <kernel/vm/vm_trap.h>

#include <abi/syscall.h>
#include <stddef.h>

#include "backtrace.h"
#include "timer.h"


extern "C" void trap_vector();

// trapvec.S's index of handlers: sysent_table's, with syscall_fullframe
// (trapvec.S) in place of every call flagged SYF_FULLFRAME, so that the
// vector needs no flag test; filled from sysent_table by trap_init.
using SyscallHandler = Errno (*)(thread*, const uint64_t*);
extern "C" Errno syscall_fullframe(thread*, const uint64_t*);
extern "C" SyscallHandler syscall_fast_table[SYS_MAXSYSCALL];
SyscallHandler syscall_fast_table[SYS_MAXSYSCALL];

// ktrace's routing (kernel/ktrace/ktr_route.h): while a process is
// traced every call takes the whole way, where syscallenter's trace
// points are; the fast path's own instructions stay as they are.
void cpu_syscall_route_slow(bool slow)
{
    for (unsigned i = 0; i < SYS_MAXSYSCALL; i++) {
        const sysent& e = sysent_table[i];
        syscall_fast_table[i] = slow || (e.sy_flags & SYF_FULLFRAME) ? syscall_fullframe : e.sy_call;
    }
}

namespace riscv {

namespace {
void (*g_external)(void*) = nullptr;
void* g_external_ctx = nullptr;
uint64_t g_spurious_external = 0;

void interrupt(arch::TrapFrame& tf)
{
    switch (static_cast<Irq>(tf.scause & ~SCAUSE_INTR)) {
    case Irq::Timer: timer_intr(!(tf.sstatus & SSTATUS_SPP)); return;
    case Irq::External:
        if (g_external)
            g_external(g_external_ctx);
        else
            g_spurious_external++;
        return;
    case Irq::Software: csr_clear(sip, SIE_SSIE); return;
    }
    panic("unexpected interrupt: scause %#lx", tf.scause);
}

// A kernel access to user memory (SUM on, as the user copies set it) that
// faults is resolved as the same access from user mode would be: zero
// fill and copy-on-write must work under copyin too.
bool user_fault_from_kernel(const arch::TrapFrame& tf)
{
    if (!(tf.sstatus & SSTATUS_SUM)) return false;
    switch (static_cast<Exc>(tf.scause)) {
    case Exc::LoadPageFault: return vm_fault_user_access(tf.stval, VM_PROT_READ) == Errno::Ok;
    case Exc::StorePageFault: return vm_fault_user_access(tf.stval, VM_PROT_WRITE) == Errno::Ok;
    default: return false;
    }
}

// A fault inside a user copy that the VM refused: the copy returns EFAULT
// from its recovery label (FreeBSD's pcb_onfault).
bool copy_fault_recovery(arch::TrapFrame& tf)
{
    thread* td = curthread();
    if (!td || !td->td_md.md_onfault) return false;
    switch (static_cast<Exc>(tf.scause)) {
    case Exc::LoadPageFault:
    case Exc::StorePageFault:
    case Exc::LoadAccess:
    case Exc::StoreAccess: break;
    default: return false;
    }
    tf.sepc = td->td_md.md_onfault;
    return true;
}

// A fault's synchronous signal (trapsignal) with its code, the address
// (stval for data, sepc for the instruction) and the cause.
void trap_signal(thread* td, const arch::TrapFrame& tf, int sig, int code, uint64_t addr)
{
    __siginfo si{};
    si.si_signo = sig;
    si.si_code = code;
    si.si_addr = addr;
    si._reason._trapno = static_cast<int>(tf.scause);
    trapsignal(td, si);
}

thread* user_thread(const arch::TrapFrame* tf);

// The common page fault from user mode (zero fill, copy-on-write, a
// write to a page no longer shared) resolved by vm_fault_quick with
// interrupts still off, on the partial frame trapvec.S saved (nothing
// here reads s0..s11, gp or tp).  False: nothing changed, and the fault
// takes the general way on the whole frame.
bool user_pfault_quick(thread* td, const arch::TrapFrame& tf)
{
    vm_prot_t access;
    switch (static_cast<Exc>(tf.scause)) {
    case Exc::LoadPageFault: access = VM_PROT_READ; break;
    case Exc::StorePageFault: access = VM_PROT_WRITE; break;
    case Exc::InsnPageFault: access = VM_PROT_EXECUTE; break;
    default: return false;
    }
    return vm_fault_user_quick(td, tf.stval, access);
}

// A trap from user mode other than a system call (those go from the
// vector to the system-call path) that user_trap_fast left to the
// general way: a page fault or a signal for the rest; then the way back
// (ast: an owed preemption, then the signal check).
void user_trap(arch::TrapFrame& tf)
{
    thread* td = user_thread(&tf);
    arch::intr_enable(); // a system call may sleep; page faults may allocate
    switch (static_cast<Exc>(tf.scause)) {
    case Exc::LoadPageFault: trap_pfault(td, tf.stval, VM_PROT_READ, tf.sepc); break;
    case Exc::StorePageFault: trap_pfault(td, tf.stval, VM_PROT_WRITE, tf.sepc); break;
    case Exc::InsnPageFault: trap_pfault(td, tf.stval, VM_PROT_EXECUTE, tf.sepc); break;
    case Exc::IllegalInsn: trap_signal(td, tf, SIGILL, ILL_ILLOPC, tf.sepc); break;
    case Exc::Breakpoint: trap_signal(td, tf, SIGTRAP, TRAP_BRKPT, tf.sepc); break;
    case Exc::LoadMisaligned:
    case Exc::StoreMisaligned:
    case Exc::InsnMisaligned: trap_signal(td, tf, SIGBUS, BUS_ADRALN, tf.stval); break;
    default:
        kprintf("pid %d (%s): %s at pc %#lx: SIGBUS\n", td->td_proc->p_pid,
                td->td_proc->p_comm, cause_name(tf.scause), tf.sepc);
        trap_signal(td, tf, SIGBUS, BUS_ADRERR, tf.stval);
    }
    ast(td);
    arch::intr_disable(); // trap_return restores sstatus from the frame
}

// Whether ast has anything to do (its own first test): td_owepreempt or
// TDF_NEEDSIGCHK.  Every change that can make a signal deliverable goes
// through signotify, which sets TDF_NEEDSIGCHK, so clear flags mean no
// signal to act on (checked here in the debug kernel).  Made with
// interrupts off, so that nothing can become owed between it and sret.
bool ast_owed(thread* td)
{
    if (td->td_owepreempt || (td->td_flags & tdflag::TDF_NEEDSIGCHK)) return true;
    KASSERT(cursig(td) == 0, "pid %d has signal %d deliverable but TDF_NEEDSIGCHK clear",
            td->td_proc->p_pid, cursig(td));
    return false;
}

thread* syscall_thread(const arch::TrapFrame* tf)
{
    thread* td = curthread();
    KASSERT(td && td->td_proc && td->td_frame == tf, "system call with frame %p, thread's %p",
            static_cast<const void*>(tf), td ? static_cast<void*>(td->td_frame) : nullptr);
    return td;
}

thread* user_thread(const arch::TrapFrame* tf)
{
    thread* td = curthread();
    KASSERT(td && td->td_proc && td->td_frame == tf, "user trap with frame %p, thread's %p",
            static_cast<const void*>(tf), td ? static_cast<void*>(td->td_frame) : nullptr);
    return td;
}

[[noreturn]] void kernel_fault(arch::TrapFrame& tf)
{
    set_panic_frame(&tf);
    panic("kernel trap: %s at sepc %#lx, stval %#lx", cause_name(tf.scause), tf.sepc, tf.stval);
}
} // namespace

void trap_init()
{
    KASSERT(sysent_size == SYS_MAXSYSCALL, "sysent_table has %u entries, trapvec.S's index %u",
            sysent_size, SYS_MAXSYSCALL);
    cpu_syscall_route_slow(false);
    csr_write(sscratch, 0);
    csr_write(stvec, reinterpret_cast<uint64_t>(&trap_vector));
}

void set_external_handler(void (*fn)(void*), void* ctx)
{
    g_external_ctx = ctx;
    g_external = fn;
}

const char* cause_name(uint64_t scause)
{
    if (scause & SCAUSE_INTR) {
        switch (static_cast<Irq>(scause & ~SCAUSE_INTR)) {
        case Irq::Software: return "supervisor software interrupt";
        case Irq::Timer: return "supervisor timer interrupt";
        case Irq::External: return "supervisor external interrupt";
        }
        return "unknown interrupt";
    }
    switch (static_cast<Exc>(scause)) {
    case Exc::InsnMisaligned: return "instruction address misaligned";
    case Exc::InsnAccess: return "instruction access fault";
    case Exc::IllegalInsn: return "illegal instruction";
    case Exc::Breakpoint: return "breakpoint";
    case Exc::LoadMisaligned: return "load address misaligned";
    case Exc::LoadAccess: return "load access fault";
    case Exc::StoreMisaligned: return "store/AMO address misaligned";
    case Exc::StoreAccess: return "store/AMO access fault";
    case Exc::EcallUser: return "environment call from U-mode";
    case Exc::EcallSupervisor: return "environment call from S-mode";
    case Exc::InsnPageFault: return "instruction page fault";
    case Exc::LoadPageFault: return "load page fault";
    case Exc::StorePageFault: return "store/AMO page fault";
    }
    return "unknown exception";
}

} // namespace riscv

// Called by trap_vector with the saved frame, for every trap but an ecall
// from user mode (syscall_finish, syscall_ast, syscall_handler) and a
// page fault from user mode the quick way resolved (user_trap_fast).  Interrupts are off (the hardware
// cleared SIE) and stay off in the handler.  Whether the scheduler may
// switch at the end of an interrupt is intr_exit's rule
// (kernel/sched/preempt.h): only when it came from user mode; then the
// frame stays on this thread's stack until it runs again and returns
// through it.
extern "C" void trap_handler(arch::TrapFrame* tf)
{
    using namespace riscv;
    KASSERT(tf->scause != static_cast<uint64_t>(Exc::EcallUser),
            "trap_handler given a system call (trap_vector runs those)");
    if (tf->scause & SCAUSE_INTR) {
        intr_enter();
        interrupt(*tf);
        intr_exit(!(tf->sstatus & SSTATUS_SPP));
        return;
    }
    if (tf->sstatus & SSTATUS_SPP) {
        if (user_fault_from_kernel(*tf)) return; // retried on return
        if (copy_fault_recovery(*tf)) return;
        kernel_fault(*tf);
    }
    user_trap(*tf);
}

// What user_trap_fast tells trapvec.S: Done, the short way back;
// anything else, the whole frame and then user_trap_slow with it.
enum class UserTrapFast : uint64_t {
    Done = 0,
    AstOwed = 1, // the fault is resolved, ast has something to do
    General = 2, // not a fault the quick way resolved: trap_handler
};

// A trap from user mode other than an ecall, on the partial frame (the
// registers C code does not keep, sp and the CSRs), interrupts off: a
// page fault vm_fault_quick resolves comes back Done or AstOwed, as a
// system call's way back tests it; anything else is General, untouched.
extern "C" UserTrapFast user_trap_fast(arch::TrapFrame* tf)
{
    thread* td = riscv::user_thread(tf);
    KASSERT(tf->partial(), "pid %d: a fault's quick frame is marked whole", td->td_proc->p_pid);
    if (!riscv::user_pfault_quick(td, *tf)) return UserTrapFast::General;
    return riscv::ast_owed(td) ? UserTrapFast::AstOwed : UserTrapFast::Done;
}

// user_trap_fast's other outcomes, on the frame trapvec.S completed: ast
// (which may deliver a signal, copying the whole frame) for a resolved
// fault, or the general way.
extern "C" void user_trap_slow(arch::TrapFrame* tf, UserTrapFast how)
{
    KASSERT(!tf->partial(), "pid %d: user_trap_slow on a partial frame",
            riscv::user_thread(tf)->td_proc->p_pid);
    KASSERT(how == UserTrapFast::AstOwed || how == UserTrapFast::General,
            "user_trap_slow told %lu", static_cast<uint64_t>(how));
    if (how == UserTrapFast::General) {
        trap_handler(tf);
        return;
    }
    thread* td = riscv::user_thread(tf);
    arch::intr_enable();
    ast(td);
    arch::intr_disable(); // trap_return restores sstatus from the frame
}

// The system call's three ways through C (trapvec.S runs most calls
// itself and comes here only for these; docs/syscalls.md).

// A call trap_vector ran that failed, asked to be restarted or left ast
// something to do: its outcome into the frame (cpu_set_syscall_retval).
// Interrupts are off.  Returns 1 when ast must run (trap_vector completes
// the frame and calls syscall_ast), 0 for the short way back (a0, a1
// and t0 from the frame).
extern "C" uint64_t syscall_finish(arch::TrapFrame* tf, Errno error)
{
    thread* td = riscv::syscall_thread(tf);
    KASSERT(tf->partial(), "pid %d: a short system call's frame is marked whole", td->td_proc->p_pid);
    KASSERT(error != Errno::JustReturn,
            "pid %d: call %lu rewrote a frame it did not have whole (flag it SYF_FULLFRAME)",
            td->td_proc->p_pid, tf->t0());
    cpu_set_syscall_retval(td, error);
    return riscv::ast_owed(td);
}

// ast for a call trap_vector ran, on a frame it completed: a signal's
// handler frame (sendsig) copies every register.
extern "C" void syscall_ast(arch::TrapFrame* tf)
{
    thread* td = riscv::syscall_thread(tf);
    KASSERT(!tf->partial(), "pid %d: ast on a partial frame", td->td_proc->p_pid);
    arch::intr_enable();
    ast(td);
    arch::intr_disable(); // trap_return restores sstatus from the frame
}

// A call flagged SYF_FULLFRAME (or a number past the table), on the whole
// frame: the C way (syscallenter), then ast.
extern "C" void syscall_handler(arch::TrapFrame* tf)
{
    thread* td = riscv::syscall_thread(tf);
    KASSERT(!tf->partial(), "pid %d: a whole system call's frame is marked partial",
            td->td_proc->p_pid);
    arch::intr_enable(); // a system call may sleep
    syscallenter(td);
    ast(td);
    arch::intr_disable();
}

#if KASSERT_ENABLED
// The debug kernel's check on trap_vector's own way back (a success with
// nothing owed), which C code never sees otherwise.
extern "C" void syscall_check_return(arch::TrapFrame* tf)
{
    thread* td = riscv::syscall_thread(tf);
    KASSERT(tf->partial(), "pid %d: a short system call's frame is marked whole", td->td_proc->p_pid);
    KASSERT(!riscv::ast_owed(td), "pid %d: the short way back with ast owed", td->td_proc->p_pid);
}
#endif
