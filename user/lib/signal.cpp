// Signals over the kernel's calls: sigaction, sigprocmask, sigpending,
// sigaltstack, kill; and signal, raise, abort and the sigset operations built on
// them.  picolibc's own signal() and raise() (an in-process emulation)
// are never linked: these definitions come first.
#include <abi/syscall.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signame.h"
#include "syscall.h"

using sprig::reg;
using sprig::syscall;

namespace {

bool valid(int sig) { return sig > 0 && sig <= _SIG_MAXSIG; }
unsigned word(int sig) { return static_cast<unsigned>(sig - 1) / 32; }
uint32_t bit(int sig) { return 1u << ((sig - 1) % 32); }

int einval()
{
    errno = EINVAL;
    return -1;
}

} // namespace

extern "C" {

int sigaction(int sig, const struct sigaction* act, struct sigaction* oact)
{
    return static_cast<int>(syscall(SYS_sigaction, sig, reg(act), reg(oact)));
}

int sigprocmask(int how, const sigset_t* set, sigset_t* oset)
{
    return static_cast<int>(syscall(SYS_sigprocmask, how, reg(set), reg(oset)));
}

int sigpending(sigset_t* set) { return static_cast<int>(syscall(SYS_sigpending, reg(set))); }

int sigaltstack(const stack_t* ss, stack_t* oss)
{
    return static_cast<int>(syscall(SYS_sigaltstack, reg(ss), reg(oss)));
}

int kill(pid_t pid, int sig) { return static_cast<int>(syscall(SYS_kill, pid, sig)); }

int killpg(pid_t pgrp, int sig)
{
    if (pgrp < 0) return einval();
    return kill(-pgrp, sig);
}

int raise(int sig) { return kill(getpid(), sig); }

// BSD semantics: the handler stays installed and interrupted calls are
// restarted.
sig_t signal(int sig, sig_t handler)
{
    struct sigaction act = {}, old = {};
    act.sa_handler = handler;
    act.sa_flags = SA_RESTART;
    if (sigaction(sig, &act, &old) < 0) return SIG_ERR;
    return old.sa_handler;
}

// FreeBSD's abort(3): SIGABRT cannot be blocked or, the second time,
// caught.
void abort(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGABRT);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(SIGABRT);
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
    _exit(127);
}

int sigemptyset(sigset_t* set)
{
    memset(set, 0, sizeof(*set));
    return 0;
}

int sigfillset(sigset_t* set)
{
    memset(set, 0xff, sizeof(*set));
    return 0;
}

int sigaddset(sigset_t* set, int sig)
{
    if (!valid(sig)) return einval();
    set->__bits[word(sig)] |= bit(sig);
    return 0;
}

int sigdelset(sigset_t* set, int sig)
{
    if (!valid(sig)) return einval();
    set->__bits[word(sig)] &= ~bit(sig);
    return 0;
}

int sigismember(const sigset_t* set, int sig)
{
    if (!valid(sig)) return einval();
    return (set->__bits[word(sig)] & bit(sig)) != 0;
}

void psignal(int sig, const char* msg)
{
    const char* name = sig > 0 && sig < NSIG ? sys_signame[sig] : "unknown signal";
    if (msg && *msg) {
        write(STDERR_FILENO, msg, strlen(msg));
        write(STDERR_FILENO, ": SIG", 5);
    } else {
        write(STDERR_FILENO, "SIG", 3);
    }
    write(STDERR_FILENO, name, strlen(name));
    write(STDERR_FILENO, "\n", 1);
}

} // extern "C"
