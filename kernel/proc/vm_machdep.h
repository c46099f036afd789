// The thread half of the machine seam (FreeBSD's vm_machdep.c, declared
// in its sys/proc.h): where a thread's user frame lives, how a forked
// child gets a copy of its parent's frame and returns 0 from fork, and how
// it goes to user mode.  Declared once here; arch/riscv and arch/host
// define it.  The per-thread machine state itself (struct MdThread)
// differs between them: <arch/vm_machdep.h>.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <arch/vm_machdep.h>

struct thread;

namespace arch {

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
// exec's new user registers (FreeBSD's exec_setregs): every register
// zero, FP state clean, pc at entry, sp at stack, and a0 = stack too (the
// argument block crt0 reads).
void exec_setregs(thread* td, uint64_t entry, uint64_t stack);
// From fork_return: leaves for user mode through td's frame (on the host:
// calls the hook a test installed, set_user_mode_hook, which must not
// return).
[[noreturn]] void cpu_user_return(thread* td);

} // namespace arch
