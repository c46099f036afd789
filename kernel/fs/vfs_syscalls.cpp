#include <kernel/fs/vfs_syscalls.h>

#include <abi/fcntl.h>
#include <abi/unistd.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/kern_descrip.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/vaccess.h>
#include <kernel/fs/vfs_lookup.h>
#include <kernel/fs/vfs_vnops.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_zones.h>
#include <mm/copyio.h>

namespace {

// An initrd member for open: the vnode, referenced, or why not.  A
// missing path is EROFS when open would create it (the file system is
// read-only).
Result<vnode*> initrd_open_lookup(const char* path, int flags)
{
    Result<vnode*> vp = initrd_vget(path);
    if (vp.ok()) return vp;
    if (vp.error() == Errno::NoEnt) return (flags & O_CREAT) ? Errno::RoFs : Errno::NoEnt;
    if (vp.error() == Errno::Inval) return Errno::Io; // the archive, not the caller, is bad
    return vp.error();
}

// vn_open's checks on an existing initrd member (FreeBSD's order: EEXIST,
// then EISDIR, then the write check).
Errno initrd_open_check(const vnode* vp, int flags, uint32_t fflags)
{
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return Errno::Exist;
    if (fflags & FWRITE || flags & O_TRUNC) return vp->v_type == VType::VDIR ? Errno::IsDir : Errno::RoFs;
    return Errno::Ok;
}

Result<vnode*> initrd_open(const nameidata& nd, int flags, uint32_t fflags)
{
    vnode* vp = TRY(initrd_open_lookup(nd.ni_path, flags));
    Errno e = initrd_open_check(vp, flags, fflags);
    if (e == Errno::Ok && nd.ni_trailing_slash && vp->v_type != VType::VDIR) e = Errno::NotDir;
    if (e != Errno::Ok) {
        vrele(vp);
        return e;
    }
    return vp;
}

// A new file in tmpfs for O_CREAT: mode less the umask, owned by the
// caller (the group of the directory, as BSD gives).
Result<vnode*> tmpfs_open_create(thread* td, const nameidata& nd, int mode)
{
    const ucred* cred = td->td_ucred;
    if (nd.ni_trailing_slash) return Errno::IsDir;
    if (!vaccess(TMPFS_TO_VP(nd.ni_dvp), VWRITE, cred).ok()) return Errno::Acces;
    const uint16_t perm = uint16_t(mode & 07777 & ~td->td_proc->p_fd->fd_cmask);
    tmpfs_node* n = TRY(tmpfs_create(nd.ni_dvp, nd.ni_name, nd.ni_namelen, VType::VREG, perm,
                                     cred->cr_uid, TMPFS_TO_VP(nd.ni_dvp)->v_gid));
    vref(TMPFS_TO_VP(n));
    return TMPFS_TO_VP(n);
}

// An existing tmpfs node: EEXIST, EISDIR, then the permission check.
Errno tmpfs_open_check(thread* td, vnode* vp, int flags, uint32_t fflags)
{
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return Errno::Exist;
    const bool writes = (fflags & FWRITE) || (flags & O_TRUNC);
    if (writes && vp->v_type == VType::VDIR) return Errno::IsDir;
    const unsigned acc = ((fflags & FREAD) ? VREAD : 0) | (writes ? VWRITE : 0);
    if (!vaccess(vp, acc, td->td_ucred).ok()) return Errno::Acces;
    return Errno::Ok;
}

Result<vnode*> tmpfs_open(thread* td, const nameidata& nd, int flags, uint32_t fflags, int mode)
{
    if (!nd.ni_vp) {
        if (!(flags & O_CREAT)) return Errno::NoEnt;
        return tmpfs_open_create(td, nd, mode);
    }
    vnode* vp = TMPFS_TO_VP(nd.ni_vp);
    if (const Errno e = tmpfs_open_check(td, vp, flags, fflags); e != Errno::Ok) return e;
    vref(vp);
    if ((flags & O_TRUNC) && vp->v_type == VType::VREG) tmpfs_truncate(nd.ni_vp);
    return vp;
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

Result<vnode*> kern_open_vnode(thread* td, char* path, int flags, int mode)
{
    if ((flags & O_ACCMODE) == O_ACCMODE) return Errno::Inval;
    const uint32_t fflags = FFLAGS(flags);
    nameidata nd;
    if (const Errno e = namei(path, td->td_ucred, &nd); e != Errno::Ok) return e;
    return nd.ni_tmpfs ? tmpfs_open(td, nd, flags, fflags, mode) : initrd_open(nd, flags, fflags);
}

Errno kern_open(thread* td, char* path, int flags, int mode)
{
    vnode* vp = TRY(kern_open_vnode(td, path, flags, mode));
    return open_install(td, vp, flags, FFLAGS(flags));
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
