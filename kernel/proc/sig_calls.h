// The signal system calls' kernel side (FreeBSD's kern_sigaction,
// kern_sigprocmask, sigpending, kern_sigaltstack and sigreturn) and their user-memory
// wrappers, which the dispatcher's sys_* rows call.  kill is in
// kern_kill.h.
#pragma once

#include <stdint.h>
#include <abi/errno.h>
#include <abi/signal.h>
#include <lib/result.h>

struct thread;

// sigaction(2) for td's process: as kern_sigaction_set (Inval for a bad
// signal, or a handler for SIGKILL/SIGSTOP), with SA_NOCLDWAIT refused to
// init silently as FreeBSD does, and a signal now ignored dropped from
// the process's pending set.
Result<void> kern_sigaction(thread* td, int sig, const sigaction* act, sigaction* oact);
// sigprocmask(2): oset (if given) gets the old mask; set (if given) is
// added (SIG_BLOCK), taken out (SIG_UNBLOCK) or becomes the mask
// (SIG_SETMASK), never with SIGKILL or SIGSTOP.  Inval for another how
// (only looked at when set is given), changing nothing.
Result<void> kern_sigprocmask(thread* td, int how, const ksigset_t* set, ksigset_t* oset);
// sigpending(2): the signals pending for td's process (FreeBSD's; by the
// time a caller sees them, only blocked ones are left: the rest were
// delivered on its way back to user mode).
ksigset_t kern_sigpending(thread* td);
// sigaltstack(2) (FreeBSD's kern_sigaltstack): oss (if given) gets td's
// signal stack with ss_flags SS_DISABLE (none), SS_ONSTACK (running on
// it) or 0.  ss (if given) then sets it up, or with SS_DISABLE takes it
// away: Perm while running on it, Inval for flags other than
// SS_DISABLE, NoMem for an ss_size under MINSIGSTKSZ; nothing changes
// on an error.
Result<void> kern_sigaltstack(thread* td, const sigaltstack* ss, sigaltstack* oss);

// The system calls with user pointers (0 for none): copyin of the
// arguments, copyout of the results, Fault for a bad pointer.
Errno user_sigaction(thread* td, int sig, uint64_t uact, uint64_t uoact);
Errno user_sigprocmask(thread* td, int how, uint64_t uset, uint64_t uoset);
Errno user_sigpending(thread* td, uint64_t uset);
Errno user_sigaltstack(thread* td, uint64_t uss, uint64_t uoss);
// sigreturn(2): the ucontext at uucp becomes the registers and the mask.
// JustReturn on success (the frame is the result); Fault, or Inval for a
// context a user may not return to (set_mcontext).
Errno user_sigreturn(thread* td, uint64_t uucp);
