#include <kernel/syscall/sys_getters.h>

#include <kernel/proc/kern_prot.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/ucred.h>

namespace {

// A call that cannot fail and returns one number.
Errno ret(thread* td, int64_t v)
{
    td->td_retval[0] = static_cast<uint64_t>(v);
    return Errno::Ok;
}

} // namespace

Errno sys_getpid(thread* td, const uint64_t*) { return ret(td, td->td_proc->p_pid); }
Errno sys_getppid(thread* td, const uint64_t*) { return ret(td, kern_getppid(td)); }
Errno sys_getuid(thread* td, const uint64_t*) { return ret(td, td->td_ucred->cr_ruid); }
Errno sys_geteuid(thread* td, const uint64_t*) { return ret(td, td->td_ucred->cr_uid); }
Errno sys_getgid(thread* td, const uint64_t*) { return ret(td, td->td_ucred->cr_rgid); }
Errno sys_getegid(thread* td, const uint64_t*) { return ret(td, td->td_ucred->cr_gid()); }
