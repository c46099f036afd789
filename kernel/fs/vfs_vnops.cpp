#include <kernel/fs/vfs_vnops.h>

#include <kernel/fs/tmpfs.h>
#include <kernel/fs/uio.h>
#include <kernel/fs/vnode.h>
#include <lib/utility.h>

namespace {

vnode* fp_vnode(file* fp)
{
    KASSERT(fp->f_type == FileType::Vnode && fp->f_data, "not a vnode file");
    return static_cast<vnode*>(fp->f_data);
}

// The bytes from uio_offset on, to the end of the member (vn_read).
// Directories have no bytes to give (EISDIR, as FreeBSD's file systems
// that do not export their directory format).
Errno vn_read(file* fp, uio* uio, thread*)
{
    vnode* vp = fp_vnode(fp);
    if (vp->v_type == VType::VDIR) return Errno::IsDir;
    if (vp->v_fs == VFs::Tmpfs) return tmpfs_read(VP_TO_TMPFS(vp), uio);
    KASSERT(uio->uio_offset >= 0, "read of %s at offset %ld", vp->v_name, long(uio->uio_offset));
    const uint64_t off = uint64_t(uio->uio_offset);
    if (off >= vp->v_size) return Errno::Ok; // end of file
    const size_t n = sprig::min(size_t(vp->v_size - off), uio->uio_resid);
    return uiomove(const_cast<uint8_t*>(vp->v_data + off), n, uio);
}

// Only tmpfs files are ever open for writing (open gives FWRITE nowhere else).
Errno vn_write(file* fp, uio* uio, thread*)
{
    vnode* vp = fp_vnode(fp);
    KASSERT(vp->v_fs == VFs::Tmpfs && vp->v_type == VType::VREG, "a write to a vnode that takes none");
    return tmpfs_write(VP_TO_TMPFS(vp), uio, fp->f_flag & O_APPEND);
}

Errno vn_closefile(file* fp)
{
    vrele(fp_vnode(fp));
    return Errno::Ok;
}

} // namespace

const fileops vnops = {
    .fo_close = vn_closefile,
    .fo_read = vn_read,
    .fo_write = vn_write,
    .fo_ioctl = nullptr,
    .fo_flags = DFLAG_SEEKABLE,
};

void vn_finit(file* fp, uint32_t fflags, vnode* vp)
{
    KASSERT(vp && vp->v_usecount > 0, "vn_finit without a reference to the vnode");
    KASSERT(!(fflags & FWRITE) || vp->v_fs == VFs::Tmpfs, "a vnode file open for writing on a read-only initrd");
    finit(fp, fflags, FileType::Vnode, vp, &vnops);
}
