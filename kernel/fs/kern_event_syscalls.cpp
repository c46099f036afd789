// kevent(2)'s user side (FreeBSD's kern_kevent and kqueue_scan): the
// changes copied in a few at a time and registered, errors reported as
// EV_ERROR events while there is room, then the ready events copied out,
// sleeping for the first one unless the timeout is zero.
#include <kernel/fs/kern_event.h>

#include <abi/time.h>
#include <kernel/clock.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sleep.h>
#include <lib/utility.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>

namespace {

// Events moved per copy: a batch lives on the kernel stack.
constexpr size_t KQ_NEVENTS = 8;

// The user's event list as it fills.
struct EventOut {
    uint64_t uaddr;
    int64_t room;
    int64_t count = 0;

    Errno put(const struct kevent* ev, size_t n)
    {
        const Errno e = copyout(ev, uaddr + uint64_t(count) * sizeof *ev, n * sizeof *ev);
        if (e == Errno::Ok) count += int64_t(n), room -= int64_t(n);
        return e;
    }
};

// Registers the changes; those that fail (or ask EV_RECEIPT) are written
// to out while it has room, else the first failure is the call's error.
Errno apply_changes(thread* td, kqueue* kq, uint64_t uchanges, int64_t nchanges, EventOut& out)
{
    struct kevent batch[KQ_NEVENTS];
    for (int64_t done = 0; done < nchanges;) {
        const size_t n = size_t(sprig::min<int64_t>(nchanges - done, KQ_NEVENTS));
        const uint64_t from = uchanges + uint64_t(done) * sizeof batch[0];
        if (const Errno ce = copyin(from, batch, n * sizeof batch[0]); ce != Errno::Ok) return ce;
        done += int64_t(n);
        for (size_t i = 0; i < n; i++) {
            struct kevent* kev = &batch[i];
            kev->flags &= uint16_t(~EV_SYSFLAGS); // the kernel's own flags are not the caller's
            const Errno e = kqueue_register(kq, kev, td);
            if (e == Errno::Ok && !(kev->flags & EV_RECEIPT)) continue;
            if (out.room <= 0) return e;
            kev->flags = EV_ERROR;
            kev->data = int64_t(e);
            if (const Errno ce = out.put(kev, 1); ce != Errno::Ok) return ce;
        }
    }
    return Errno::Ok;
}

// The timeout as a tick count: -1 for none (wait for ever), 0 for a poll.
Result<int64_t> timeout_ticks(uint64_t utimeout)
{
    if (!utimeout) return int64_t(-1);
    ktimespec ts;
    if (const Errno ce = copyin(utimeout, &ts, sizeof ts); ce != Errno::Ok) return ce;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1'000'000'000) return Errno::Inval;
    constexpr int64_t NS_PER_TICK = 1'000'000'000 / HZ;
    // A day is as good as for ever, and keeps the sum below from overflowing.
    const int64_t sec = sprig::min<int64_t>(ts.tv_sec, 86400);
    return sec * HZ + (ts.tv_nsec + NS_PER_TICK - 1) / NS_PER_TICK;
}

// Waits for an event: Ok when one may be there, Again at the deadline,
// Intr for a signal (ERESTART too: kevent is not restarted, as FreeBSD).
Errno kqueue_sleep(kqueue* kq, uint64_t deadline, bool forever)
{
    IntrOff off;
    if (!kq->kq_head.empty()) return Errno::Ok;
    const uint64_t now = ticks();
    if (!forever && now >= deadline) return Errno::Again;
    const Errno e = tsleep(&kq->kq_chan, PSOCK | PCATCH, "kqread", forever ? 0 : deadline - now);
    return e == Errno::Restart ? Errno::Intr : e;
}

// Copies ready events out until the list is full or none is left,
// sleeping for the first as the timeout says.
Errno kqueue_scan(kqueue* kq, EventOut& out, int64_t timo)
{
    const uint64_t deadline = ticks() + uint64_t(timo < 0 ? 0 : timo);
    struct kevent batch[KQ_NEVENTS];
    while (out.room > 0) {
        const size_t room = size_t(sprig::min<int64_t>(out.room, KQ_NEVENTS));
        const size_t got = kqueue_collect(kq, batch, room);
        if (got) {
            if (const Errno ce = out.put(batch, got); ce != Errno::Ok) return ce;
            if (got < KQ_NEVENTS) return Errno::Ok; // the queue is empty now
            continue;
        }
        if (out.count > 0 || timo == 0) return Errno::Ok;
        const Errno e = kqueue_sleep(kq, deadline, timo < 0);
        if (e == Errno::Again) return Errno::Ok; // timed out: no events
        if (e != Errno::Ok) return e;
    }
    return Errno::Ok;
}

} // namespace

Errno kern_kevent(thread* td, int fd, uint64_t uchanges, int64_t nchanges, uint64_t uevents,
                  int64_t nevents, uint64_t utimeout)
{
    if (nchanges < 0 || nevents < 0) return Errno::Inval;
    Result<file*> rf = fget(td->td_proc->p_fd, fd);
    if (!rf.ok()) return rf.error();
    file* fp = rf.value();
    kqueue* kq = file_kqueue(fp);
    Errno e = kq ? Errno::Ok : Errno::BadF;
    EventOut out{uevents, nevents};
    if (e == Errno::Ok) e = apply_changes(td, kq, uchanges, nchanges, out);
    // Changes that came back as EV_ERROR events are the answer.
    if (e == Errno::Ok && out.count == 0 && nevents > 0) {
        Result<int64_t> timo = timeout_ticks(utimeout);
        e = timo.ok() ? kqueue_scan(kq, out, timo.value()) : timo.error();
    }
    (void)fdrop(fp);
    if (e != Errno::Ok) return e;
    td->td_retval[0] = uint64_t(out.count);
    return Errno::Ok;
}
