#include <kernel/fs/kern_descrip.h>

#include <abi/resource.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/resource.h>

int getmaxfd(thread* td)
{
    const rlim_t lim = lim_cur(td->td_proc->p_limit, RLIMIT_NOFILE);
    if (lim <= 0) return 0; // no descriptor at all: EMFILE
    return lim < rlim_t(MAXFILESPERPROC) ? int(lim) : MAXFILESPERPROC;
}

namespace {

// A descriptor argument as an int, or -1 when it cannot be one (FreeBSD
// takes them as u_int or int: anything out of range is not open).
int fd_arg(int64_t fd) { return fd < 0 || fd > MAXFILESPERPROC ? -1 : int(fd); }

Errno dup_result(thread* td, Result<int> r)
{
    if (!r.ok()) return r.error();
    td->td_retval[0] = uint64_t(r.value());
    return Errno::Ok;
}

} // namespace

Errno kern_close(thread* td, int64_t fd)
{
    const int n = fd_arg(fd);
    if (n < 0) return Errno::BadF;
    return fdclose(td->td_proc->p_fd, n);
}

Errno kern_dup(thread* td, int64_t old)
{
    const int o = fd_arg(old);
    if (o < 0) return Errno::BadF;
    return dup_result(td, fddup(td->td_proc->p_fd, o, -1, getmaxfd(td)));
}

Errno kern_dup2(thread* td, int64_t old, int64_t newfd)
{
    const int o = fd_arg(old), n = fd_arg(newfd);
    if (o < 0 || n < 0) return Errno::BadF;
    return dup_result(td, fddup(td->td_proc->p_fd, o, n, getmaxfd(td)));
}
