#include "trap.h"

#include <arch/csr.h>
#include <arch/machdep.h>
#include <kernel/console.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/preempt.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <abi/signal.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/subr_syscall.h>
#include <kernel/vm_trap.h>

#include "backtrace.h"
#include "timer.h"

extern "C" void trap_vector();

namespace riscv {

namespace {
void (*g_external)(void*) = nullptr;
void* g_external_ctx = nullptr;
uint64_t g_spurious_external = 0;

void interrupt(arch::TrapFrame& tf)
{
    switch (static_cast<Irq>(tf.scause & ~SCAUSE_INTR)) {
    case Irq::Timer: timer_intr(); return;
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

// The common page fault from user mode (zero fill, copy-on-write, a
// write to a page no longer shared) resolved by vm_fault_quick with
// interrupts still off, and the way back tested as a system call's is:
// nothing owed needs no ast().  False: user_trap takes the general way.
bool user_pfault_quick(thread* td, const arch::TrapFrame& tf)
{
    vm_prot_t access;
    switch (static_cast<Exc>(tf.scause)) {
    case Exc::LoadPageFault: access = VM_PROT_READ; break;
    case Exc::StorePageFault: access = VM_PROT_WRITE; break;
    case Exc::InsnPageFault: access = VM_PROT_EXECUTE; break;
    default: return false;
    }
    if (!vm_fault_user_quick(td, tf.stval, access)) return false;
    if (!td->td_owepreempt && !(td->td_flags & tdflag::TDF_NEEDSIGCHK)) {
        KASSERT(cursig(td) == 0, "pid %d has signal %d deliverable but TDF_NEEDSIGCHK clear",
                td->td_proc->p_pid, cursig(td));
        return true;
    }
    arch::intr_enable();
    ast(td);
    arch::intr_disable();
    return true;
}

// A trap from user mode (the frame is td's td_frame): a system call, a
// page fault, or a signal for the rest; then the way back (ast: an owed
// preemption, then the signal check).
void user_trap(arch::TrapFrame& tf)
{
    thread* td = curthread();
    KASSERT(td && td->td_proc && td->td_frame == &tf, "user trap with frame %p, thread's %p",
            static_cast<void*>(&tf), td ? static_cast<void*>(td->td_frame) : nullptr);
    if (user_pfault_quick(td, tf)) return;
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

// An ecall from user mode: user_trap's path without the cause switch.
// Returns whether the frame's callee-saved registers (s1..s11) still are
// what the CPU holds, so that the vector need not load them: C code keeps
// them, and only a call that rewrote the whole frame (exec, sigreturn:
// EJUSTRETURN) changed them.  A pending preemption or signal takes the
// full way back (ast may switch, and signal delivery rewrites the frame).
bool user_syscall(arch::TrapFrame& tf)
{
    static_assert(static_cast<uint64_t>(Exc::EcallUser) == 8, "trapvec.S's SCAUSE_ECALL_USER");
    thread* td = curthread();
    KASSERT(td && td->td_proc && td->td_frame == &tf, "system call with frame %p, thread's %p",
            static_cast<void*>(&tf), td ? static_cast<void*>(td->td_frame) : nullptr);
    arch::intr_enable(); // a system call may sleep
    const bool kept = syscallenter(td) != Errno::JustReturn;
    // ast's own first test, made with interrupts off (trap_return
    // restores sstatus from the frame) so that nothing can be owed
    // between it and sret: nothing owed needs no call.
    arch::intr_disable();
    if (!td->td_owepreempt && !(td->td_flags & tdflag::TDF_NEEDSIGCHK)) {
        KASSERT(cursig(td) == 0, "pid %d has signal %d deliverable but TDF_NEEDSIGCHK clear",
                td->td_proc->p_pid, cursig(td));
        return kept;
    }
    arch::intr_enable();
    ast(td);
    arch::intr_disable();
    return false;
}

[[noreturn]] void kernel_fault(arch::TrapFrame& tf)
{
    set_panic_frame(&tf);
    panic("kernel trap: %s at sepc %#lx, stval %#lx", cause_name(tf.scause), tf.sepc, tf.stval);
}
} // namespace

void trap_init()
{
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
// from user mode (syscall_handler).  Interrupts are off (the hardware
// cleared SIE) and stay off in the handler.  Whether the scheduler may
// switch at the end of an interrupt is intr_exit's rule
// (kernel/sched/preempt.h): only when it came from user mode; then the
// frame stays on this thread's stack until it runs again and returns
// through it.
extern "C" void trap_handler(arch::TrapFrame* tf)
{
    using namespace riscv;
    KASSERT(tf->scause != static_cast<uint64_t>(Exc::EcallUser),
            "trap_handler given a system call (trap_vector sends those to syscall_handler)");
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

// Called by trap_vector for an ecall from user mode (it tests the cause
// itself, so that the most frequent trap skips trap_handler's tests).
// Returns 1 when trap_vector may take the short way back (syscall_return:
// the frame's s1..s11 are what the CPU holds), 0 for the full restore.
extern "C" uint64_t syscall_handler(arch::TrapFrame* tf)
{
    return riscv::user_syscall(*tf);
}
