// The machine half of making threads, on the host: a thread runs on a host
// stack (its kernel stack is a simulated address the host cannot run on,
// though it is allocated and mapped exactly as in the kernel), and its
// user frame is plain memory here.  "User mode" is a hook a test installs.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <arch/fpe.h>
#include <arch/frame.h>

struct thread;

namespace arch {

struct MdThread {
    void* host_stack = nullptr;
    size_t host_stack_size = 0;
    TrapFrame frame{};
    FpState md_fp = {};
};

void cpu_thread_alloc(thread* td);
void cpu_thread_free(thread* td);
void* cpu_thread_stack(thread* td, size_t* size);
void cpu_fork(thread* td1, thread* td2);
// Calls the installed user-mode hook (a test's stand-in for a user
// program, which must not return: it ends in exit1); panics without one.
[[noreturn]] void cpu_user_return(thread* td);
// Makes instructions the kernel just wrote into memory visible to
// instruction fetch (fence.i), before user code runs them.
void sync_icache();
using UserModeHook = void (*)(thread* td);
UserModeHook set_user_mode_hook(UserModeHook hook);

} // namespace arch
