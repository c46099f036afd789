#include <kernel/tty/tty.h>

#include <abi/fcntl.h>
#include <abi/ttycom.h>
#include <kernel/fs/uio.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_zones.h>
#include <mm/intr_off.h>

namespace {

tty* fp_tty(file* fp)
{
    KASSERT(fp->f_type == FileType::Tty && fp->f_data, "not a terminal");
    return static_cast<tty*>(fp->f_data);
}

Errno tty_read(file* fp, uio* uio, thread*)
{
    return ttydisc_read(fp_tty(fp), uio, fp->f_flag & O_NONBLOCK);
}

Errno tty_write(file* fp, uio* uio, thread*) { return ttydisc_write(fp_tty(fp), uio); }

// The last close of a file on tp; the last file on tp runs t_lastclose
// and drops unread input.
Errno tty_close(file* fp)
{
    tty* tp = fp_tty(fp);
    KASSERT(tp->t_opencount > 0, "closing a terminal nobody opened");
    if (--tp->t_opencount > 0) return Errno::Ok;
    if (tp->t_lastclose) tp->t_lastclose(tp);
    ttydisc_setattr(tp, termios_defaults(), true);
    return Errno::Ok;
}

// TIOCSPGRP: the new foreground group must be in the terminal's session.
Errno tty_set_pgrp(tty* tp, proc* p, int pgid)
{
    if (!tty_is_ctty(tp, p)) return Errno::NoTty;
    pgrp* pg = pgid > 0 ? proc_zones().pgrps.pgfind(pgid) : nullptr;
    if (!pg || pg->pg_session != proc_session(p)) return Errno::Perm;
    tp->t_pgrp = pg;
    return Errno::Ok;
}

// The terminal's ioctls (tty_generic_ioctl's job-control and termios
// parts).  Output is never queued, so TIOCSETAW has nothing to wait for.
Errno tty_ioctl(file* fp, uint32_t com, void* data, thread* td)
{
    tty* tp = fp_tty(fp);
    proc* p = td->td_proc;
    int* arg = static_cast<int*>(data);
    switch (com) {
    case TIOCSCTTY:
        return tty_set_ctty(tp, p);
    case TIOCGPGRP:
        if (!tty_is_ctty(tp, p)) return Errno::NoTty;
        *arg = tp->t_pgrp ? tp->t_pgrp->pg_id : NO_PID;
        return Errno::Ok;
    case TIOCSPGRP:
        return tty_set_pgrp(tp, p, *arg);
    case TIOCGETA:
        *static_cast<termios*>(data) = tp->t_termios;
        return Errno::Ok;
    case TIOCSETA:
    case TIOCSETAW:
    case TIOCSETAF:
        ttydisc_setattr(tp, *static_cast<const termios*>(data), com == TIOCSETAF);
        return Errno::Ok;
    default:
        return Errno::NoTty;
    }
}

} // namespace

const fileops ttyops = {
    .fo_close = tty_close,
    .fo_read = tty_read,
    .fo_write = tty_write,
    .fo_ioctl = tty_ioctl,
    .fo_flags = 0, // lseek: ESPIPE
};

void tty_init(tty* tp, void (*output)(void*, char), void* ctx)
{
    KASSERT(tp->t_opencount == 0, "tty_init of an open terminal");
    tp->t_output = output;
    tp->t_outctx = ctx;
}

Result<file*> tty_open_file(tty* tp, uint32_t fflags)
{
    KASSERT(tp->t_output, "opening a terminal with no device");
    Result<file*> fp = falloc_noinstall(proc_zones().fds.files);
    if (!fp.ok()) return Errno::NFile;
    finit(fp.value(), fflags & FMASK, FileType::Tty, tp, &ttyops);
    if (tp->t_opencount++ == 0 && tp->t_firstopen) tp->t_firstopen(tp);
    return fp;
}

bool tty_is_ctty(const tty* tp, const proc* p)
{
    return tp->t_session && tp->t_session == proc_session(p) && (p->p_flag & pflag::P_CONTROLT);
}

Errno tty_set_ctty(tty* tp, proc* p)
{
    session* sess = proc_session(p);
    if (!sess || sess->s_leader != p) return Errno::Perm;
    if (tp->t_session == sess) return Errno::Ok; // already ours
    // A terminal whose session leader has exited may be taken (FreeBSD
    // lets a terminal go when the leader's exit revoked its vnode).
    if (sess->s_ttyp || (tp->t_session && tp->t_session->s_leader)) return Errno::Perm;
    if (tp->t_session) tp->t_session->s_ttyp = nullptr;
    tp->t_session = sess;
    sess->s_ttyp = tp;
    tp->t_pgrp = p->p_pgrp;
    p->p_flag |= pflag::P_CONTROLT;
    return Errno::Ok;
}

void tty_rel_pgrp(tty* tp, pgrp* pg)
{
    if (tp->t_pgrp == pg) tp->t_pgrp = nullptr;
}

void tty_rel_sess(tty* tp, session* sess)
{
    if (tp->t_session != sess) return;
    KASSERT(!tp->t_pgrp || tp->t_pgrp->pg_session != sess,
            "session %d freed with its group %d in the foreground", sess->s_sid, tp->t_pgrp->pg_id);
    tp->t_session = nullptr;
    tp->t_pgrp = nullptr;
}
