// getdirentries (FreeBSD's kern_getdirentries and each file system's
// readdir): a directory's entries as struct dirent records.  A
// directory's offset counts entries: 0 is ".", 1 "..", then the entries
// in the directory's order (tmpfs: creation order; initrd: archive
// order).  Each record is made afresh from its index, so nothing is held
// across the copy-out (which may sleep); an entry created or removed
// between two calls may shift the ones after it, as a directory changing
// under a reader may in FreeBSD.
#include <kernel/fs/vfs_syscalls.h>

#include <string.h>
#include <abi/dirent.h>
#include <abi/stat.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/proc.h>
#include <mm/copyio.h>

namespace {

constexpr uint64_t INITRD_ROOT_INO = 2;

void fill(dirent* d, uint64_t ino, uint8_t type, const char* name, size_t namelen, uint64_t idx)
{
    memset(d, 0, sizeof *d);
    d->d_fileno = ino;
    d->d_off = int64_t(idx + 1);
    d->d_type = type;
    d->d_namlen = uint16_t(namelen);
    d->d_reclen = uint16_t(GENERIC_DIRSIZ(namelen));
    memcpy(d->d_name, name, namelen);
}

uint8_t dtype(const vnode* vp) { return vp->v_type == VType::VDIR ? DT_DIR : DT_REG; }

Result<bool> tmpfs_entry(tmpfs_node* dir, uint64_t idx, dirent* d)
{
    if (idx == 1) {
        // The root's ".." is the initrd's root, where /tmp is.
        const bool root = dir->tn_parent == dir;
        const uint64_t ino = root || !dir->tn_parent ? INITRD_ROOT_INO : dir->tn_parent->tn_vnode.v_fileid;
        fill(d, root ? INITRD_ROOT_INO : ino, DT_DIR, "..", 2, idx);
        return true;
    }
    uint64_t k = idx - 2;
    for (tmpfs_dirent* de : dir->tn_dir) {
        if (k-- != 0) continue;
        fill(d, de->td_node->tn_vnode.v_fileid, dtype(&de->td_node->tn_vnode), de->td_name, de->td_namelen, idx);
        return true;
    }
    return false;
}

// The mount point /tmp, listed in the initrd's root when the archive has
// no member of that name.
bool lists_mount_point(const vnode* dir)
{
    return dir->v_fileid == INITRD_ROOT_INO && tmpfs_root_mount() && !initrd_lookup("tmp").ok();
}

Result<bool> initrd_entry(vnode* dir, uint64_t idx, dirent* d)
{
    if (idx == 1) {
        fill(d, INITRD_ROOT_INO, DT_DIR, "..", 2, idx); // Sprig does not keep the parent: the root's is near enough
        return true;
    }
    CpioEntry e;
    const char* name = nullptr;
    if (TRY(initrd_dir_entry(dir->v_name, idx - 2, &e, &name))) {
        const uint8_t type = (e.mode & S_IFMT) == S_IFDIR ? DT_DIR : DT_REG;
        fill(d, initrd_fileid(e), type, name, strlen(name), idx);
        return true;
    }
    // Just past the last member: the mount point, if the archive lacks it.
    if (!lists_mount_point(dir)) return false;
    if (idx > 2 && !TRY(initrd_dir_entry(dir->v_name, idx - 3, &e, &name))) return false;
    fill(d, tmpfs_root_mount()->tm_root->tn_vnode.v_fileid, DT_DIR, "tmp", 3, idx);
    return true;
}

// Record idx of directory vp: true and *d filled, false past the end.
Result<bool> dir_entry(vnode* vp, uint64_t idx, dirent* d)
{
    if (idx == 0) {
        fill(d, vp->v_fileid, DT_DIR, ".", 1, idx);
        return true;
    }
    if (vp->v_fs == VFs::Tmpfs) return tmpfs_entry(VP_TO_TMPFS(vp), idx, d);
    return initrd_entry(vp, idx, d);
}

// Copies records out from fp's offset until the next one does not fit.
Errno read_entries(thread* td, file* fp, uint64_t ubuf, uint64_t nbytes)
{
    vnode* vp = static_cast<vnode*>(fp->f_data);
    uint64_t done = 0;
    dirent d;
    for (;;) {
        const uint64_t idx = uint64_t(fp->f_offset);
        Result<bool> more = dir_entry(vp, idx, &d);
        if (!more.ok()) return more.error() == Errno::Inval ? Errno::Io : more.error();
        if (!more.value()) break;
        if (d.d_reclen > nbytes - done) {
            if (done == 0) return Errno::Inval; // not even one record fits
            break;
        }
        if (const Errno e = copyout(&d, ubuf + done, d.d_reclen); e != Errno::Ok) return e;
        done += d.d_reclen;
        fp->f_offset = int64_t(idx + 1);
    }
    td->td_retval[0] = done;
    return Errno::Ok;
}

} // namespace

Errno user_getdirentries(thread* td, int64_t fd, uint64_t ubuf, uint64_t nbytes, uint64_t ubasep)
{
    if (fd < 0 || fd > INT32_MAX) return Errno::BadF;
    Result<file*> fp = fget(td->td_proc->p_fd, int(fd));
    if (!fp.ok()) return fp.error();
    file* f = fp.value();
    Errno e = Errno::Ok;
    if (!(f->f_flag & FREAD)) e = Errno::BadF;
    else if (f->f_type != FileType::Vnode || static_cast<vnode*>(f->f_data)->v_type != VType::VDIR)
        e = Errno::Inval;
    if (e == Errno::Ok) {
        FOffsetLock held(f);
        KASSERT(held.error() == Errno::Ok, "fofflk: an uninterruptible wait failed");
        const int64_t base = f->f_offset;
        e = read_entries(td, f, ubuf, nbytes);
        if (e == Errno::Ok && ubasep) e = copyout(&base, ubasep, sizeof base);
    }
    (void)fdrop(f);
    return e;
}
