#include <kernel/proc/vm_machdep.h>
#include <kernel/debug/selftest_user.h>
#include <arch/icache_sim.h>
#include <kernel/machdep.h>

#include <kernel/proc/proc.h>
#include <lib/kassert.h>

#include <stdlib.h>
#include <string.h>

namespace {

// Host stacks: room for ASan's redzones and doctest's assertions.
constexpr size_t HOST_STACK_SIZE = 256 * 1024;
arch::UserModeHook g_user_mode = nullptr;

} // namespace

namespace arch {

void cpu_thread_alloc(thread* td)
{
    KASSERT(td->td_kstack_obj.valid(), "thread %s has no kernel stack", td->td_name);
    td->td_md.host_stack = malloc(HOST_STACK_SIZE);
    KASSERT(td->td_md.host_stack, "host stack: out of memory");
    td->td_md.host_stack_size = HOST_STACK_SIZE;
    td->td_md.frame = TrapFrame{};
    td->td_frame = &td->td_md.frame;
}

void cpu_thread_free(thread* td)
{
    fpe_thread_free(td);
    free(td->td_md.host_stack);
    td->td_md.host_stack = nullptr;
    td->td_md.host_stack_size = 0;
    td->td_frame = nullptr;
}

void* cpu_thread_stack(thread* td, size_t* size)
{
    KASSERT(td->td_md.host_stack, "thread %s has no host stack", td->td_name);
    *size = td->td_md.host_stack_size;
    return td->td_md.host_stack;
}

void cpu_fork(thread* td1, thread* td2)
{
    KASSERT(td2->td_frame, "child thread %s has no frame", td2->td_name);
    *td2->td_frame = td1->td_frame ? *td1->td_frame : TrapFrame{};
    td2->td_frame->a(0) = 0;
    td2->td_frame->a(1) = 1; // the child's td_retval[1], as on the machine
    td2->td_frame->t0() = 0;
    fpe_fork(td1, td2);
}

[[noreturn]] void cpu_user_return(thread* td)
{
    KASSERT(g_user_mode, "pid %d returns to user mode, but the test installed no user mode",
            td->td_proc ? td->td_proc->p_pid : -1);
    g_user_mode(td);
    panic("the host's user mode returned (it must end in exit1)");
}

UserModeHook set_user_mode_hook(UserModeHook hook)
{
    UserModeHook old = g_user_mode;
    g_user_mode = hook;
    return old;
}

namespace {
uint64_t g_icache_syncs = 0;
} // namespace

void sync_icache() { g_icache_syncs++; }
uint64_t icache_syncs() { return g_icache_syncs; }

UserCode selftest_user_program(SelftestProgram)
{
    panic("the host runs no user programs");
}

} // namespace arch
