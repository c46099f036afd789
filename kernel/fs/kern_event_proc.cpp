// EVFILT_PROC and EVFILT_SIGNAL (FreeBSD's filt_proc* and filt_sig*), and
// the process hooks that feed them: fork (NOTE_FORK, NOTE_TRACK), exec
// (NOTE_EXEC), exit (NOTE_EXIT) and every signal posted.  Both filters
// hang their knotes on the process's p_klist; a hint with NOTE_SIGNAL is
// the signal filter's, the others the process filter's.
#include <kernel/fs/kern_event.h>
#include <kernel/fs/kern_event_filters.h>

#include <kernel/proc/proc.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/sigset.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

namespace {

proc* kn_proc(knote* kn) { return static_cast<proc*>(kn->kn_hook); }

// Whether td may watch p (FreeBSD's p_cansee).  FreeBSD's default policy
// (security.bsd.see_other_uids and see_other_gids 1, no jails, no MAC)
// lets every process see every other; Sprig has that policy and no knob
// to change it.  td is null for the kernel's own registrations
// (NOTE_TRACK's child knotes), which FreeBSD does not check either.
Errno p_cansee(thread*, const proc*) { return Errno::Ok; }

// Attaching to a process that has exited: NOTE_EXIT at once, detached.
void proc_attach_zombie(knote* kn, const proc* p)
{
    kn->kn_status |= KN_DETACHED | KN_ACTIVE;
    kn->kn_hook = nullptr;
    kn->flags() |= EV_EOF | EV_ONESHOT;
    kn->fflags() = NOTE_EXIT;
    kn->data() = p->p_xstat;
}

Errno filt_procattach(knote* kn, thread* td)
{
    if (kn->ident() > uintptr_t(INT32_MAX)) return Errno::Srch;
    proc* p = proc_table().pfind(pid_t(kn->ident()));
    if (!p) return Errno::Srch;
    const bool zombie = p->p_state == ProcState::Zombie;
    // A zombie is seen only by a watcher of its exit (FreeBSD's zpfind).
    if (zombie && !(kn->kn_sfflags & NOTE_EXIT)) return Errno::Srch;
    if (td)
        if (const Errno e = p_cansee(td, p); e != Errno::Ok) return e;
    if (zombie) {
        proc_attach_zombie(kn, p);
        return Errno::Ok;
    }
    kn->kn_hook = p;
    knlist_add(&p->p_klist, kn);
    if (kn->flags() & EV_FLAG1) {
        // A child knote made by NOTE_TRACK: its first report says so.
        kn->flags() &= uint16_t(~EV_FLAG1);
        kn->fflags() = NOTE_CHILD;
        kn->data() = kn->kn_sdata;
        kn->kn_status |= KN_ACTIVE;
    }
    return Errno::Ok;
}

void filt_procdetach(knote* kn)
{
    knlist_remove(&kn_proc(kn)->p_klist, kn);
    kn->kn_hook = nullptr;
}

// The process exited: the knote leaves its list and reports once.
bool proc_exited(knote* kn)
{
    proc* p = kn_proc(kn);
    filt_procdetach(kn);
    kn->flags() |= EV_EOF | EV_ONESHOT;
    if (kn->fflags() & NOTE_EXIT) kn->data() = p->p_xstat;
    if (kn->fflags() == 0) kn->flags() |= EV_DROP; // nothing asked for to report
    return true;
}

bool filt_proc(knote* kn, long hint)
{
    if (hint & NOTE_SIGNAL) return false;
    const uint32_t event = uint32_t(hint) & NOTE_PCTRLMASK;
    if (kn->kn_sfflags & event) kn->fflags() |= event;
    if (event == NOTE_EXIT) return proc_exited(kn);
    return kn->fflags() != 0;
}

Errno filt_sigattach(knote* kn, thread* td)
{
    if (kn->ident() > uintptr_t(_SIG_MAXSIG) || !sig_valid(int(kn->ident()))) return Errno::Inval;
    KASSERT(td, "EVFILT_SIGNAL registered by the kernel");
    proc* p = td->td_proc;
    kn->kn_hook = p;
    kn->flags() |= EV_CLEAR; // a count of deliveries since the last report
    knlist_add(&p->p_klist, kn);
    return Errno::Ok;
}

bool filt_signal(knote* kn, long hint)
{
    if (hint & NOTE_SIGNAL) {
        if (uintptr_t(hint & ~long(NOTE_SIGNAL)) == kn->ident()) kn->data()++;
    } else if (hint != 0) {
        return false; // a process event
    }
    return kn->data() != 0;
}

// A new knote for the child pid in the kqueue of parent knote kn, made as
// FreeBSD's knote_fork does; false if it could not be (NOTE_TRACKERR).
bool track_child(knote* kn, int pid)
{
    struct kevent kev{};
    kev.ident = uintptr_t(pid);
    kev.filter = EVFILT_PROC;
    kev.flags = uint16_t(kn->flags() | EV_ADD | EV_ENABLE | EV_FLAG1);
    kev.fflags = kn->kn_sfflags;
    kev.data = int64_t(kn->ident()); // the parent, reported with NOTE_CHILD
    kev.udata = kn->kn_kevent.udata;
    return kqueue_register(kn->kn_kq, &kev, nullptr) == Errno::Ok;
}

} // namespace

const filterops proc_filtops = {false, filt_procattach, filt_procdetach, filt_proc};
const filterops sig_filtops = {false, filt_sigattach, filt_procdetach, filt_signal};

void knote_fork_slow(klist* list, int pid)
{
    IntrOff off;
    // The child's knotes go on the child's list, never on this one.
    for (knote* kn = list->front(); kn; kn = list->next(kn)) {
        if (kn->kn_fop != &proc_filtops) continue;
        if (kn->kn_sfflags & NOTE_FORK) {
            kn->fflags() |= NOTE_FORK;
            knote_activate(kn);
        }
        if ((kn->kn_sfflags & NOTE_TRACK) && !track_child(kn, pid)) {
            kn->fflags() |= NOTE_TRACKERR;
            knote_activate(kn);
        }
    }
}

void knote_exit_slow(klist* list)
{
    KNOTE(list, NOTE_EXIT);
    knlist_clear(list); // the signal filter's: they never fire again
}
