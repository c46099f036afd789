// fstat and fstatat (FreeBSD's kern_fstat, kern_statat and vn_stat):
// what a vnode, a pipe or the terminal says about itself.
#include <kernel/fs/vfs_syscalls.h>

#include <string.h>
#include <abi/stat.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/vfs_lookup.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/proc.h>
#include <mm/copyio.h>

namespace {

// st_dev of each file system (and of the kinds no file system holds).
constexpr uint64_t DEV_INITRD = 1, DEV_TMPFS = 2, DEV_PIPE = 3, DEV_TTY = 4;

void vn_stat(const vnode* vp, kstat* sb)
{
    const bool tmp = vp->v_fs == VFs::Tmpfs;
    const bool dir = vp->v_type == VType::VDIR;
    sb->st_dev = tmp ? DEV_TMPFS : DEV_INITRD;
    sb->st_ino = vp->v_fileid;
    sb->st_nlink = tmp ? VP_TO_TMPFS(vp)->tn_links : (dir ? 2 : 1);
    sb->st_mode = uint16_t((dir ? S_IFDIR : S_IFREG) | vp->v_mode);
    sb->st_uid = vp->v_uid;
    sb->st_gid = vp->v_gid;
    sb->st_size = int64_t(vp->v_size);
    sb->st_blksize = 4096;
    sb->st_blocks = int64_t((vp->v_size + 511) / 512);
}

void file_stat(const file* fp, kstat* sb)
{
    switch (fp->f_type) {
    case FileType::Vnode:
        vn_stat(static_cast<const vnode*>(fp->f_data), sb);
        return;
    case FileType::Pipe:
        sb->st_dev = DEV_PIPE;
        sb->st_mode = uint16_t(S_IFIFO | 0600);
        sb->st_nlink = 1;
        sb->st_blksize = 4096;
        return;
    case FileType::Tty:
        sb->st_dev = DEV_TTY;
        sb->st_mode = uint16_t(S_IFCHR | 0620);
        sb->st_nlink = 1;
        sb->st_blksize = 4096;
        return;
    case FileType::Kqueue:
        // As FreeBSD's kqueue_stat: a FIFO, and nothing more to say.
        sb->st_mode = uint16_t(S_IFIFO);
        sb->st_nlink = 1;
        return;
    case FileType::None:
        break;
    }
    KASSERT(false, "fstat of a file of no kind");
}

// The stat of what path names.
Errno path_stat(thread* td, char* path, kstat* sb)
{
    nameidata nd;
    if (const Errno e = namei(path, td->td_ucred, &nd); e != Errno::Ok) return e;
    if (nd.ni_tmpfs) {
        if (!nd.ni_vp) return Errno::NoEnt;
        vn_stat(TMPFS_TO_VP(nd.ni_vp), sb);
        return Errno::Ok;
    }
    Result<vnode*> vp = initrd_vget(nd.ni_path);
    if (!vp.ok()) return vp.error() == Errno::Inval ? Errno::Io : vp.error();
    const bool notdir = nd.ni_trailing_slash && vp.value()->v_type != VType::VDIR;
    vn_stat(vp.value(), sb);
    vrele(vp.value());
    return notdir ? Errno::NotDir : Errno::Ok;
}

} // namespace

Errno user_fstat(thread* td, int64_t fd, uint64_t usb)
{
    if (fd < 0 || fd > INT32_MAX) return Errno::BadF;
    Result<file*> fp = fget(td->td_proc->p_fd, int(fd));
    if (!fp.ok()) return fp.error();
    kstat sb;
    memset(&sb, 0, sizeof sb);
    file_stat(fp.value(), &sb);
    (void)fdrop(fp.value());
    return copyout(&sb, usb, sizeof sb);
}

Errno user_fstatat(thread* td, int64_t fd, uint64_t upath, uint64_t usb, int flag)
{
    if (flag & ~AT_SYMLINK_NOFOLLOW) return Errno::Inval;
    char path[MAXPATHLEN];
    if (const Errno e = copyinstr(upath, path, sizeof path, nullptr); e != Errno::Ok) return e;
    if (fd != AT_FDCWD && path[0] != '/') return Errno::Inval;
    kstat sb;
    memset(&sb, 0, sizeof sb);
    if (const Errno e = path_stat(td, path, &sb); e != Errno::Ok) return e;
    return copyout(&sb, usb, sizeof sb);
}
