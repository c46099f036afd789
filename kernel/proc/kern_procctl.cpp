#include <kernel/proc/kern_procctl.h>

#include <abi/procctl.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_table.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>

Result<void> kern_procctl(thread* td, int idtype, int64_t id, int com, int op)
{
    if (idtype != PROCCTL_IDTYPE_PID || com != PROC_SPROTECT) return Errno::Inval;
    if (PPROT_FLAGS(op) != 0) return Errno::Inval;
    if (PPROT_OP(op) != PPROT_SET && PPROT_OP(op) != PPROT_CLEAR) return Errno::Inval;
    TRY(priv_check_cred(td->td_ucred, Priv::VmMadvProtect));
    if (id <= 0 || id > INT32_MAX) return Errno::Srch;
    IntrOff off;
    proc* p = proc_table().pfind(static_cast<pid_t>(id));
    if (!p || p->p_state != ProcState::Normal) return Errno::Srch;
    if (p->p_flag & (pflag::P_SYSTEM | pflag::P_KTHREAD)) return Errno::Perm;
    if (PPROT_OP(op) == PPROT_SET)
        p->p_flag |= pflag::P_PROTECTED;
    else
        p->p_flag &= ~pflag::P_PROTECTED;
    return {};
}

Errno user_procctl(thread* td, int idtype, int64_t id, int com, uint64_t udata)
{
    int op = 0;
    if (const Errno e = copyin(udata, &op, sizeof op); e != Errno::Ok) return e;
    Result<void> r = kern_procctl(td, idtype, id, com, op);
    return r.ok() ? Errno::Ok : r.error();
}
