// Posting and acting on signals (the parts of FreeBSD's kern_sig.c that
// processes need before user space): a pending set per process, psignal,
// and the default actions taken on the way back to user mode (userret).
// A signal a process catches stays pending until user space brings
// delivery to handlers; SIGKILL cannot be caught, blocked or ignored.
//
// A thread told to look (TDF_NEEDSIGCHK) has its interruptible sleeps
// (tsleep with PCATCH) end with EINTR, so a killed process leaves the
// kernel at its next sleep point instead of sleeping on.
#pragma once

struct pgrp;
struct proc;
struct thread;

// Posts sig to p (FreeBSD 8's psignal): dropped when p ignores it (never
// SIGKILL) or is exiting; otherwise added to p's pending set, and p's
// thread told to look (waking it from an interruptible sleep) when the
// signal is one it must act on now.
void psignal(proc* p, int sig);
// Posts sig to every member of pg (FreeBSD's pgsignal); with checkctty,
// only to members that have a controlling terminal (P_CONTROLT), as the
// terminal's ^C does.  Exiting members and zombies are skipped by psignal.
void pgsignal(pgrp* pg, int sig, bool checkctty);
// The lowest pending signal td must act on now, or 0: not blocked by
// td_sigmask, and not caught (handlers come with user space).
int cursig(thread* td);
// Recomputes TDF_NEEDSIGCHK after the pending set or the mask changed.
void signotify(thread* td);
// The signal part of the return to user mode (ast/userret): every signal
// cursig() names gets its default action: ignore drops it, kill ends the
// process (exit1 with the signal in the status).  Stop and continue come
// with job control.
void userret(thread* td);
