#include <kernel/proc/kthread.h>

#include <kernel/sched/sched.h>
#include <mm/kmalloc.h>

#include <string.h>

Result<void> kthread_start(thread* td, const char* name, void (*fn)(void*), void* arg,
                           uint8_t pri)
{
    void* stack = TRY(kmalloc(KTHREAD_STACK));
    strncpy(td->td_name, name, sizeof td->td_name - 1);
    td->td_priority = td->td_base_pri = pri;
    sched_thread_setup(td, stack, KTHREAD_STACK, fn, arg);
    sched_add(td);
    return {};
}

void kthread_reap(thread* td)
{
    kfree(td->td_kstack);
    td->td_kstack = nullptr;
}
