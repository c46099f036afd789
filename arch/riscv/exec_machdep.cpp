// exec's new user registers (FreeBSD's exec_setregs), RV64's: the host
// tests compile this same file (arch/host/exec_machdep.cpp), since their
// trap frame is RV64's own.
#include <kernel/proc/vm_machdep.h>

#include <arch/fpe.h>
#include <kernel/proc/proc.h>
#include <lib/kassert.h>

#include <string.h>

namespace arch {

void exec_setregs(thread* td, uint64_t entry, uint64_t stack)
{
    KASSERT(td->td_frame, "exec in thread %s without a user frame", td->td_name);
    TrapFrame& tf = *td->td_frame;
    memset(&tf, 0, sizeof tf);
    cpu_exec_fpinit(td); // FP state clean: zeroed registers, FS Initial
    tf.sepc = entry;
    tf.sp() = stack;
    tf.a(0) = stack;
}

} // namespace arch
