#include <kernel/fs/vaccess.h>

#include <kernel/fs/vnode.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/ucred.h>

namespace {

bool groupmember(uint32_t gid, const ucred* cred)
{
    for (int i = 0; i < cred->cr_ngroups; i++)
        if (cred->cr_groups[i] == gid) return true;
    return false;
}

// The accmode bits cred's class is granted by vp's mode, in the owner's
// positions.
unsigned granted(const vnode* vp, const ucred* cred)
{
    const unsigned mode = vp->v_mode;
    if (cred->cr_uid == vp->v_uid) return mode & 0700;
    if (groupmember(vp->v_gid, cred)) return (mode & 0070) << 3;
    return (mode & 0007) << 6;
}

} // namespace

Result<void> vaccess(const vnode* vp, unsigned accmode, const ucred* cred)
{
    const unsigned missing = accmode & ~granted(vp, cred);
    if (!missing) return {};
    // Privilege covers what the class lacks, except execution of a file
    // nobody may execute.
    if (missing & VEXEC) {
        const bool any_x = (vp->v_mode & 0111) || vp->v_type == VType::VDIR;
        if (!any_x || !priv_check_cred(cred, Priv::VfsExec).ok()) return Errno::Acces;
    }
    if ((missing & VREAD) && !priv_check_cred(cred, Priv::VfsRead).ok()) return Errno::Acces;
    if ((missing & VWRITE) && !priv_check_cred(cred, Priv::VfsWrite).ok()) return Errno::Acces;
    return {};
}
