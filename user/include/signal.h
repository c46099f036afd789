// Shadows picolibc's <signal.h> (and <sys/signal.h>, which includes this):
// picolibc numbers signals its own way and its signal()/raise() only
// emulate signals inside the program.  Sprig's are FreeBSD's and go to
// the kernel.  Numbers and layouts come from abi/signal.h; this header
// adds the POSIX spellings (sigset_t, struct sigaction with function
// pointers, SIG_DFL as a function pointer) that abi/signal.h cannot use
// because the host's C library owns those names in kernel tests.
//
// abi/signal.h is read inside namespace sprig_abi so that its struct
// sigaction (a uintptr_t handler, as the kernel wants it) does not take
// the POSIX name; user programs include <signal.h>, never abi/signal.h.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

namespace sprig_abi {
#include <abi/signal.h>
#include <abi/ucontext.h>
}

using sprig_abi::SIGHUP;
using sprig_abi::SIGINT;
using sprig_abi::SIGQUIT;
using sprig_abi::SIGILL;
using sprig_abi::SIGTRAP;
using sprig_abi::SIGABRT;
using sprig_abi::SIGIOT;
using sprig_abi::SIGEMT;
using sprig_abi::SIGFPE;
using sprig_abi::SIGKILL;
using sprig_abi::SIGBUS;
using sprig_abi::SIGSEGV;
using sprig_abi::SIGSYS;
using sprig_abi::SIGPIPE;
using sprig_abi::SIGALRM;
using sprig_abi::SIGTERM;
using sprig_abi::SIGURG;
using sprig_abi::SIGSTOP;
using sprig_abi::SIGTSTP;
using sprig_abi::SIGCONT;
using sprig_abi::SIGCHLD;
using sprig_abi::SIGTTIN;
using sprig_abi::SIGTTOU;
using sprig_abi::SIGIO;
using sprig_abi::SIGXCPU;
using sprig_abi::SIGXFSZ;
using sprig_abi::SIGVTALRM;
using sprig_abi::SIGPROF;
using sprig_abi::SIGWINCH;
using sprig_abi::SIGINFO;
using sprig_abi::SIGUSR1;
using sprig_abi::SIGUSR2;
using sprig_abi::SIGTHR;
using sprig_abi::SIGLIBRT;
using sprig_abi::SIGRTMIN;
using sprig_abi::SIGRTMAX;
using sprig_abi::NSIG;
using sprig_abi::_SIG_WORDS;
using sprig_abi::_SIG_MAXSIG;
using sprig_abi::SA_ONSTACK;
using sprig_abi::SA_RESTART;
using sprig_abi::SA_RESETHAND;
using sprig_abi::SA_NOCLDSTOP;
using sprig_abi::SA_NODEFER;
using sprig_abi::SA_NOCLDWAIT;
using sprig_abi::SA_SIGINFO;
using sprig_abi::SIG_BLOCK;
using sprig_abi::SIG_UNBLOCK;
using sprig_abi::SIG_SETMASK;
using sprig_abi::SS_ONSTACK;
using sprig_abi::SS_DISABLE;
using sprig_abi::MINSIGSTKSZ;
using sprig_abi::SIGSTKSZ;

typedef sprig_abi::__sigset sigset_t;
typedef int sig_atomic_t;
typedef void (*sig_t)(int);        // FreeBSD's name
typedef void (*sighandler_t)(int); // glibc's name, for ported programs

// What an SA_SIGINFO handler gets (abi/ucontext.h): FreeBSD's siginfo_t,
// and the interrupted context as its third argument.
typedef sprig_abi::__siginfo siginfo_t;
typedef sprig_abi::__ucontext ucontext_t;
typedef sprig_abi::__mcontext mcontext_t;
using sprig_abi::sigval;
using sprig_abi::SI_NOINFO;
using sprig_abi::SI_USER;
using sprig_abi::SI_KERNEL;
using sprig_abi::ILL_ILLOPC;
using sprig_abi::TRAP_BRKPT;
using sprig_abi::SEGV_MAPERR;
using sprig_abi::SEGV_ACCERR;
using sprig_abi::BUS_ADRALN;
using sprig_abi::BUS_ADRERR;
using sprig_abi::BUS_OBJERR;
using sprig_abi::CLD_EXITED;
using sprig_abi::CLD_KILLED;

#define SIG_DFL ((sig_t)0)
#define SIG_IGN ((sig_t)1)
#define SIG_HOLD ((sig_t)3)
#define SIG_ERR ((sig_t)-1)

// FreeBSD's struct sigaction: a union of the two handler kinds, then the
// flags and the mask, laid out exactly as the kernel's.
struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int, siginfo_t*, void*);
    };
    int sa_flags;
    sigset_t sa_mask;
};
static_assert(sizeof(struct sigaction) == sizeof(sprig_abi::sigaction) &&
                  offsetof(struct sigaction, sa_flags) == offsetof(sprig_abi::sigaction, sa_flags) &&
                  offsetof(struct sigaction, sa_mask) == offsetof(sprig_abi::sigaction, sa_mask),
              "struct sigaction must match abi/signal.h");

// FreeBSD's stack_t: abi/signal.h's layout with ss_sp a pointer, as
// POSIX has it (ss.ss_sp = malloc(SIGSTKSZ)).
typedef struct sigaltstack {
    void* ss_sp;
    size_t ss_size;
    int ss_flags;
} stack_t;
static_assert(sizeof(stack_t) == sizeof(sprig_abi::sigaltstack) &&
                  offsetof(stack_t, ss_size) == offsetof(sprig_abi::sigaltstack, ss_size) &&
                  offsetof(stack_t, ss_flags) == offsetof(sprig_abi::sigaltstack, ss_flags),
              "stack_t must match abi/signal.h");

extern "C" {
sig_t signal(int sig, sig_t handler);
int raise(int sig);
int kill(pid_t pid, int sig);
int killpg(pid_t pgrp, int sig);
// POSIX gives the function the struct's name; -Wshadow objects.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
int sigaction(int sig, const struct sigaction* act, struct sigaction* oact);
#pragma GCC diagnostic pop
int sigprocmask(int how, const sigset_t* set, sigset_t* oset);
int sigpending(sigset_t* set);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
int sigaltstack(const stack_t* ss, stack_t* oss);
#pragma GCC diagnostic pop
int sigemptyset(sigset_t* set);
int sigfillset(sigset_t* set);
int sigaddset(sigset_t* set, int sig);
int sigdelset(sigset_t* set, int sig);
int sigismember(const sigset_t* set, int sig);
void psignal(int sig, const char* msg);

// FreeBSD's signal names without "SIG" ("INT"), indexed by number, NSIG
// entries (sys_signame); and the reverse lookup, which takes "INT",
// "SIGINT", "int" or "2" and returns -1 for anything else.
extern const char* const sys_signame[];
int sig_from_name(const char* name);
}
