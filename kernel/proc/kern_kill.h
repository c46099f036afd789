// kill(2) and who may signal whom (FreeBSD 8's kill, killpg1,
// p_cansignal and cr_cansignal in kern_sig.c and kern_prot.c).
#pragma once

#include <abi/errno.h>
#include <stdint.h>
#include <lib/result.h>

struct proc;
struct thread;
struct ucred;
using pid_t = int32_t;

// Whether a process acting with cred may send sig to p (cr_cansignal):
// one of cred's real or effective uid must be p's real or saved uid, or
// cred must be root (PRIV_SIGNAL_DIFFCRED); a process that changed ids
// since its exec (P_SUGID) takes only the signals a user may send to a
// set-id program (SIGKILL, SIGINT, SIGTERM, SIGALRM, SIGSTOP, SIGTTIN,
// SIGTTOU, SIGTSTP, SIGHUP, SIGUSR1, SIGUSR2) from non-root.  Perm.
Result<void> cr_cansignal(const ucred* cred, const proc* p, int sig);
// The same for td (p_cansignal): a process may always signal itself, and
// SIGCONT may always go to a process of the same session.
Result<void> p_cansignal(thread* td, const proc* p, int sig);

// kill(2): pid > 0 that process (a zombie too, where only the check is
// made; a system process is Perm, even for root); 0 the caller's process group; -1 every process the caller may
// signal but system processes, init and itself; < -1 the process group
// -pid.  sig 0 only checks.  Inval for a bad signal; Srch when no such
// process or group (or none to signal); Perm when the only targets found
// could not be signalled.
Result<void> kern_kill(thread* td, pid_t pid, int sig);
