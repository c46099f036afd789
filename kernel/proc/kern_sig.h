// Posting and acting on signals (FreeBSD's kern_sig.c): a pending set per
// process, psignal, and what happens on the way back to user mode
// (userret): a caught signal is delivered to its handler (postsig, with
// the machine's sendsig building the frame), a default action kills,
// stops or drops it.  Faults go to their handler at once (trapsignal).
// SIGKILL cannot be caught, blocked or ignored, and ends a stopped
// process too.
//
// A thread told to look (TDF_NEEDSIGCHK) has its interruptible sleeps
// (tsleep with PCATCH) end, with the errno sig_sleep_error() picks, so a
// signalled process leaves the kernel at its next sleep point.
#pragma once

#include <abi/errno.h>
#include <abi/ucontext.h>

struct pgrp;
struct proc;
struct thread;

// Posts sig to p (FreeBSD 8's psignal): dropped when p ignores it (never
// SIGKILL) or is a zombie, and when p is init and does not catch it; otherwise added to p's pending set, and p's
// thread told to look (waking it from an interruptible sleep) when the
// signal is one it must act on now.  SIGCONT continues a stopped process
// (and is only kept pending if caught); a stop signal cancels a pending
// SIGCONT and SIGCONT cancels pending stops; SIGKILL wakes a stopped
// process so that it can die.
void psignal(proc* p, int sig);
// Posts sig to every member of pg (FreeBSD's pgsignal); with checkctty,
// only to members that have a controlling terminal (P_CONTROLT), as the
// terminal's ^C does.  Exiting members and zombies are skipped by psignal.
void pgsignal(pgrp* pg, int sig, bool checkctty);
// A synchronous signal from a fault of td (FreeBSD's trapsignal):
// delivered to the handler at once if caught and not blocked; otherwise,
// if blocked or ignored, the action goes back to SIG_DFL and the signal is
// unblocked (re-running the faulting instruction would fault forever),
// and it is posted.  si carries the signal, si_code and si_addr.
void trapsignal(thread* td, const __siginfo& si);
// The lowest pending signal td must act on, or 0: not blocked by
// td_sigmask (SIGKILL never is).
int cursig(thread* td);
// Recomputes TDF_NEEDSIGCHK after the pending set or the mask changed.
void signotify(thread* td);
// The signal part of the return to user mode (ast/userret): every signal
// cursig() names is acted on: a caught one gets a frame on the user stack
// (postsig; several stack up, the lowest signal's handler runs first),
// a default one kills (exit1 with the signal in the status), stops the
// process until SIGCONT or SIGKILL, or is dropped.  Without
// TDF_NEEDSIGCHK it returns at once: signotify keeps that flag set
// whenever cursig() is not 0 (the debug kernel checks it here).
void userret(thread* td);
// Ends td's process with sig as its termination signal (FreeBSD's
// sigexit, without core dumps).
[[noreturn]] void sigexit(thread* td, int sig);
// What an interruptible sleep of td returns when a signal ended it
// (FreeBSD's sleepq_catch_signals rule): Restart when the signal is
// caught with SA_RESTART, or is a default stop (the call is made again
// once the process continues); Intr otherwise.
Errno sig_sleep_error(thread* td);
