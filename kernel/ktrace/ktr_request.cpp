#include <kernel/ktrace/ktr_request.h>

#include <string.h>
#include <kernel/fs/file.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/uio.h>
#include <kernel/fs/vnode.h>
#include <kernel/kern_time.h>
#include <kernel/ktrace/ktr_sink.h>
#include <kernel/ktrace/ktrace.h>
#include <kernel/sched/priority.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>
#include <mm/kmalloc.h>

namespace {

void fill_header(ktr_header* h, thread* td, int16_t type, size_t len)
{
    const proc* p = td->td_proc;
    memset(h, 0, sizeof *h);
    h->ktr_len = int32_t(len);
    h->ktr_type = int16_t(type | KTR_VERSIONED);
    h->ktr_version = KTR_VERSION1;
    h->ktr_pid = p->p_pid;
    static_assert(sizeof h->ktr_comm >= sizeof p->p_comm, "ktr_comm holds p_comm");
    memcpy(h->ktr_comm, p->p_comm, sizeof p->p_comm);
    h->ktr_comm[sizeof h->ktr_comm - 1] = 0;
    h->ktr_time = nanouptime();
    h->ktr_tid = p->p_pid; // one thread per process: its id is the pid's
    h->ktr_cpu = 0;
}

// The bytes to the sink's file, all or none: a tmpfs file as IO_UNIT
// (a full /tmp leaves it as it was), a pipe through its write.
Errno write_whole(thread* td, file* fp, ktr_header* h)
{
    const size_t len = sizeof *h + size_t(h->ktr_len);
    uio u = uio_kernel(UioRw::Write, h, len, td);
    if (fp->f_type == FileType::Vnode) {
        vnode* vp = static_cast<vnode*>(fp->f_data);
        KASSERT(vp->v_fs == VFs::Tmpfs, "a trace file outside tmpfs");
        return tmpfs_write(VP_TO_TMPFS(vp), &u, true, true);
    }
    const Errno e = fp->f_ops->fo_write(fp, &u, td);
    if (e == Errno::Ok && u.uio_resid) return Errno::Io;
    // Cut by a signal before any byte: only this record is lost.
    if ((e == Errno::Intr || e == Errno::Restart) && u.uio_resid == len) return Errno::Again;
    return e;
}

} // namespace

ktr_header* ktr_getrequest(thread* td, int16_t type, size_t len)
{
    proc* p = td->td_proc;
    if (!KTRPOINT(td, type)) return nullptr;
    Result<void*> mem = kmalloc(sizeof(ktr_header) + len);
    if (!mem.ok()) {
        p->p_traceflag |= KTRFAC_DROP;
        return nullptr;
    }
    auto* h = static_cast<ktr_header*>(mem.value());
    fill_header(h, td, type, len);
    if (p->p_traceflag & KTRFAC_DROP) {
        h->ktr_type = int16_t(h->ktr_type | KTR_DROP);
        p->p_traceflag &= ~KTRFAC_DROP;
    }
    return h;
}

void ktr_freerequest(ktr_header* h) { kfree(h); }

void ktr_submitrequest(thread* td, ktr_header* h)
{
    proc* p = td->td_proc;
    ktr_sink* ks = nullptr;
    {
        IntrOff off;
        ks = p->p_tracesink;
        if (ks) ks->ks_busy++;
    }
    if (!ks) {
        kfree(h);
        return;
    }
    Errno e = Errno::Ok;
    td->td_pflags |= tdpflag::TDP_INKTRACE;
    {
        SleepLockHeld held(ks->ks_lock, PRIBIO, "ktrwr");
        KASSERT(held.error() == Errno::Ok, "ktrwr: an uninterruptible wait failed");
        if (!ks->ks_dead) e = write_whole(td, ks->ks_fp, h);
    }
    td->td_pflags &= ~tdpflag::TDP_INKTRACE;
    kfree(h);
    if (e == Errno::Again)
        p->p_traceflag |= p->p_tracesink ? KTRFAC_DROP : 0;
    else if (e != Errno::Ok)
        ktr_sink_revoke(ks);
    ktr_sink_unbusy(ks);
}
