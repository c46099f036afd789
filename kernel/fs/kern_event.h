// Kernel event queues (FreeBSD's kqueue, kern/kern_event.c): a kqueue is
// an open file (FileType::Kqueue) holding knotes, each watching one thing
// (a descriptor, a process, a signal) through a filter.  The watched
// object keeps a klist of the knotes on it and calls knote(list, hint)
// when something happens; a filter that says "this is an event" puts the
// knote on its kqueue's active queue and wakes the kqueue's readers.
//
// Lifetimes: a knote belongs to its kqueue and goes when the kqueue is
// closed, when EV_DELETE removes it, when it is reported with EV_ONESHOT,
// or, for a descriptor's knote, when that descriptor is closed
// (knote_fdclose from close, dup2 and close-on-exec; knote_fdfree for a
// whole table at exit).  The object
// it watches may go first only for processes: exit reports NOTE_EXIT and
// leaves the knote detached (KN_DETACHED), to be read later.
//
// Kqueues are not inherited across fork (FreeBSD: kqueues are not
// DFLAG_PASSABLE): fdcopy skips files of type Kqueue.
//
// Everything here runs with interrupts off (IntrOff): the terminal's
// input interrupt activates knotes, and on one hart that is the lock.
// Knotes and kqueues come from zones in ProcZones, so fail points reach
// them and leak checks count them.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <abi/event.h>
#include <lib/kassert.h>
#include <lib/list.h>
#include <lib/result.h>

struct filedesc;
struct file;
struct knote;
struct kqueue;
struct thread;

// A filter's operations (FreeBSD's struct filterops).
struct filterops {
    bool f_isfd; // ident is a descriptor: the knote goes when it closes
    // Attach kn to what it watches (kn_hook); an errno refuses the knote.
    Errno (*f_attach)(knote* kn, thread* td);
    // Take kn off what it watches (not called once KN_DETACHED).
    void (*f_detach)(knote* kn);
    // Whether kn has an event, given hint (0: look at the object as it is).
    bool (*f_event)(knote* kn, long hint);
};

// kn_status.
inline constexpr uint32_t KN_ACTIVE = 0x01;   // has an event to report
inline constexpr uint32_t KN_QUEUED = 0x02;   // on its kqueue's active queue
inline constexpr uint32_t KN_DISABLED = 0x04; // EV_DISABLE: not reported
inline constexpr uint32_t KN_DETACHED = 0x08; // on no klist (its process exited)
inline constexpr uint32_t KN_TTY = 0x10;      // EVFILT_READ/WRITE: kn_hook is a terminal
inline constexpr uint32_t KN_VNODE = 0x20;    // EVFILT_READ/WRITE: kn_hook is a file of a vnode

struct knote {
    knote* kn_selnext = nullptr;    // the next on the watched object's klist
    knote** kn_selprev = nullptr;   // what points at it there; null when on none
    ListNode kn_link;    // on its kqueue's list of knotes
    ListNode kn_tqe;     // on its kqueue's active queue
    kqueue* kn_kq = nullptr;
    struct kevent kn_kevent{}; // ident, filter, flags, udata as registered; fflags, data to report
    uint32_t kn_sfflags = 0;   // the fflags asked for
    int64_t kn_sdata = 0;      // the data given (EVFILT_PROC's child: the parent's pid)
    uint32_t kn_status = 0;    // KN_*
    const filterops* kn_fop = nullptr;
    void* kn_hook = nullptr;   // the watched object (pipe, tty, proc, vnode file)

    uintptr_t ident() const { return kn_kevent.ident; }
    int16_t filter() const { return kn_kevent.filter; }
    uint16_t& flags() { return kn_kevent.flags; }
    uint32_t& fflags() { return kn_kevent.fflags; }
    int64_t& data() { return kn_kevent.data; }
};

// The knotes on one watched object (FreeBSD's SLIST, with a back pointer
// for removal).  Constant-initialised, so that a terminal made at compile
// time (the console's) may hold one.
struct klist {
    knote* kl_first = nullptr;

    bool empty() const { return kl_first == nullptr; }
    knote* front() const { return kl_first; }
    static knote* next(const knote* kn) { return kn->kn_selnext; }
    static bool linked(const knote* kn) { return kn->kn_selprev != nullptr; }
    void push_front(knote* kn)
    {
        KASSERT(!linked(kn), "knote already on a klist");
        kn->kn_selnext = kl_first;
        if (kl_first) kl_first->kn_selprev = &kn->kn_selnext;
        kl_first = kn;
        kn->kn_selprev = &kl_first;
    }
    static void remove(knote* kn)
    {
        KASSERT(linked(kn), "removing a knote that is on no klist");
        *kn->kn_selprev = kn->kn_selnext;
        if (kn->kn_selnext) kn->kn_selnext->kn_selprev = kn->kn_selprev;
        kn->kn_selnext = nullptr;
        kn->kn_selprev = nullptr;
    }
};

// A kqueue (FreeBSD's struct kqueue).
struct kqueue {
    ListNode kq_link;                         // on the list of every kqueue
    List<knote, &knote::kn_link> kq_knlist;   // all its knotes
    List<knote, &knote::kn_tqe> kq_head;      // the active ones, oldest first
    filedesc* kq_fdp = nullptr;               // the table its descriptor knotes name
    char kq_chan = 0;                         // kevent sleeps here
};

// --- For the watched objects ---------------------------------------------

// KNOTE (FreeBSD's KNOTE_LOCKED): something happened to the object whose list this is: each knote's
// filter is asked (hint is the filter's business) and those that say so
// are activated.  The hooks below test for an empty list inline, so an
// object nobody watches pays one load and a branch (fork, exit, psignal
// and close are on measured paths).
void knote_post(klist* list, long hint);
inline void KNOTE(klist* list, long hint)
{
    if (!list->empty()) knote_post(list, hint);
}
// A knote's object is gone: off its list, KN_DETACHED (knlist_clear).
void knlist_clear(klist* list);
// Adds kn to / removes kn from an object's list (filters' attach/detach).
void knlist_add(klist* list, knote* kn);
void knlist_remove(klist* list, knote* kn);
// Marks kn as having an event and queues it unless disabled.
void knote_activate(knote* kn);

// Descriptor fd of fdp is being closed: every knote on it goes (from the
// table's slot removal, before the slot's reference is dropped).  Only a
// test of a count while no knote names a descriptor.
extern size_t g_kq_fd_knotes;
void knote_fdclose_slow(filedesc* fdp, int fd);
inline void knote_fdclose(filedesc* fdp, int fd)
{
    if (g_kq_fd_knotes) knote_fdclose_slow(fdp, fd);
}
// Every descriptor of fdp is about to close (fdfree): all their knotes go.
void knote_fdfree_slow(filedesc* fdp);
inline void knote_fdfree(filedesc* fdp)
{
    if (g_kq_fd_knotes) knote_fdfree_slow(fdp);
}

// The process hooks (kern_event_proc.cpp).
// (Each takes the process's p_klist, so as not to need proc.h here.)
// fork1, after the child is on the lists and before it runs: NOTE_FORK to
// the parent's watchers, and a knote on the child for each NOTE_TRACK one.
void knote_fork_slow(klist* list, int pid);
inline void knote_fork(klist* list, int pid)
{
    if (!list->empty()) knote_fork_slow(list, pid);
}
// exit1, once p_xstat is set: NOTE_EXIT, then every knote left detached.
void knote_exit_slow(klist* list);
inline void knote_exit(klist* list)
{
    if (!list->empty()) knote_exit_slow(list);
}
// exec, once the new image is in place.
inline void knote_exec(klist* list) { KNOTE(list, NOTE_EXEC); }
// psignal, for every signal posted (even ignored): EVFILT_SIGNAL counts it.
inline void knote_signal(klist* list, int sig) { KNOTE(list, long(NOTE_SIGNAL) | sig); }

// --- The calls -----------------------------------------------------------

// kqueue(2): a new kqueue at the lowest free descriptor.  EMFILE; ENOMEM
// (no kqueue object), ENFILE (no file object).
Errno kern_kqueue(thread* td);
// Registers one change (kqueue_register); ENOMEM, EINVAL, EBADF, ENOENT,
// ESRCH and the filter's own.
Errno kqueue_register(kqueue* kq, const struct kevent* kev, thread* td);
// Takes up to n reported events into out (kqueue_scan's dequeue, no
// sleep); returns how many.
size_t kqueue_collect(kqueue* kq, struct kevent* out, size_t n);
// kevent(2) (kern_kevent), user pointers as given.
Errno kern_kevent(thread* td, int fd, uint64_t uchanges, int64_t nchanges, uint64_t uevents,
                  int64_t nevents, uint64_t utimeout);

// Kqueues and knotes in existence, and the kqueue of a file (null if it
// is no kqueue), for tests and the invariant checker.
size_t kqueue_count();
kqueue* file_kqueue(file* fp);
// Whether every kqueue's lists agree with its knotes' status; each
// mismatch is a violation in r (the invariant checker calls it).
class InvariantReport;
void kqueue_check(InvariantReport& r);
