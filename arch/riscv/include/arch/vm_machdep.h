// The machine half of making and ending threads (FreeBSD's vm_machdep.c):
// where a thread's user frame lives, how a forked child gets a copy of its
// parent's frame and returns 0 from fork, and how it goes to user mode.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <arch/fpe.h>
#include <arch/frame.h>

struct thread;

namespace arch {

// Per-thread machine state beyond the switch context (the user frame sits
// at the top of the kernel stack, where trap entry from user mode pushes
// it): where a fault inside a user copy resumes (FreeBSD's pcb_onfault),
// 0 outside one; and the thread's user FP state when it is not in the
// registers (arch/fpe.h).
struct MdThread {
    uint64_t md_onfault = 0;
    FpState md_fp = {};
};

// Places td's user frame at the top of its kernel stack (td->td_kstack must
// be valid) and zeroes it.
void cpu_thread_alloc(thread* td);
void cpu_thread_free(thread* td);
// The part of the kernel stack below the frame, for the switch context.
void* cpu_thread_stack(thread* td, size_t* size);
// The child td2 starts with a copy of td1's user frame (a zeroed one when
// td1 has none, as kernel processes have not) in which fork returns 0:
// a0 = 0, a1 = 0 and t0 = 0 (no error), as FreeBSD/riscv's cpu_fork sets,
// and a copy of td1's FP state (fpe_fork).
void cpu_fork(thread* td1, thread* td2);
// From fork_return: leaves for user mode through td's frame.
[[noreturn]] void cpu_user_return(thread* td);
// Makes instructions the kernel just wrote into memory visible to
// instruction fetch (fence.i), before user code runs them.
void sync_icache();

} // namespace arch
