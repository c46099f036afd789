#include <kernel/proc/kern_thread.h>

#include <kernel/proc/kern_fork.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/vm_machdep.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <mm/kstack.h>

Result<thread*> thread_alloc(unsigned pages)
{
    thread* td = TRY(proc_zones().threads.create());
    Result<KStack> ks = kstack_alloc(pages);
    if (!ks.ok()) {
        proc_zones().threads.destroy(td);
        return ks.error();
    }
    td->td_kstack_obj = ks.value();
    arch::cpu_thread_alloc(td);
    return td;
}

void thread_free_stack(thread* td)
{
    if (!td->td_kstack_obj.valid()) return;
    arch::cpu_thread_free(td);
    kstack_free(td->td_kstack_obj);
    td->td_kstack_obj = KStack();
    td->td_kstack = nullptr;
    td->td_kstack_size = 0;
}

void thread_free(thread* td)
{
    KASSERT(td->td_state == ThreadState::Inactive, "freeing thread %s in state %d", td->td_name,
            static_cast<int>(td->td_state));
    KASSERT(!td->td_ucred, "freeing thread %s that still holds a credential", td->td_name);
    thread_free_stack(td);
    proc_zones().threads.destroy(td);
}

void thread_set_callout(thread* td, void (*callout)(void*), void* arg)
{
    size_t size = 0;
    void* stack = arch::cpu_thread_stack(td, &size);
    td->td_callout = callout;
    td->td_callout_arg = arg;
    sched_thread_setup_entry(td, stack, size, fork_exit);
}
