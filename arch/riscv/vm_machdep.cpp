#include <kernel/proc/vm_machdep.h>

#include <arch/csr.h>
#include <kernel/machdep.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>

#include <string.h>

extern "C" [[noreturn]] void riscv_enter_user(arch::TrapFrame* frame);

namespace arch {

void cpu_thread_alloc(thread* td)
{
    KASSERT(td->td_kstack_obj.valid(), "thread %s has no kernel stack", td->td_name);
    // Where trap entry from user mode will push the frame: the very top.
    const uint64_t top = td->td_kstack_obj.top().value();
    td->td_frame = reinterpret_cast<TrapFrame*>(top - sizeof(TrapFrame));
    memset(td->td_frame, 0, sizeof(TrapFrame));
}

void cpu_thread_free(thread* td)
{
    fpe_thread_free(td);
    td->td_frame = nullptr;
}

void* cpu_thread_stack(thread* td, size_t* size)
{
    KASSERT(td->td_frame, "thread %s has no frame", td->td_name);
    *size = td->td_kstack_obj.size() - sizeof(TrapFrame);
    return reinterpret_cast<void*>(td->td_kstack_obj.lo().value());
}

void cpu_fork(thread* td1, thread* td2)
{
    KASSERT(td2->td_frame, "child thread %s has no frame", td2->td_name);
    KASSERT(!td1->td_frame || !td1->td_frame->partial(),
            "fork of %s, whose frame lacks s0..s11 (the call needs SYF_FULLFRAME)", td1->td_name);
    if (td1->td_frame)
        *td2->td_frame = *td1->td_frame;
    else
        memset(td2->td_frame, 0, sizeof(TrapFrame));
    TrapFrame& tf = *td2->td_frame;
    tf.a(0) = 0; // fork returns 0 in the child ...
    tf.a(1) = 1; // ... and says so in a1 (FreeBSD's td_retval[1] for the child)
    tf.t0() = 0; // no error
    // Back to user mode with interrupts on.
    tf.sstatus = (tf.sstatus & ~riscv::SSTATUS_SPP) | riscv::SSTATUS_SPIE;
    fpe_fork(td1, td2);
}

[[noreturn]] void cpu_user_return(thread* td)
{
    KASSERT(td == curthread(), "cpu_user_return for %s, not the running thread", td->td_name);
    KASSERT(reinterpret_cast<uint64_t>(td->td_frame + 1) == td->td_kstack_obj.top().value(),
            "thread %s: the user frame is not at the top of its kernel stack", td->td_name);
    intr_disable();
    // User mode with interrupts on after sret; no SUM left over; the FP
    // state as the frame says (Off unless exec or fork gave it one), never
    // what the firmware or the kernel left in sstatus.
    TrapFrame& tf = *td->td_frame;
    tf.sstatus = (csr_read(sstatus) & ~(riscv::SSTATUS_SPP | riscv::SSTATUS_SIE |
                                         riscv::SSTATUS_SUM | riscv::SSTATUS_FS)) |
                 riscv::SSTATUS_SPIE | (tf.sstatus & riscv::SSTATUS_FS);
    riscv_enter_user(&tf);
}

void sync_icache() { __asm__ volatile("fence.i" ::: "memory"); }

} // namespace arch
