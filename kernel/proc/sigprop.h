// What each signal does by default (FreeBSD's sigprop() and its table in
// kern_sig.c): psignal, issignal and exit decide from these whether a
// signal with the SIG_DFL action kills, dumps core, stops, continues or
// is dropped.
#pragma once

#include <abi/signal.h>
#include <kernel/proc/sigset.h>

// The properties, or'ed (FreeBSD's SIGPROP_*).
namespace SigProp {
inline constexpr int Kill = 0x01;    // terminates the process
inline constexpr int Core = 0x02;    // ... and dumps core
inline constexpr int Stop = 0x04;    // stops the process
inline constexpr int TtyStop = 0x08; // ... a stop that comes from the terminal
inline constexpr int Ignore = 0x10;  // dropped
inline constexpr int Cont = 0x20;    // continues a stopped process
} // namespace SigProp

namespace sigprop_detail {
using namespace SigProp;
// Indexed by signal number; 0 is no signal.
inline constexpr int table[SIGLIBRT + 1] = {
    0,
    Kill,           // SIGHUP
    Kill,           // SIGINT
    Kill | Core,    // SIGQUIT
    Kill | Core,    // SIGILL
    Kill | Core,    // SIGTRAP
    Kill | Core,    // SIGABRT
    Kill | Core,    // SIGEMT
    Kill | Core,    // SIGFPE
    Kill,           // SIGKILL
    Kill | Core,    // SIGBUS
    Kill | Core,    // SIGSEGV
    Kill | Core,    // SIGSYS
    Kill,           // SIGPIPE
    Kill,           // SIGALRM
    Kill,           // SIGTERM
    Ignore,         // SIGURG
    Stop,           // SIGSTOP
    Stop | TtyStop, // SIGTSTP
    Ignore | Cont,  // SIGCONT
    Ignore,         // SIGCHLD
    Stop | TtyStop, // SIGTTIN
    Stop | TtyStop, // SIGTTOU
    Ignore,         // SIGIO
    Kill,           // SIGXCPU
    Kill,           // SIGXFSZ
    Kill,           // SIGVTALRM
    Kill,           // SIGPROF
    Ignore,         // SIGWINCH
    Ignore,         // SIGINFO
    Kill,           // SIGUSR1
    Kill,           // SIGUSR2
    Kill,           // SIGTHR (signal(3): terminates)
    Kill,           // SIGLIBRT (signal(3): terminates)
};
// Every entry given: a short list would leave the last ones 0.
static_assert(table[SIGLIBRT] == Kill && table[SIGUSR2] == Kill, "sigprop table is complete");
} // namespace sigprop_detail

// The default properties of sig (SigProp bits).  Signals above SIGLIBRT,
// the real-time ones included, terminate; an invalid number has none.
constexpr int sigprop(int sig)
{
    if (!sig_valid(sig)) return 0;
    if (sig <= SIGLIBRT) return sigprop_detail::table[sig];
    return SigProp::Kill;
}
