#include <kernel/exec/exec_perm.h>

#include <kernel/fs/vaccess.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/proc.h>

Errno exec_check_permissions(const thread* td, const vnode* vp)
{
    if (vp->v_type != VType::VREG) return Errno::Acces;
    const Result<void> r = vaccess(vp, VEXEC, td->td_ucred);
    return r.ok() ? Errno::Ok : r.error();
}
