#include <kernel/proc/priv.h>

#include <kernel/proc/ucred.h>

Result<void> priv_check_cred(const ucred* cred, Priv priv, int flags)
{
    KASSERT(cred && cred->cr_ref > 0, "priv_check_cred without a live credential");
    (void)flags;
    switch (priv) {
    case Priv::MaxProc:
    case Priv::Ktrace:
    case Priv::DebugDiffCred:
    case Priv::DebugSugid:
    case Priv::CredSetuid:
    case Priv::SysctlWrite:
    case Priv::ProcLimit:
    case Priv::ProcSetRlimit:
    case Priv::SignalDiffCred:
    case Priv::SignalSugid:
    case Priv::VfsRead:
    case Priv::VfsWrite:
    case Priv::VfsExec:
    case Priv::VfsAdmin:
    case Priv::VmMadvProtect:
        // The superuser policy: the effective uid decides.
        return cred->cr_uid == 0 ? Result<void>() : Result<void>(Errno::Perm);
    }
    return Errno::Perm;
}
