// Terminals (FreeBSD's struct tty, kern/tty.c and tty_ttydisc.c): the
// console seen by user space as a file.  Input characters, handed in by
// the driver's interrupt (ttydisc_rint), go through a canonical line
// discipline: echoed, edited (erase, kill), and released to readers a
// line at a time; ^C sends SIGINT to the foreground process group; ^D
// ends a line without a newline, and at a line's start reads as end of
// file.  Output goes straight to the device.  A program may turn the
// discipline off (TIOCSETA, abi/termios.h: ICANON, ECHO, ISIG, ICRNL,
// VMIN and VTIME), as a shell editing its own line does: then every
// byte is readable as it arrives, unedited.
//
// A terminal may be the controlling terminal of one session (s_ttyp,
// TIOCSCTTY) and has a foreground process group in it (TIOCSPGRP), the
// one ^C signals.  The tty holds no reference on either: when the group
// or the session goes, pgrp.cpp tells it (tty_rel_pgrp, tty_rel_sess),
// as FreeBSD's pgdelete and sessrele do.
//
// Shared with the interrupt handler: the input queue and the signals
// waiting for delivery (t_sigpending, t_siglink).  Everything that
// touches them runs with interrupts off (IntrOff).  The handler never
// signals processes itself: ^C only marks SIGINT pending and schedules
// the terminal's software interrupt (kernel/sched/swi.h), whose thread
// sends it to the foreground group as it is then (tty_signal_pending).
// Job control's background read check is FreeBSD's: a process of the
// terminal's session outside its foreground group that reads gets SIGTTIN
// for its group (the read restarts once the group is continued), or EIO
// when it ignores or blocks SIGTTIN.  Writes from the background are
// allowed (TOSTOP is off, FreeBSD's default).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <abi/termios.h>
#include <kernel/fs/file.h>
#include <kernel/fs/kern_event.h>
#include <kernel/sched/sleep_lock.h>
#include <lib/list.h>

struct pgrp;
struct proc;
struct session;
struct thread;

// The input queue's size (FreeBSD's canonical line limit, MAX_CANON, is
// 255; the queue holds several lines).
inline constexpr size_t TTYINQ_SIZE = 1024;
// A write(2) to a terminal of at most this many bytes reaches the device
// whole: no other process's output lands inside it (as a pipe write of
// at most PIPE_BUF, which it equals, is atomic).  Longer writes go out in
// pieces of this size, each whole.
inline constexpr size_t TTY_WRITE_ATOMIC = 512;
// TIOCGPGRP's answer when there is no foreground group (FreeBSD's NO_PID).
inline constexpr int NO_PID = 100000;

// The special characters (FreeBSD's ttydefaults.h): ^C, ^\, ^Z, DEL and
// ^H, ^U, ^D.  Fixed: TIOCSETA's c_cc does not change them.
inline constexpr char CINTR = 0x03;
inline constexpr char CQUIT = 0x1c;
inline constexpr char CSUSP = 0x1a;
inline constexpr char CERASE = 0x7f;
inline constexpr char CERASE2 = 0x08;
inline constexpr char CKILL = 0x15;
inline constexpr char CEOF = 0x04;

struct tty {
    // Input: a ring indexed by ever-growing counts.  [t_head, t_canon) are
    // finished lines readers may take, each ending in '\n' or CEOF;
    // [t_canon, t_tail) the line being edited.
    char t_inq[TTYINQ_SIZE] = {};
    size_t t_head = 0;
    size_t t_canon = 0;
    size_t t_tail = 0;
    char t_inwait = 0; // sleep channel of readers
    // The attributes (TIOCGETA/TIOCSETA); the defaults again at the last
    // close, so a program that dies in raw mode leaves no raw terminal.
    termios t_termios = termios_defaults();
    // One reader at a time, from the wait for a line to the last byte
    // copied out: a copy may sleep (a fault waiting for a page), and
    // another reader taking bytes then would split a line between two
    // reads and make the first return bytes of two lines.
    SleepLock t_rlock;
    klist t_rsel; // EVFILT_READ knotes: woken with t_inwait
    klist t_wsel; // EVFILT_WRITE knotes (always writable)

    void (*t_output)(void* ctx, char c) = nullptr; // the device ('\n' handled there)
    void* t_outctx = nullptr;

    // Signals typed (bit sig - 1) for the foreground group, not sent yet;
    // the terminal is on the swi's list while any is.
    uint32_t t_sigpending = 0;
    ListNode t_siglink;

    session* t_session = nullptr; // whose controlling terminal it is
    pgrp* t_pgrp = nullptr;       // the foreground group, in t_session
    unsigned t_opencount = 0;     // open files on it
    // Called at the first open and the last close (the console routes its
    // input here while the terminal is open).
    void (*t_firstopen)(tty* tp) = nullptr;
    void (*t_lastclose)(tty* tp) = nullptr;
};

// The terminal kind's operations.
extern const fileops ttyops;

// A terminal writing to output(ctx, c).
void tty_init(tty* tp, void (*output)(void*, char), void* ctx);
// A new open file on tp, one reference for the caller (the open of the
// device): fflags is FREAD, FWRITE or both, with O_NONBLOCK if wanted.
// ENFILE when no file object is left.
Result<file*> tty_open_file(tty* tp, uint32_t fflags);

// --- The line discipline (ttydisc.cpp) ---
// One received character, with interrupts off (ttydisc_rint); from the
// driver's interrupt handler.
void ttydisc_rint(tty* tp, char c);
// The terminals' software interrupt: sends every typed signal to its
// terminal's foreground group (with interrupts on, in a thread).  The swi
// thread calls it; host tests without that thread may too.
void tty_signal_pending();
// A terminal going away (host tests): its undelivered signals are dropped.
void tty_fini(tty* tp);
// A read, canonical: one line at most, waiting for it (tsleep with PCATCH: EINTR or
// ERESTART) unless nonblock (EAGAIN).  Nothing moved at end of file.
// Non-canonical (ICANON off): whatever is queued, after waiting for
// VMIN bytes (at most the read's size) with no time limit when VTIME
// is 0; with VTIME set, waits at most VTIME tenths of a second (for
// VMIN > 0, after the first byte came), then returns what is there.
// From the background of the terminal's session: SIGTTIN and ERESTART,
// or EIO (see above).
Errno ttydisc_read(tty* tp, uio* uio, bool nonblock);
// TIOCSETA (flush: TIOCSETAF, unread input dropped): leaving canonical
// mode makes the line being edited readable as it stands.
void ttydisc_setattr(tty* tp, const termios& t, bool flush);
// A write: every byte to the device, in whole pieces of TTY_WRITE_ATOMIC.
Errno ttydisc_write(tty* tp, uio* uio);

// --- Sessions (tty.cpp) ---
// Whether tp is p's controlling terminal (tty_is_ctty).
bool tty_is_ctty(const tty* tp, const proc* p);
// TIOCSCTTY for p: tp becomes the controlling terminal of p's session and
// p's group its foreground.  EPERM unless p leads its session, the
// session has no other terminal, and tp is no other session's whose
// leader is alive (Ok when tp is p's already).
Errno tty_set_ctty(tty* tp, proc* p);
// Group pg, or session sess, is going: the terminal forgets it.
void tty_rel_pgrp(tty* tp, pgrp* pg);
void tty_rel_sess(tty* tp, session* sess);
