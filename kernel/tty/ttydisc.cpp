// The line discipline (FreeBSD's tty_ttydisc.c): canonical with ECHO,
// ECHOE, ECHOK, ICRNL and ISIG by default; ICANON, ECHO, ISIG and ICRNL
// may each be turned off, and VMIN/VTIME rule non-canonical reads.
#include <kernel/tty/tty.h>

#include <abi/signal.h>
#include <kernel/fs/uio.h>
#include <kernel/clock.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/swi.h>
#include <kernel/sched/sleep.h>
#include <mm/intr_off.h>

namespace {

void tty_out(tty* tp, char c) { tp->t_output(tp->t_outctx, c); }

bool lflag(const tty* tp, tcflag_t f) { return tp->t_termios.c_lflag & f; }

// Output that echoes input: nothing with ECHO off.
void echo(tty* tp, char c)
{
    if (lflag(tp, ECHO)) tty_out(tp, c);
}

void echos(tty* tp, const char* s)
{
    while (*s) echo(tp, *s++);
}

size_t inq_used(const tty* tp) { return tp->t_tail - tp->t_head; }

void inq_put(tty* tp, char c) { tp->t_inq[tp->t_tail++ % TTYINQ_SIZE] = c; }

// Ends the line being edited: readers may take it.
void line_done(tty* tp)
{
    tp->t_canon = tp->t_tail;
    wakeup(&tp->t_inwait);
    KNOTE(&tp->t_rsel, 0);
}

// Takes back the last character of the line being edited, on screen too.
void erase_one(tty* tp)
{
    if (tp->t_tail == tp->t_canon) return;
    tp->t_tail--;
    echos(tp, "\b \b");
}

// Terminals with signals to send, and the software interrupt that sends
// them.  Interrupts off for both.
List<tty, &tty::t_siglink> g_sigttys;
void tty_swi(void*) { tty_signal_pending(); }
swi_handler g_tty_swi{"tty", tty_swi, nullptr};

// Signal sig for tp's foreground group, sent by the swi thread: an
// interrupt handler must not walk a group that fork and exit edit.
void signal_later(tty* tp, int sig)
{
    if (!tp->t_pgrp) return; // nobody to tell
    tp->t_sigpending |= uint32_t{1} << (sig - 1);
    if (!tp->t_siglink.linked()) g_sigttys.push_back(tp);
    swi_add(&g_tty_swi);
    swi_sched(&g_tty_swi);
}

// ^C, ^\ and ^Z: the input is thrown away (FreeBSD flushes unless
// NOFLSH) and the foreground group signalled (SIGINT, SIGQUIT, SIGTSTP),
// only its members that have a controlling terminal.
void intr(tty* tp, const char* echo, int sig)
{
    echos(tp, echo);
    tp->t_head = tp->t_canon = tp->t_tail;
    signal_later(tp, sig);
}

// The next terminal with signals to send and those signals, taken off
// the list; nullptr when none is left.
tty* take_signals(uint32_t* sigs)
{
    IntrOff off;
    tty* tp = g_sigttys.pop_front();
    if (!tp) return nullptr;
    *sigs = tp->t_sigpending;
    tp->t_sigpending = 0;
    return tp;
}

// An ordinary character: kept if the queue has room for it and still
// one more (the line's end must always fit), otherwise dropped with a
// bell (IMAXBEL).
void ordinary(tty* tp, char c)
{
    if (inq_used(tp) >= TTYINQ_SIZE - 1) {
        tty_out(tp, '\a');
        return;
    }
    inq_put(tp, c);
    echo(tp, c);
}

// Non-canonical: the byte is readable at once.
void raw(tty* tp, char c)
{
    if (inq_used(tp) == TTYINQ_SIZE) return; // dropped, as FreeBSD does when full
    inq_put(tp, c);
    echo(tp, c);
    line_done(tp);
}

// ^C, ^\ and ^Z with ISIG on; false for any other character.
bool signal_char(tty* tp, char c)
{
    switch (c) {
    case CINTR:
        intr(tp, "^C\n", SIGINT);
        return true;
    case CQUIT:
        intr(tp, "^\\\n", SIGQUIT);
        return true;
    case CSUSP:
        intr(tp, "^Z\n", SIGTSTP);
        return true;
    default:
        return false;
    }
}

// '\n' and CEOF end a line; CEOF stays in the queue, unseen by readers,
// as the mark where a read stops (nothing before it: end of file).
void line_end(tty* tp, char c)
{
    if (inq_used(tp) == TTYINQ_SIZE) return;
    inq_put(tp, c);
    if (c == '\n') echo(tp, '\n');
    line_done(tp);
}

} // namespace

void tty_signal_pending()
{
    uint32_t sigs = 0;
    while (tty* tp = take_signals(&sigs)) {
        for (int sig = 1; sigs; sig++, sigs >>= 1) {
            if (!(sigs & 1)) continue;
            // The group in the foreground now: the one typed at may have
            // gone (tty_rel_pgrp forgot it) or been replaced since.
            if (tp->t_pgrp) pgsignal(tp->t_pgrp, sig, true);
        }
    }
}

void tty_fini(tty* tp)
{
    IntrOff off;
    if (tp->t_siglink.linked()) g_sigttys.remove(tp);
    tp->t_sigpending = 0;
}

void ttydisc_rint(tty* tp, char c)
{
    if (c == '\r' && (tp->t_termios.c_iflag & ICRNL)) c = '\n'; // the Enter key
    if (lflag(tp, ISIG) && signal_char(tp, c)) return;
    if (!lflag(tp, ICANON)) {
        raw(tp, c);
        return;
    }
    switch (c) {
    case CERASE:
    case CERASE2:
        erase_one(tp);
        break;
    case CKILL:
        while (tp->t_tail != tp->t_canon) erase_one(tp);
        break;
    case CEOF:
    case '\n':
        line_end(tp, c);
        break;
    default:
        ordinary(tp, c);
    }
}

void ttydisc_setattr(tty* tp, const termios& t, bool flush)
{
    IntrOff off;
    tp->t_termios = t;
    if (flush) tp->t_head = tp->t_canon = tp->t_tail;
    // Out of canonical mode the line being edited is readable as it is;
    // readers waiting under the old rules look again.
    if (!(t.c_lflag & ICANON)) tp->t_canon = tp->t_tail;
    wakeup(&tp->t_inwait);
}

namespace {

// The most bytes moved per copy, on the stack.
constexpr size_t CHUNK = 64;

// Takes up to n bytes of the finished input, stopping after a line's
// end; *ended says whether one was reached (its CEOF is dropped).
size_t take(tty* tp, char* buf, size_t n, bool* ended)
{
    IntrOff off;
    size_t got = 0;
    *ended = false;
    while (got < n && tp->t_head != tp->t_canon) {
        const char c = tp->t_inq[tp->t_head++ % TTYINQ_SIZE];
        if (c == CEOF) {
            *ended = true;
            break;
        }
        buf[got++] = c;
        if (c == '\n') {
            *ended = true;
            break;
        }
    }
    return got;
}

// Waits until a finished line is there.
Errno wait_line(tty* tp, bool nonblock)
{
    for (;;) {
        IntrOff off;
        if (tp->t_head != tp->t_canon) return Errno::Ok;
        if (nonblock) return Errno::Again;
        if (const Errno e = tsleep(&tp->t_inwait, PSOCK | PCATCH, "ttyin", 0); e != Errno::Ok)
            return e;
    }
}

// Non-canonical: up to n queued bytes, whatever they are.
size_t take_raw(tty* tp, char* buf, size_t n)
{
    IntrOff off;
    size_t got = 0;
    while (got < n && tp->t_head != tp->t_canon) buf[got++] = tp->t_inq[tp->t_head++ % TTYINQ_SIZE];
    return got;
}

// Non-canonical: waits until `want` bytes are queued, or timo ticks
// passed (0: no limit), or the terminal went back to canonical mode.
Errno wait_raw(tty* tp, size_t want, uint64_t timo)
{
    for (;;) {
        IntrOff off;
        if (tp->t_canon - tp->t_head >= want || lflag(tp, ICANON)) return Errno::Ok;
        const Errno e = tsleep(&tp->t_inwait, PSOCK | PCATCH, "ttyin", timo);
        if (e == Errno::Again) return Errno::Ok; // VTIME ran out
        if (e != Errno::Ok) return e;
    }
}

// VMIN and VTIME's rules (see tty.h) for a read of up to n bytes.
Errno wait_vmin_vtime(tty* tp, size_t n, bool nonblock)
{
    const cc_t vmin = tp->t_termios.c_cc[VMIN];
    const cc_t vtime = tp->t_termios.c_cc[VTIME];
    if (nonblock) return tp->t_canon != tp->t_head ? Errno::Ok : Errno::Again;
    const uint64_t timo = vtime ? (uint64_t{vtime} * HZ + 9) / 10 : 0;
    if (vmin == 0) return vtime ? wait_raw(tp, 1, timo) : Errno::Ok;
    const size_t want = vmin < n ? vmin : n;
    if (!vtime) return wait_raw(tp, want, 0);
    if (const Errno e = wait_raw(tp, 1, 0); e != Errno::Ok) return e;
    return wait_raw(tp, want, timo);
}

// A non-canonical read, under t_rlock.
Errno read_raw(tty* tp, uio* uio, bool nonblock)
{
    if (const Errno e = wait_vmin_vtime(tp, uio->uio_resid, nonblock); e != Errno::Ok) return e;
    while (uio->uio_resid > 0) {
        char buf[CHUNK];
        const size_t n = take_raw(tp, buf, uio->uio_resid < CHUNK ? uio->uio_resid : CHUNK);
        if (n == 0) break;
        if (const Errno e = uiomove(buf, n, uio); e != Errno::Ok) return e;
    }
    return Errno::Ok;
}

// FreeBSD's tty_wait_background for a read: Ok when p may read (it is in
// the foreground group, or this is not its controlling terminal, or
// there is no foreground group); otherwise its group gets SIGTTIN and
// the read is restarted after the stop, or EIO when SIGTTIN would not
// stop it.  Orphaned groups are not detected (no pg_jobc yet).
Errno background_read(tty* tp, thread* td)
{
    if (!td) return Errno::Ok; // a kernel-side read (host tests)
    proc* p = td->td_proc;
    if (!tty_is_ctty(tp, p) || !tp->t_pgrp || p->p_pgrp == tp->t_pgrp) return Errno::Ok;
    KASSERT(p->p_pgrp && p->p_pgrp->pg_session == tp->t_session,
            "pid %d reads its controlling terminal from outside its session", p->p_pid);
    if (sigismember(td->td_sigmask, SIGTTIN) || sig_ignored(p->p_sigacts, SIGTTIN)) return Errno::Io;
    pgsignal(p->p_pgrp, SIGTTIN, true);
    return Errno::Restart;
}

} // namespace

// One line at most, under t_rlock (a non-blocking read does not wait for
// another reader, who may be waiting for a line).  Bytes are taken
// before they are copied out: a bad buffer (EFAULT) loses them, as it
// does in FreeBSD.
Errno ttydisc_read(tty* tp, uio* uio, bool nonblock)
{
    if (uio->uio_resid == 0) return Errno::Ok;
    if (const Errno e = background_read(tp, uio->uio_td); e != Errno::Ok) return e;
    if (nonblock && tp->t_rlock.locked()) return Errno::Again;
    SleepLockHeld held(tp->t_rlock, PSOCK | PCATCH, "ttyrd");
    if (held.error() != Errno::Ok) return held.error();
    if (!lflag(tp, ICANON)) return read_raw(tp, uio, nonblock);
    if (const Errno e = wait_line(tp, nonblock); e != Errno::Ok) return e;
    bool ended = false;
    while (uio->uio_resid > 0 && !ended) {
        char buf[CHUNK];
        const size_t n = take(tp, buf, uio->uio_resid < CHUNK ? uio->uio_resid : CHUNK, &ended);
        if (n == 0) break;
        if (const Errno e = uiomove(buf, n, uio); e != Errno::Ok) return e;
    }
    return Errno::Ok;
}

// Each piece is copied in whole before any of it goes out: the copy may
// sleep (a fault waiting for a page), and another writer running then
// must find the device between two pieces, never inside one.  Output
// itself never sleeps (the UART is polled), and the kernel is not
// preemptible, so a piece reaches the device in one go.
Errno ttydisc_write(tty* tp, uio* uio)
{
    static_assert(TTY_WRITE_ATOMIC <= 512, "the piece lives on the kernel stack");
    while (uio->uio_resid > 0) {
        char buf[TTY_WRITE_ATOMIC];
        const size_t n = uio->uio_resid < TTY_WRITE_ATOMIC ? uio->uio_resid : TTY_WRITE_ATOMIC;
        if (const Errno e = uiomove(buf, n, uio); e != Errno::Ok) return e;
        for (size_t i = 0; i < n; i++) tty_out(tp, buf[i]);
    }
    return Errno::Ok;
}
