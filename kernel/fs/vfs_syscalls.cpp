#include <kernel/fs/vfs_syscalls.h>

#include <abi/fcntl.h>
#include <abi/unistd.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/kern_descrip.h>
#include <kernel/fs/vfs_vnops.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_zones.h>
#include <mm/copyio.h>

namespace {

// namei for open: the member's vnode, referenced, or why not.  A missing
// path is EROFS when open would create it (the file system is read-only).
Result<vnode*> open_lookup(const char* path, int flags)
{
    if (path[0] == '\0') return Errno::NoEnt;
    Result<vnode*> vp = initrd_vget(path);
    if (vp.ok()) return vp;
    if (vp.error() == Errno::NoEnt) return (flags & O_CREAT) ? Errno::RoFs : Errno::NoEnt;
    if (vp.error() == Errno::Inval) return Errno::Io; // the archive, not the caller, is bad
    return vp.error();
}

// vn_open's checks on an existing member (FreeBSD's order: EEXIST, then
// EISDIR, then the write check).
Errno open_check(const vnode* vp, int flags, uint32_t fflags)
{
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return Errno::Exist;
    if (fflags & FWRITE || flags & O_TRUNC) return vp->v_type == VType::VDIR ? Errno::IsDir : Errno::RoFs;
    return Errno::Ok;
}

// The file over vp installed at the lowest free descriptor; the vnode
// reference goes to the file (or is dropped with it on an error).
Errno open_install(thread* td, vnode* vp, int flags, uint32_t fflags)
{
    Result<file*> fp = falloc_noinstall(proc_zones().fds.files);
    if (!fp.ok()) {
        vrele(vp);
        return Errno::NFile;
    }
    vn_finit(fp.value(), fflags & FMASK, vp);
    Result<int> fd = finstall(td->td_proc->p_fd, fp.value(), flags, getmaxfd(td));
    (void)fdrop(fp.value()); // the slot holds its own reference, or nothing does
    if (!fd.ok()) return fd.error();
    td->td_retval[0] = uint64_t(fd.value());
    return Errno::Ok;
}

} // namespace

Errno kern_open(thread* td, const char* path, int flags, int)
{
    if ((flags & O_ACCMODE) == O_ACCMODE) return Errno::Inval;
    const uint32_t fflags = FFLAGS(flags);
    Result<vnode*> vp = open_lookup(path, flags);
    if (!vp.ok()) return vp.error();
    if (const Errno e = open_check(vp.value(), flags, fflags); e != Errno::Ok) {
        vrele(vp.value());
        return e;
    }
    return open_install(td, vp.value(), flags, fflags);
}

Errno user_open(thread* td, uint64_t upath, int flags, int mode)
{
    char path[MAXPATHLEN];
    if (const Errno e = copyinstr(upath, path, sizeof path, nullptr); e != Errno::Ok) return e;
    return kern_open(td, path, flags, mode);
}

namespace {

// offset + delta, or EOVERFLOW.
Result<int64_t> seek_add(int64_t base, int64_t delta)
{
    int64_t r = 0;
    if (__builtin_add_overflow(base, delta, &r)) return Errno::Overflow;
    return r;
}

Result<int64_t> seek_target(file* fp, int64_t offset, int whence)
{
    switch (whence) {
    case L_SET:
        return offset;
    case L_INCR:
        return seek_add(fp->f_offset, offset);
    case L_XTND:
        KASSERT(fp->f_type == FileType::Vnode, "a seekable file that is no vnode");
        return seek_add(int64_t(static_cast<vnode*>(fp->f_data)->v_size), offset);
    default:
        return Errno::Inval;
    }
}

} // namespace

namespace {

Errno lseek_file(thread* td, file* fp, int64_t offset, int whence)
{
    if (!(fp->f_ops->fo_flags & DFLAG_SEEKABLE)) return Errno::SPipe;
    // After any read in progress: its end would overwrite the new offset.
    FOffsetLock held(fp);
    KASSERT(held.error() == Errno::Ok, "fofflk: an uninterruptible wait failed");
    const int64_t to = TRY(seek_target(fp, offset, whence));
    if (to < 0) return Errno::Inval;
    fp->f_offset = to;
    td->td_retval[0] = uint64_t(to);
    return Errno::Ok;
}

} // namespace

Errno kern_lseek(thread* td, int64_t fd, int64_t offset, int whence)
{
    if (fd < 0 || fd > INT32_MAX) return Errno::BadF;
    Result<file*> fp = fget(td->td_proc->p_fd, int(fd));
    if (!fp.ok()) return fp.error();
    const Errno e = lseek_file(td, fp.value(), offset, whence);
    (void)fdrop(fp.value());
    return e;
}
