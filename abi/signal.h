// Signals, FreeBSD's numbering and layouts (sys/signal.h, sys/_sigset.h and
// riscv's machine/_limits.h), shared by the kernel and user space.
//
// Handlers are user addresses, never called by the kernel, so they are
// uintptr_t here (FreeBSD's function pointers have the same size and
// place).
//
// Two names differ from FreeBSD's, because the host C library declares
// its own sigset_t and stack_t in headers every host test reaches
// (<string>, <ucontext.h>): the set is ksigset_t (after FreeBSD's kernel
// ksiginfo_t) and the signal stack keeps FreeBSD's struct tag,
// sigaltstack.  The user runtime's <signal.h> is the place for the POSIX
// spellings (aliases of these).  A host test must still not include
// the host's <signal.h> or <sys/wait.h> next to this header: their macros
// (SIGCHLD is 17 on Linux) have the same names as the constants here.
#pragma once

#include <stddef.h>
#include <stdint.h>

inline constexpr int SIGHUP = 1;     // hangup
inline constexpr int SIGINT = 2;     // interrupt
inline constexpr int SIGQUIT = 3;    // quit
inline constexpr int SIGILL = 4;     // illegal instruction
inline constexpr int SIGTRAP = 5;    // trace trap
inline constexpr int SIGABRT = 6;    // abort()
inline constexpr int SIGIOT = SIGABRT;
inline constexpr int SIGEMT = 7;     // emulator trap
inline constexpr int SIGFPE = 8;     // arithmetic exception
inline constexpr int SIGKILL = 9;    // kill: cannot be caught, blocked or ignored
inline constexpr int SIGBUS = 10;    // bus error
inline constexpr int SIGSEGV = 11;   // segmentation violation
inline constexpr int SIGSYS = 12;    // nonexistent system call
inline constexpr int SIGPIPE = 13;   // write on a pipe nobody reads
inline constexpr int SIGALRM = 14;   // alarm clock
inline constexpr int SIGTERM = 15;   // termination request
inline constexpr int SIGURG = 16;    // urgent condition on a socket
inline constexpr int SIGSTOP = 17;   // stop: cannot be caught, blocked or ignored
inline constexpr int SIGTSTP = 18;   // stop from the terminal
inline constexpr int SIGCONT = 19;   // continue a stopped process
inline constexpr int SIGCHLD = 20;   // a child stopped or exited
inline constexpr int SIGTTIN = 21;   // background read from the terminal
inline constexpr int SIGTTOU = 22;   // background write to the terminal
inline constexpr int SIGIO = 23;     // I/O possible
inline constexpr int SIGXCPU = 24;   // CPU time limit exceeded
inline constexpr int SIGXFSZ = 25;   // file size limit exceeded
inline constexpr int SIGVTALRM = 26; // virtual time alarm
inline constexpr int SIGPROF = 27;   // profiling time alarm
inline constexpr int SIGWINCH = 28;  // window size changed
inline constexpr int SIGINFO = 29;   // status request from the terminal
inline constexpr int SIGUSR1 = 30;   // user defined
inline constexpr int SIGUSR2 = 31;   // user defined
inline constexpr int SIGTHR = 32;    // reserved for the thread library
inline constexpr int SIGLWP = SIGTHR;
inline constexpr int SIGLIBRT = 33;  // reserved for the real-time library
inline constexpr int SIGRTMIN = 65;
inline constexpr int SIGRTMAX = 126;

// The old signals (0..31); kept for programs that size tables with it.
inline constexpr int NSIG = 32;

// A signal set: one bit per signal 1.._SIG_MAXSIG, signal s at bit
// (s - 1) % 32 of word (s - 1) / 32.
inline constexpr int _SIG_WORDS = 4;
inline constexpr int _SIG_MAXSIG = 128;

struct __sigset {
    uint32_t __bits[_SIG_WORDS];
};
using ksigset_t = __sigset; // FreeBSD's sigset_t
static_assert(sizeof(ksigset_t) == 16, "FreeBSD's sigset_t layout");

// Handler values with a meaning of their own.
inline constexpr uintptr_t SIG_DFL = 0;
inline constexpr uintptr_t SIG_IGN = 1;
inline constexpr uintptr_t SIG_HOLD = 3;
inline constexpr uintptr_t SIG_ERR = static_cast<uintptr_t>(-1); // what signal() returns on failure

// sa_flags.
inline constexpr int SA_ONSTACK = 0x0001;   // run the handler on the signal stack
inline constexpr int SA_RESTART = 0x0002;   // restart an interrupted system call
inline constexpr int SA_RESETHAND = 0x0004; // back to SIG_DFL once delivered
inline constexpr int SA_NOCLDSTOP = 0x0008; // SIGCHLD: not for children that stop
inline constexpr int SA_NODEFER = 0x0010;   // do not block the signal in its handler
inline constexpr int SA_NOCLDWAIT = 0x0020; // SIGCHLD: exited children leave no zombie
inline constexpr int SA_SIGINFO = 0x0040;   // three-argument handler (sa_sigaction)

// sigprocmask's how.
inline constexpr int SIG_BLOCK = 1;
inline constexpr int SIG_UNBLOCK = 2;
inline constexpr int SIG_SETMASK = 3;

// FreeBSD's union of sa_handler and sa_sigaction is one user address;
// SA_SIGINFO says which kind of function it is.
struct sigaction {
    uintptr_t sa_handler; // SIG_DFL, SIG_IGN or a user function
    int sa_flags;         // SA_*
    ksigset_t sa_mask;    // blocked while the handler runs
};
static_assert(offsetof(sigaction, sa_flags) == 8 && offsetof(sigaction, sa_mask) == 12 &&
                  sizeof(sigaction) == 32,
              "FreeBSD's struct sigaction layout (LP64)");

// sigaltstack(2)'s argument, FreeBSD's stack_t.
struct sigaltstack {
    uintptr_t ss_sp; // lowest address of the stack (user space)
    size_t ss_size;
    int ss_flags;    // SS_*
};
static_assert(offsetof(sigaltstack, ss_size) == 8 && offsetof(sigaltstack, ss_flags) == 16 &&
                  sizeof(sigaltstack) == 24,
              "FreeBSD's stack_t layout (LP64)");

inline constexpr int SS_ONSTACK = 0x0001;  // running on the signal stack
inline constexpr int SS_DISABLE = 0x0004;  // no signal stack
inline constexpr size_t MINSIGSTKSZ = 4096; // riscv's __MINSIGSTKSZ
inline constexpr size_t SIGSTKSZ = MINSIGSTKSZ + 32768;
