// EVFILT_READ and EVFILT_WRITE on descriptors (FreeBSD's fo_kqfilter of
// each kind, here in one place): pipes (filt_piperead, filt_pipewrite),
// the terminal (ttydisc's read filter) and regular files of the initrd
// and tmpfs (filt_vnread, filt_vnwrite).  Directories and kqueues give
// EINVAL.  Sprig's pipes go one way, so EVFILT_READ takes the read end
// and EVFILT_WRITE the write end (EINVAL the other way round).
#include <kernel/fs/kern_event.h>
#include <kernel/fs/kern_event_filters.h>

#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/vnode.h>
#include <kernel/tty/tty.h>
#include <lib/kassert.h>

namespace {

pipepair* kn_pipe(knote* kn) { return static_cast<pipepair*>(kn->kn_hook); }
tty* kn_tty(knote* kn) { return static_cast<tty*>(kn->kn_hook); }

// The file kn's descriptor names in its kqueue's table, or null (EBADF).
file* kn_file(knote* kn)
{
    if (kn->ident() > uintptr_t(INT32_MAX)) return nullptr;
    return fget_locked(kn->kn_kq->kq_fdp, int(kn->ident()));
}

bool kn_is_tty(const knote* kn) { return kn->kn_status & KN_TTY; }
bool kn_is_vnode(const knote* kn) { return kn->kn_status & KN_VNODE; }
// The file is the hook, not its vnode: the read filter's data is counted
// from the file's offset.  The descriptor's close removes the knote
// before the file can go, so the file outlives it.
file* kn_vfile(knote* kn) { return static_cast<file*>(kn->kn_hook); }
vnode* kn_vnode(knote* kn) { return static_cast<vnode*>(kn_vfile(kn)->f_data); }

Errno pipe_attach(knote* kn, file* fp)
{
    pipepair* pp = static_cast<pipepair*>(fp->f_data);
    const bool rd = kn->filter() == EVFILT_READ;
    if (!(fp->f_flag & (rd ? FREAD : FWRITE))) return Errno::Inval;
    if (!rd && pp->pp_rclosed) return Errno::Pipe; // nobody will ever read
    kn->kn_hook = pp;
    knlist_add(rd ? &pp->pp_rsel : &pp->pp_wsel, kn);
    return Errno::Ok;
}

Errno tty_attach(knote* kn, file* fp)
{
    tty* tp = static_cast<tty*>(fp->f_data);
    kn->kn_hook = tp;
    kn->kn_status |= KN_TTY;
    knlist_add(kn->filter() == EVFILT_READ ? &tp->t_rsel : &tp->t_wsel, kn);
    return Errno::Ok;
}

Errno vnode_attach(knote* kn, file* fp)
{
    vnode* vp = static_cast<vnode*>(fp->f_data);
    KASSERT(vp, "a vnode file without its vnode");
    if (vp->v_type != VType::VREG) return Errno::Inval;
    kn->kn_hook = fp;
    kn->kn_status |= KN_VNODE;
    knlist_add(&vp->v_sel, kn);
    return Errno::Ok;
}

Errno filt_fdattach(knote* kn, thread*)
{
    file* fp = kn_file(kn);
    if (!fp) return Errno::BadF;
    switch (fp->f_type) {
    case FileType::Pipe: return pipe_attach(kn, fp);
    case FileType::Tty: return tty_attach(kn, fp);
    case FileType::Vnode: return vnode_attach(kn, fp);
    default: return Errno::Inval;
    }
}

void filt_fddetach(knote* kn)
{
    if (kn_is_vnode(kn)) {
        knlist_remove(&kn_vnode(kn)->v_sel, kn);
    } else if (kn_is_tty(kn)) {
        tty* tp = kn_tty(kn);
        knlist_remove(kn->filter() == EVFILT_READ ? &tp->t_rsel : &tp->t_wsel, kn);
    } else {
        pipepair* pp = kn_pipe(kn);
        knlist_remove(kn->filter() == EVFILT_READ ? &pp->pp_rsel : &pp->pp_wsel, kn);
    }
    kn->kn_hook = nullptr;
}

bool filt_read(knote* kn, long)
{
    if (kn_is_vnode(kn)) {
        // FreeBSD's: the bytes between the offset and the end (none past it).
        const file* fp = kn_vfile(kn);
        const int64_t size = int64_t(kn_vnode(kn)->v_size);
        kn->data() = fp->f_offset < size ? size - fp->f_offset : 0;
        return kn->data() > 0;
    }
    if (kn_is_tty(kn)) {
        const tty* tp = kn_tty(kn);
        kn->data() = int64_t(tp->t_canon - tp->t_head); // finished lines: a read would not wait
        return kn->data() > 0;
    }
    const pipepair* pp = kn_pipe(kn);
    kn->data() = int64_t(pp->pp_cnt);
    if (pp->pp_wclosed) {
        kn->flags() |= EV_EOF;
        return true;
    }
    return kn->data() > 0;
}

bool filt_write(knote* kn, long)
{
    if (kn_is_vnode(kn)) {
        kn->data() = 0; // as FreeBSD's: a file is always writable
        return true;
    }
    if (kn_is_tty(kn)) {
        kn->data() = int64_t(TTY_WRITE_ATOMIC); // output goes straight to the device
        return true;
    }
    const pipepair* pp = kn_pipe(kn);
    if (pp->pp_rclosed) {
        kn->data() = 0;
        kn->flags() |= EV_EOF;
        return true;
    }
    kn->data() = int64_t(PIPE_SIZE - pp->pp_cnt);
    return kn->data() >= int64_t(PIPE_BUF); // as FreeBSD: room for an atomic write
}

} // namespace

const filterops read_filtops = {true, filt_fdattach, filt_fddetach, filt_read};
const filterops write_filtops = {true, filt_fdattach, filt_fddetach, filt_write};
