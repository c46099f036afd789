#include <kernel/fs/vnode.h>

#include <kernel/fs/tmpfs.h>
#include <lib/kassert.h>

void vref(vnode* vp)
{
    KASSERT(vp != nullptr, "vref of a null vnode");
    vp->v_usecount++;
}

void vrele(vnode* vp)
{
    KASSERT(vp != nullptr, "vrele of a null vnode");
    KASSERT(vp->v_usecount > 0, "vrele of %s with no use reference", vp->v_name ? vp->v_name : "?");
    // initrd vnodes live as long as the system: nothing to free at zero.
    if (--vp->v_usecount == 0 && vp->v_fs == VFs::Tmpfs) tmpfs_inactive(vp);
}
