// The host tests' per-thread machine state and their user-mode hook (the
// thread seam itself is declared once, in kernel/proc/vm_machdep.h).  A
// thread runs on a host stack (its kernel stack is a simulated address
// the host cannot run on, though it is allocated and mapped exactly as in
// the kernel), and its user frame is plain memory here.  "User mode" is a
// hook a test installs.
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

// The test's stand-in for a user program, which cpu_user_return calls; it
// must not return (it ends in exit1).  Returns the previous hook.
using UserModeHook = void (*)(thread* td);
UserModeHook set_user_mode_hook(UserModeHook hook);

} // namespace arch
