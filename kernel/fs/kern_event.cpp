#include <kernel/fs/kern_event.h>

#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/kern_event_filters.h>
#include <kernel/fs/kern_descrip.h>
#include <kernel/debug/invariant_report.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

// Knotes naming a descriptor, in all kqueues: a close with none to find
// costs one test.
size_t g_kq_fd_knotes = 0;

namespace {

// Every kqueue, so that a descriptor's close finds the knotes on it.
List<kqueue, &kqueue::kq_link> g_kqueues;

// The filter of a registered event, or null (EINVAL).
const filterops* filter_ops(int16_t filter)
{
    switch (filter) {
    case EVFILT_READ: return &read_filtops;
    case EVFILT_WRITE: return &write_filtops;
    case EVFILT_PROC: return &proc_filtops;
    case EVFILT_SIGNAL: return &sig_filtops;
    default: return nullptr;
    }
}

knote* knote_find(kqueue* kq, uintptr_t ident, int16_t filter)
{
    for (knote* kn : kq->kq_knlist)
        if (kn->ident() == ident && kn->filter() == filter) return kn;
    return nullptr;
}

void knote_dequeue(knote* kn)
{
    if (!(kn->kn_status & KN_QUEUED)) return;
    kn->kn_kq->kq_head.remove(kn);
    kn->kn_status &= ~KN_QUEUED;
}

// Detaches kn from what it watches, takes it off its kqueue and frees it.
void knote_drop(knote* kn)
{
    IntrOff off;
    if (!(kn->kn_status & KN_DETACHED)) kn->kn_fop->f_detach(kn);
    KASSERT(!klist::linked(kn), "knote %lu/%d freed on a klist", kn->ident(), kn->filter());
    knote_dequeue(kn);
    kn->kn_kq->kq_knlist.remove(kn);
    if (kn->kn_fop->f_isfd) g_kq_fd_knotes--;
    proc_zones().knotes.destroy(kn);
}

Errno kqueue_close(file* fp)
{
    kqueue* kq = file_kqueue(fp);
    while (knote* kn = kq->kq_knlist.front()) knote_drop(kn);
    {
        IntrOff off;
        g_kqueues.remove(kq);
    }
    proc_zones().kqueues.destroy(kq);
    return Errno::Ok;
}

const fileops kqueueops = {
    .fo_close = kqueue_close,
    .fo_read = nullptr,  // EBADF, as FreeBSD's kqueue_read
    .fo_write = nullptr, // EBADF
    .fo_ioctl = nullptr, // ENOTTY
    .fo_flags = 0,       // not seekable; fdcopy leaves kqueues behind by their type
};

// Flags a change asks for that stay on the knote (the actions do not).
constexpr uint16_t EV_ACTIONS = EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE;

// A new knote for kev in kq, attached; ENOMEM, or the filter's refusal.
Errno knote_add(kqueue* kq, const struct kevent* kev, const filterops* fop, thread* td)
{
    Result<knote*> r = proc_zones().knotes.create();
    if (!r.ok()) return Errno::NoMem;
    knote* kn = r.value();
    kn->kn_kq = kq;
    kn->kn_fop = fop;
    kn->kn_kevent = *kev;
    kn->flags() &= uint16_t(~EV_ACTIONS);
    kn->kn_kevent.fflags = 0;
    kn->kn_kevent.data = 0;
    kn->kn_sfflags = kev->fflags;
    kn->kn_sdata = kev->data;
    IntrOff off;
    if (const Errno e = fop->f_attach(kn, td); e != Errno::Ok) {
        proc_zones().knotes.destroy(kn);
        return e;
    }
    kq->kq_knlist.push_back(kn);
    if (fop->f_isfd) g_kq_fd_knotes++;
    if (kev->flags & EV_DISABLE) kn->kn_status |= KN_DISABLED;
    if (kn->kn_status & KN_ACTIVE)
        knote_activate(kn); // attach found an event already (a zombie, a child)
    else if (fop->f_event(kn, 0))
        knote_activate(kn);
    return Errno::Ok;
}

// A change to an existing knote: new fflags/data/udata, enable, disable.
void knote_modify(knote* kn, const struct kevent* kev)
{
    IntrOff off;
    if (kev->flags & EV_ADD) {
        kn->kn_sfflags = kev->fflags;
        kn->kn_sdata = kev->data;
        kn->kn_kevent.udata = kev->udata;
    }
    if (kev->flags & EV_DISABLE) {
        kn->kn_status |= KN_DISABLED;
        knote_dequeue(kn);
    }
    if (kev->flags & EV_ENABLE) kn->kn_status &= ~KN_DISABLED;
    if (!(kn->kn_status & KN_DETACHED) && kn->kn_fop->f_event(kn, 0)) kn->kn_status |= KN_ACTIVE;
    if (kn->kn_status & KN_ACTIVE) knote_activate(kn);
}

} // namespace

kqueue* file_kqueue(file* fp)
{
    if (fp->f_type != FileType::Kqueue) return nullptr;
    KASSERT(fp->f_data, "a kqueue file without its kqueue");
    return static_cast<kqueue*>(fp->f_data);
}

size_t kqueue_count()
{
    IntrOff off;
    return g_kqueues.size();
}

// --- For the watched objects ---

void knlist_add(klist* list, knote* kn)
{
    IntrOff off;
    list->push_front(kn);
    kn->kn_status &= ~KN_DETACHED;
}

void knlist_remove(klist* list, knote* kn)
{
    IntrOff off;
    KASSERT(!list->empty(), "knote %lu/%d taken off an empty klist", kn->ident(), kn->filter());
    list->remove(kn);
    kn->kn_status |= KN_DETACHED;
}

void knlist_clear(klist* list)
{
    IntrOff off;
    while (knote* kn = list->front()) {
        knlist_remove(list, kn);
        kn->kn_hook = nullptr;
    }
}

void knote_activate(knote* kn)
{
    IntrOff off;
    kn->kn_status |= KN_ACTIVE;
    if (kn->kn_status & (KN_QUEUED | KN_DISABLED)) return;
    kn->kn_kq->kq_head.push_back(kn);
    kn->kn_status |= KN_QUEUED;
    wakeup(&kn->kn_kq->kq_chan);
}

void knote_post(klist* list, long hint)
{
    IntrOff off;
    // A filter may take its knote off the list (NOTE_EXIT): step first.
    for (knote* kn = list->front(); kn;) {
        knote* next = list->next(kn);
        if (kn->kn_fop->f_event(kn, hint)) knote_activate(kn);
        kn = next;
    }
}

void knote_fdfree_slow(filedesc* fdp)
{
    IntrOff off;
    for (kqueue* kq : g_kqueues) {
        if (kq->kq_fdp != fdp) continue;
        for (knote* kn = kq->kq_knlist.front(); kn;) {
            knote* next = kq->kq_knlist.next(kn);
            if (kn->kn_fop->f_isfd) knote_drop(kn);
            kn = next;
        }
    }
}

void knote_fdclose_slow(filedesc* fdp, int fd)
{
    IntrOff off;
    for (kqueue* kq : g_kqueues) {
        if (kq->kq_fdp != fdp) continue;
        for (knote* kn = kq->kq_knlist.front(); kn;) {
            knote* next = kq->kq_knlist.next(kn);
            if (kn->kn_fop->f_isfd && kn->ident() == uintptr_t(fd)) knote_drop(kn);
            kn = next;
        }
    }
}

// --- Registration and collection ---

Errno kqueue_register(kqueue* kq, const struct kevent* kev, thread* td)
{
    const filterops* fop = filter_ops(kev->filter);
    if (!fop) return Errno::Inval;
    knote* kn = nullptr;
    {
        IntrOff off;
        kn = knote_find(kq, kev->ident, kev->filter);
    }
    if (!kn) {
        if (!(kev->flags & EV_ADD)) return Errno::NoEnt;
        return knote_add(kq, kev, fop, td);
    }
    if (kev->flags & EV_DELETE) {
        knote_drop(kn);
        return Errno::Ok;
    }
    // NOTE_TRACK's knote for a new child whose pid an earlier process of
    // the kqueue's still had (exited, its NOTE_EXIT not read): a kqueue
    // holds one knote per pid, and rewriting the old one (FreeBSD's way)
    // would lose that exit and track nothing.  The caller says
    // NOTE_TRACKERR instead.
    if (kev->flags & EV_FLAG1) return Errno::Exist;
    knote_modify(kn, kev);
    return Errno::Ok;
}

namespace {

// What the scan does with a knote it took off the queue: report it or
// not, and whether it stays.
enum class Scan { Skip, Report, ReportDrop };

Scan knote_scan_one(knote* kn)
{
    kn->kn_status &= ~KN_QUEUED;
    if (kn->kn_status & KN_DISABLED) return Scan::Skip; // stays active for EV_ENABLE
    if (kn->flags() & EV_DROP) {
        knote_drop(kn);
        return Scan::Skip;
    }
    if (kn->flags() & EV_ONESHOT) return Scan::ReportDrop;
    // Level-triggered: look again, the event may be gone (a pipe read empty).
    if (!(kn->kn_status & KN_DETACHED) && !kn->kn_fop->f_event(kn, 0)) {
        kn->kn_status &= ~KN_ACTIVE;
        return Scan::Skip;
    }
    return Scan::Report;
}

} // namespace

size_t kqueue_collect(kqueue* kq, struct kevent* out, size_t n)
{
    IntrOff off;
    size_t got = 0;
    // Each queued knote once: one reported and left active goes back to
    // the tail and must not be seen again by this call.
    for (size_t budget = kq->kq_head.size(); budget > 0 && got < n; budget--) {
        knote* kn = kq->kq_head.pop_front();
        const Scan what = knote_scan_one(kn);
        if (what == Scan::Skip) continue;
        out[got] = kn->kn_kevent;
        out[got].flags &= uint16_t(~(EV_DROP | EV_FLAG1)); // the kernel's own
        got++;
        if (what == Scan::ReportDrop) {
            knote_drop(kn);
        } else if (kn->flags() & EV_CLEAR) {
            kn->fflags() = 0;
            kn->data() = 0;
            kn->kn_status &= ~KN_ACTIVE;
        } else {
            kq->kq_head.push_back(kn);
            kn->kn_status |= KN_QUEUED;
        }
    }
    return got;
}

Errno kern_kqueue(thread* td)
{
    Result<kqueue*> rk = proc_zones().kqueues.create();
    if (!rk.ok()) return Errno::NoMem;
    kqueue* kq = rk.value();
    Result<file*> rf = falloc_noinstall(proc_zones().fds.files);
    if (!rf.ok()) {
        proc_zones().kqueues.destroy(kq);
        return Errno::NFile; // as pipe(2) and FreeBSD's falloc
    }
    file* fp = rf.value();
    kq->kq_fdp = td->td_proc->p_fd;
    {
        IntrOff off;
        g_kqueues.push_back(kq);
    }
    finit(fp, FREAD | FWRITE, FileType::Kqueue, kq, &kqueueops);
    Result<int> fd = finstall(td->td_proc->p_fd, fp, 0, getmaxfd(td));
    (void)fdrop(fp); // the slot's reference, or the last one: closes the kqueue
    if (!fd.ok()) return fd.error();
    td->td_retval[0] = uint64_t(fd.value());
    return Errno::Ok;
}

void kqueue_check(InvariantReport& r)
{
    IntrOff off;
    for (kqueue* kq : g_kqueues) {
        size_t queued = 0;
        for (knote* kn : kq->kq_knlist) {
            if (kn->kn_kq != kq)
                r.violation("kqueue", "knote %lu/%d is on a kqueue not its own", kn->ident(),
                            kn->filter());
            if (((kn->kn_status & KN_QUEUED) != 0) != kn->kn_tqe.linked())
                r.violation("kqueue", "knote %lu/%d: KN_QUEUED is %d, the active queue disagrees",
                            kn->ident(), kn->filter(), (kn->kn_status & KN_QUEUED) != 0);
            if (((kn->kn_status & KN_DETACHED) != 0) == klist::linked(kn))
                r.violation("kqueue", "knote %lu/%d: KN_DETACHED disagrees with its klist",
                            kn->ident(), kn->filter());
            if (kn->kn_status & KN_QUEUED) queued++;
        }
        if (queued != kq->kq_head.size())
            r.violation("kqueue", "%zu knotes say KN_QUEUED, %zu are on the active queue", queued,
                        kq->kq_head.size());
    }
}
