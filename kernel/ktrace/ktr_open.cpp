#include <kernel/ktrace/ktr_open.h>

#include <stdint.h>
#include <string.h>
#include <abi/fcntl.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/vfs_syscalls.h>
#include <kernel/fs/vfs_vnops.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_zones.h>

namespace {

constexpr char FD_PREFIX[] = "/dev/fd/";

// N of "/dev/fd/N" (decimal, no sign), or -1 for any other path.
int fd_path(const char* fname)
{
    if (strncmp(fname, FD_PREFIX, sizeof FD_PREFIX - 1) != 0) return -1;
    const char* s = fname + sizeof FD_PREFIX - 1;
    if (!*s) return -1;
    long n = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > INT32_MAX / 10) return -1;
        n = n * 10 + (*s - '0');
    }
    return n <= INT32_MAX ? int(n) : -1;
}

Result<file*> open_fd(thread* td, int fd)
{
    file* fp = TRY(fget(td->td_proc->p_fd, fd));
    // A kind with no write (a kqueue) cannot take records either.
    if (!(fp->f_flag & FWRITE) || !fp->f_ops->fo_write) {
        (void)fdrop(fp);
        return Errno::BadF;
    }
    return fp;
}

Result<file*> open_path(thread* td, char* fname)
{
    vnode* vp = TRY(kern_open_vnode(td, fname, O_WRONLY, 0));
    if (vp->v_type != VType::VREG) { // FreeBSD's ktrace: records go to files only
        vrele(vp);
        return Errno::Acces;
    }
    Result<file*> fp = falloc_noinstall(proc_zones().fds.files);
    if (!fp.ok()) {
        vrele(vp);
        return Errno::NoMem;
    }
    vn_finit(fp.value(), FWRITE | O_APPEND, vp);
    return fp;
}

} // namespace

Result<file*> ktr_open(thread* td, char* fname)
{
    if (const int fd = fd_path(fname); fd >= 0) return open_fd(td, fd);
    return open_path(td, fname);
}
