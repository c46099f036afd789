// FreeBSD's signal names (lib/libc/gen/siglist.c's sys_signame), indexed
// by the numbers in abi/signal.h.
#include "signame.h"

#include <abi/signal.h>
#include <string.h>

extern "C" const char* const sys_signame[NSIG] = {
    "Signal 0", "HUP",  "INT",  "QUIT", "ILL",    "TRAP", "ABRT",  "EMT",
    "FPE",      "KILL", "BUS",  "SEGV", "SYS",    "PIPE", "ALRM",  "TERM",
    "URG",      "STOP", "TSTP", "CONT", "CHLD",   "TTIN", "TTOU",  "IO",
    "XCPU",     "XFSZ", "VTALRM", "PROF", "WINCH", "INFO", "USR1", "USR2",
};
static_assert(SIGUSR2 == NSIG - 1 && SIGCHLD == 20 && SIGINFO == 29, "FreeBSD's numbering");

namespace {

// A decimal signal number, or -1.
int parse_number(const char* s)
{
    int n = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > _SIG_MAXSIG) return -1;
        n = n * 10 + (*s - '0');
    }
    return n <= _SIG_MAXSIG ? n : -1;
}

bool same_name(const char* a, const char* b)
{
    for (; *a && *b; a++, b++) {
        const char ca = (*a >= 'a' && *a <= 'z') ? static_cast<char>(*a - 'a' + 'A') : *a;
        if (ca != *b) return false;
    }
    return *a == *b;
}

} // namespace

extern "C" int sig_from_name(const char* name)
{
    if (*name >= '0' && *name <= '9') return parse_number(name);
    // "SIG" itself leaves an empty name, which matches nothing.
    const char* bare = name;
    if (strlen(name) >= 3 && (name[0] == 'S' || name[0] == 's') &&
        (name[1] == 'I' || name[1] == 'i') && (name[2] == 'G' || name[2] == 'g'))
        bare = name + 3;
    for (int sig = 1; sig < NSIG; sig++)
        if (same_name(bare, sys_signame[sig])) return sig;
    return -1;
}
