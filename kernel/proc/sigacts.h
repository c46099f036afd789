// The signal actions of a process (FreeBSD's struct sigacts,
// sys/signalvar.h, and its functions in kern_sig.c): what each signal's
// handler is, which signals are caught or ignored, and the flags
// sigaction(2) gave.  fork shares them by reference under RFSIGSHARE
// (sigacts_hold) and copies them otherwise (sigacts_alloc + sigacts_copy);
// exec resets caught signals (execsigs_reset).
//
// Only the actions live here.  Pending sets and the blocked mask belong to
// the process and thread; whoever changes an action so that a signal is
// now ignored drops it from those sets (kern_sigaction_set and
// execsigs_reset say when).
//
// Objects come from a zone the caller owns; each remembers its zone.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/signal.h>
#include <kernel/proc/sigprop.h>
#include <kernel/proc/sigset.h>
#include <lib/result.h>
#include <mm/zone.h>

struct sigacts;
using SigactsZone = TypedZone<sigacts>;

// ps_flag bits.
inline constexpr int PS_NOCLDWAIT = 0x0001; // SIGCHLD has SA_NOCLDWAIT: no zombies
inline constexpr int PS_NOCLDSTOP = 0x0002; // SIGCHLD has SA_NOCLDSTOP: none for stops
inline constexpr int PS_CLDSIGIGN = 0x0004; // SIGCHLD is SIG_IGN: no zombies either

struct sigacts {
    uintptr_t ps_sigact[_SIG_MAXSIG] = {};     // handler per signal (sig_idx); SIG_DFL, SIG_IGN, user address
    ksigset_t ps_catchmask[_SIG_MAXSIG] = {};  // blocked while each handler runs
    ksigset_t ps_sigonstack = {};  // SA_ONSTACK: handler runs on the signal stack
    ksigset_t ps_sigintr = {};     // no SA_RESTART: the signal interrupts system calls
    ksigset_t ps_sigreset = {};    // SA_RESETHAND: back to SIG_DFL once delivered
    ksigset_t ps_signodefer = {};  // SA_NODEFER: not blocked in its own handler
    ksigset_t ps_siginfo = {};     // SA_SIGINFO: three-argument handler
    ksigset_t ps_sigignore = {};   // dropped when sent (SIG_IGN, or default ignore; never SIGCONT)
    ksigset_t ps_sigcatch = {};    // a user handler is installed
    int ps_flag = 0;               // PS_*
    // Not copied by sigacts_copy:
    uint32_t ps_refcnt = 1;
    SigactsZone* ps_zone = nullptr;
};

// What sigacts_copy copies: every field before ps_refcnt.
inline constexpr size_t SIGACTS_COPY_SIZE = offsetof(sigacts, ps_refcnt);
static_assert(offsetof(sigacts, ps_sigact) == 0, "sigacts_copy starts at ps_sigact");

// New actions, one reference, every signal at SIG_DFL: the state of a
// process that never called sigaction (FreeBSD's sigacts_alloc followed by
// siginit, so the default-ignored signals are in ps_sigignore).  NoMem.
Result<sigacts*> sigacts_alloc(SigactsZone& zone);
// One more reference (RFSIGSHARE); returns ps.
sigacts* sigacts_hold(sigacts* ps);
// Drops a reference; the last one gives the object back to its zone.
void sigacts_free(sigacts* ps);
// Makes dest's actions and flags those of src (fork without RFSIGSHARE).
// dest must be unshared.
void sigacts_copy(sigacts* dest, const sigacts* src);
// fork's copy in two steps, so that the object is written once (no
// zeroing before the copy) and still copied at commit time, when the
// parent's actions can no longer change under it: sigacts_reserve takes
// the memory (NoMem), sigacts_fork builds there a copy of src with one
// reference, and sigacts_unreserve gives back memory never built on.
Result<void*> sigacts_reserve(SigactsZone& zone);
sigacts* sigacts_fork(void* mem, SigactsZone& zone, const sigacts* src);
void sigacts_unreserve(SigactsZone& zone, void* mem);
// Whether more than one process uses ps.
inline bool sigacts_shared(const sigacts* ps) { return ps->ps_refcnt > 1; }

// The storing half of sigaction(2) (FreeBSD's kern_sigaction without the
// locking and the queue work).  When oact is given it receives the old
// action first; when act is given it becomes sig's action.  Inval for an
// invalid signal, and for SIGKILL or SIGSTOP with any handler but SIG_DFL
// (nothing changes then).  SA_NOCLDWAIT is taken as given: FreeBSD refuses
// it to init (pid 1), and the caller, which knows the process, must clear
// it from act for init.  When the new action ignores sig (SIG_IGN, or
// SIG_DFL of a default-ignored signal, SIGCONT included) the caller drops
// sig from the process's and its threads' pending sets.
Result<void> kern_sigaction_set(sigacts* ps, int sig, const sigaction* act, sigaction* oact);

// What exec does to the actions (FreeBSD's execsigs): every caught signal
// goes back to SIG_DFL (into ps_sigignore when its default is to ignore),
// no signal runs on the signal stack, and SIGCHLD loses SA_NOCLDWAIT and
// SIG_IGN (SIGCHLD ignored is not inherited across exec, as on Solaris).
// Signals set to SIG_IGN otherwise stay ignored.  The caller resets the
// thread's signal stack (SS_DISABLE, TDP_ALTSTACK) and drops the signals
// now in ps_sigignore from the pending sets.  ps must be unshared (exec
// unshares it first).
void execsigs_reset(sigacts* ps);

// sig back to SIG_DFL (FreeBSD's sigdflt): no longer caught, and in
// ps_sigignore when its default is to ignore (SIGCONT excepted).  For
// SA_RESETHAND, and for trapsignal's blocked or ignored faults.
void sigdflt(sigacts* ps, int sig);

// sig's handler: SIG_DFL, SIG_IGN or a user address.
uintptr_t sig_handler(const sigacts* ps, int sig);
// Whether sig is dropped when sent (psignal's fast path).  SIGCONT is
// never in this set: even ignored it must continue a stopped process.
bool sig_ignored(const sigacts* ps, int sig);
// Whether a user handler is installed for sig.
bool sig_caught(const sigacts* ps, int sig);
// Whether the children of the process leave no zombie (SIGCHLD with
// SA_NOCLDWAIT, or set to SIG_IGN): what exit1 asks of the parent.
inline bool sig_nocldwait(const sigacts* ps) { return (ps->ps_flag & (PS_NOCLDWAIT | PS_CLDSIGIGN)) != 0; }
