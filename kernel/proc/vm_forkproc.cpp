#include <kernel/proc/vm_forkproc.h>

#include <abi/unistd.h>
#include <kernel/proc/vm_machdep.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <mm/vmspace.h>

Result<void> vm_forkproc_self(thread* td, int flags)
{
    KASSERT(!(flags & RFPROC), "vm_forkproc_self with RFPROC");
    if (flags & RFMEM) return {};
    TRY(vmspace_unshare(&td->td_proc->p_vmspace));
    // The caller goes on in its new space at once, not at its next switch.
    if (td == curthread()) vmspace_activate(td->td_proc->p_vmspace);
    return {};
}

void vm_forkproc_commit(thread* td, proc* p2, thread* td2, vmspace* vm2, int flags)
{
    KASSERT(flags & RFPROC, "vm_forkproc_commit without RFPROC");
    if (flags & RFMEM) {
        KASSERT(!vm2, "RFMEM with a copied vmspace");
        p2->p_vmspace = vmspace_hold(td->td_proc->p_vmspace);
    } else {
        KASSERT(vm2, "no vmspace copy for the child of pid %d", td->td_proc->p_pid);
        p2->p_vmspace = vm2;
    }
    arch::cpu_fork(td, td2);
}
