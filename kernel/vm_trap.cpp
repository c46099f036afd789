#include <kernel/vm_trap.h>

#include <arch/param.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <mm/vmspace.h>

bool vm_fault_user_access(uint64_t va, vm_prot_t access)
{
    if (va >= arch::USER_TOP) return false;
    thread* td = curthread();
    if (!td || !td->td_proc || !td->td_proc->p_vmspace) return false;
    Result<TlbFlush> r = vmspace_fault(td->td_proc->p_vmspace, VirtAddr(va), access);
    if (!r.ok()) return false;
    r.value().execute();
    return true;
}
