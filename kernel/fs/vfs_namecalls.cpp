// The calls that change names (FreeBSD's kern_unlinkat, kern_mkdirat,
// kern_rmdirat, kern_renameat): only tmpfs has names to change; in the
// initrd they are EROFS once the path is known to exist (ENOENT before).
#include <kernel/fs/vfs_syscalls.h>

#include <abi/stat.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/vaccess.h>
#include <kernel/fs/vfs_lookup.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/ucred.h>
#include <mm/copyio.h>

namespace {

// The initrd's answer to a change of an existing or missing path.
Errno initrd_change(const nameidata& nd)
{
    const Result<CpioEntry> e = initrd_lookup(nd.ni_path);
    if (nd.ni_path[0] == '\0' || e.ok()) return Errno::RoFs;
    return e.error() == Errno::Inval ? Errno::Io : e.error();
}

// Whether cred may remove or rename n out of dir: write and search on the
// directory, and in a sticky directory ownership of one or the other.
Errno may_remove(const tmpfs_node* dir, const tmpfs_node* n, const ucred* cred)
{
    const vnode* dvp = &dir->tn_vnode;
    if (!vaccess(dvp, VWRITE | VEXEC, cred).ok()) return Errno::Acces;
    if ((dvp->v_mode & S_ISVTX) && cred->cr_uid != n->tn_vnode.v_uid && cred->cr_uid != dvp->v_uid &&
        !priv_check_cred(cred, Priv::VfsAdmin).ok())
        return Errno::Perm;
    return Errno::Ok;
}

bool is_dir(const tmpfs_node* n) { return n->tn_vnode.v_type == VType::VDIR; }

// Whether dir is n or lies below it.
bool is_within(const tmpfs_node* dir, const tmpfs_node* n)
{
    for (const tmpfs_node* d = dir;; d = d->tn_parent) {
        if (d == n) return true;
        if (d->tn_parent == d) return false;
    }
}

Errno copyin_path(uint64_t upath, char* buf) { return copyinstr(upath, buf, MAXPATHLEN, nullptr); }

} // namespace

Errno kern_unlink(thread* td, char* path)
{
    nameidata nd;
    if (const Errno e = namei(path, td->td_ucred, &nd); e != Errno::Ok) return e;
    if (!nd.ni_tmpfs) return initrd_change(nd);
    if (!nd.ni_vp) return Errno::NoEnt;
    if (is_dir(nd.ni_vp)) return Errno::Perm; // FreeBSD's unlink of a directory
    if (const Errno e = may_remove(nd.ni_dvp, nd.ni_vp, td->td_ucred); e != Errno::Ok) return e;
    tmpfs_dir_remove(nd.ni_dvp, nd.ni_de);
    return Errno::Ok;
}

Errno kern_mkdir(thread* td, char* path, int mode)
{
    nameidata nd;
    if (const Errno e = namei(path, td->td_ucred, &nd); e != Errno::Ok) return e;
    if (!nd.ni_tmpfs)
        return nd.ni_path[0] == '\0' || initrd_lookup(nd.ni_path).ok() ? Errno::Exist : Errno::RoFs;
    if (nd.ni_vp) return Errno::Exist;
    if (nd.ni_lastdot) return Errno::Exist; // "d/.." whose target is missing cannot be made
    const ucred* cred = td->td_ucred;
    if (!vaccess(&nd.ni_dvp->tn_vnode, VWRITE | VEXEC, cred).ok()) return Errno::Acces;
    const uint16_t perm = uint16_t(mode & 07777 & ~td->td_proc->p_fd->fd_cmask);
    Result<tmpfs_node*> n =
        tmpfs_create(nd.ni_dvp, nd.ni_name, nd.ni_namelen, VType::VDIR, perm, cred->cr_uid, nd.ni_dvp->tn_vnode.v_gid);
    return n.ok() ? Errno::Ok : n.error();
}

Errno kern_rmdir(thread* td, char* path)
{
    nameidata nd;
    if (const Errno e = namei(path, td->td_ucred, &nd); e != Errno::Ok) return e;
    if (!nd.ni_tmpfs) return initrd_change(nd);
    if (!nd.ni_vp) return Errno::NoEnt;
    if (!is_dir(nd.ni_vp)) return Errno::NotDir;
    if (nd.ni_lastdot) return Errno::Inval;
    if (!nd.ni_dvp) return Errno::Busy; // the mount point
    if (!nd.ni_vp->tn_dir.empty()) return Errno::NotEmpty;
    if (const Errno e = may_remove(nd.ni_dvp, nd.ni_vp, td->td_ucred); e != Errno::Ok) return e;
    tmpfs_dir_remove(nd.ni_dvp, nd.ni_de);
    return Errno::Ok;
}

namespace {

// rename's checks once both names are in tmpfs and the source exists.
Errno rename_check(const nameidata& f, const nameidata& t, const ucred* cred)
{
    if (!f.ni_dvp || !t.ni_dvp) return Errno::Busy; // /tmp itself
    if (f.ni_lastdot || t.ni_lastdot) return Errno::Inval;
    if (const Errno e = may_remove(f.ni_dvp, f.ni_vp, cred); e != Errno::Ok) return e;
    if (!vaccess(&t.ni_dvp->tn_vnode, VWRITE | VEXEC, cred).ok()) return Errno::Acces;
    if (t.ni_vp)
        if (const Errno e = may_remove(t.ni_dvp, t.ni_vp, cred); e != Errno::Ok) return e;
    if (is_dir(f.ni_vp)) {
        if (is_within(t.ni_dvp, f.ni_vp)) return Errno::Inval;
        if (t.ni_vp && !is_dir(t.ni_vp)) return Errno::NotDir;
        if (t.ni_vp && !t.ni_vp->tn_dir.empty()) return Errno::NotEmpty;
    } else {
        if (t.ni_trailing_slash) return Errno::NotDir;
        if (t.ni_vp && is_dir(t.ni_vp)) return Errno::IsDir;
    }
    return Errno::Ok;
}

} // namespace

Errno kern_rename(thread* td, char* from, char* to)
{
    nameidata f, t;
    if (const Errno e = namei(from, td->td_ucred, &f); e != Errno::Ok) return e;
    if (f.ni_tmpfs && !f.ni_vp) return Errno::NoEnt;
    if (!f.ni_tmpfs)
        if (const Errno e = initrd_change(f); e != Errno::RoFs) return e;
    if (const Errno e = namei(to, td->td_ucred, &t); e != Errno::Ok) return e;
    if (f.ni_tmpfs != t.ni_tmpfs) return Errno::XDev;
    if (!f.ni_tmpfs) return Errno::RoFs;
    if (const Errno e = rename_check(f, t, td->td_ucred); e != Errno::Ok) return e;
    if (f.ni_vp == t.ni_vp) return Errno::Ok; // two names of one file: nothing to do
    if (t.ni_de) {
        tmpfs_dir_replace(f.ni_dvp, f.ni_de, t.ni_dvp, t.ni_de);
        return Errno::Ok;
    }
    return tmpfs_dir_move(f.ni_dvp, f.ni_de, t.ni_dvp, t.ni_name, t.ni_namelen);
}

Errno user_unlink(thread* td, uint64_t upath)
{
    char path[MAXPATHLEN];
    if (const Errno e = copyin_path(upath, path); e != Errno::Ok) return e;
    return kern_unlink(td, path);
}

Errno user_mkdir(thread* td, uint64_t upath, int mode)
{
    char path[MAXPATHLEN];
    if (const Errno e = copyin_path(upath, path); e != Errno::Ok) return e;
    return kern_mkdir(td, path, mode);
}

Errno user_rmdir(thread* td, uint64_t upath)
{
    char path[MAXPATHLEN];
    if (const Errno e = copyin_path(upath, path); e != Errno::Ok) return e;
    return kern_rmdir(td, path);
}

Errno user_rename(thread* td, uint64_t ufrom, uint64_t uto)
{
    char from[MAXPATHLEN], to[MAXPATHLEN];
    if (const Errno e = copyin_path(ufrom, from); e != Errno::Ok) return e;
    if (const Errno e = copyin_path(uto, to); e != Errno::Ok) return e;
    return kern_rename(td, from, to);
}
