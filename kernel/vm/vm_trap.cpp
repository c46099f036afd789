#include <kernel/vm/vm_trap.h>

#include <abi/signal.h>
#include <arch/param.h>
#include <kernel/console.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/sigset.h>
#include <kernel/sched/sched.h>
#include <kernel/vm/vm_pageout_oom.h>
#include <mm/intr_off.h>
#include <mm/vm_fault.h>
#include <mm/vmspace.h>

namespace {

// vm_fault_user_access after the quick path said no.
Errno fault_general(thread* td, uint64_t va, vm_prot_t access)
{
    for (;;) {
        // The space is looked up afresh: the wait may have let it change.
        vmspace* vm = td->td_proc->p_vmspace;
        if (!vm) return Errno::Fault;
        Result<TlbFlush> r = vmspace_fault(vm, VirtAddr(va), access);
        if (r.ok()) {
            r.value().execute();
            return Errno::Ok;
        }
        if (r.error() != Errno::NoMem || !vm_wait_pages(td)) return r.error();
    }
}

} // namespace

Errno vm_fault_user_access(uint64_t va, vm_prot_t access)
{
    if (va >= arch::USER_TOP) return Errno::Fault;
    thread* td = curthread();
    if (!td || !td->td_proc || !td->td_proc->p_vmspace) return Errno::Fault;
    {
        IntrOff off; // vm_fault_quick runs as the trap runs it
        if (vm_fault_user_quick(td, va, access)) return Errno::Ok;
    }
    return fault_general(td, va, access);
}

void trap_pfault(thread* td, uint64_t va, vm_prot_t access, uint64_t pc)
{
    // The trap tried vm_fault_user_quick already.
    const Errno e = va >= arch::USER_TOP ? Errno::Fault : fault_general(td, va, access);
    if (e == Errno::Ok) return;
    proc* p = td->td_proc;
    const char* what = access == VM_PROT_WRITE ? "write" : access == VM_PROT_EXECUTE ? "execute" : "read";
    if (e == Errno::NoMem) {
        // Already sent SIGKILL (the OOM killer chose it, or ^C): it dies on
        // the way out, nothing more to say.
        if (sigismember(p->p_siglist, SIGKILL) || (p->p_flag & pflag::P_WEXIT)) return;
        kprintf("pid %d (%s): out of memory in a page fault (%s at %#lx, pc %#lx): killed\n",
                p->p_pid, p->p_comm, what, va, pc);
        psignal(p, SIGKILL);
        return;
    }
    kprintf("pid %d (%s): %s at %#lx, pc %#lx: SIGSEGV\n", p->p_pid, p->p_comm, what, va, pc);
    __siginfo si{};
    si.si_signo = SIGSEGV;
    si.si_code = e == Errno::Acces ? SEGV_ACCERR : SEGV_MAPERR;
    si.si_addr = va;
    trapsignal(td, si);
}
