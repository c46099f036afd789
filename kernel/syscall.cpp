#include <kernel/syscall.h>

#include <abi/syscall.h>
#include <abi/wait.h>
#include <arch/frame.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/proc.h>
#include <lib/kassert.h>

namespace {

using Args = const uint64_t*;

Errno sys_exit(thread* td, Args a) { exit1(td, W_EXITCODE(static_cast<int>(a[0] & 0xff), 0)); }

Errno sys_getpid(thread* td, Args)
{
    td->td_retval[0] = static_cast<uint64_t>(td->td_proc->p_pid);
    return Errno::Ok;
}

struct Sysent {
    int code;
    Errno (*fn)(thread*, Args);
};

constexpr Sysent sysent[] = {
    {SYS_exit, sys_exit},
    {SYS_getpid, sys_getpid},
};

} // namespace

void syscall(thread* td)
{
    KASSERT(td->td_frame, "syscall from thread %s without a user frame", td->td_name);
    arch::TrapFrame& tf = *td->td_frame;
    tf.sepc += 4;
    uint64_t args[8];
    for (unsigned i = 0; i < 8; i++) args[i] = tf.a(i);
    td->td_retval[0] = 0;
    td->td_retval[1] = tf.a(1);
    Errno e = Errno::NoSys;
    for (const Sysent& s : sysent)
        if (static_cast<uint64_t>(s.code) == tf.t0()) e = s.fn(td, args);
    if (e == Errno::Ok) {
        tf.a(0) = td->td_retval[0];
        tf.a(1) = td->td_retval[1];
        tf.t0() = 0;
    } else {
        tf.a(0) = static_cast<uint64_t>(e);
        tf.t0() = 1;
    }
}
