// wait4(2) options and the status word, FreeBSD's (sys/wait.h), shared by
// the kernel and user space.
#pragma once

#include <stdint.h>

// Host builds: glibc's <stdlib.h> defines these names as macros with
// Linux's values (WCONTINUED is 8 there, 4 here); ours win.  A host test
// includes neither <sys/wait.h> nor <stdlib.h> after this header.
#undef WNOHANG
#undef WUNTRACED
#undef WCONTINUED
#undef WNOWAIT
#undef WEXITSTATUS
#undef WIFEXITED
#undef WIFSIGNALED
#undef WIFSTOPPED
#undef WIFCONTINUED
#undef WSTOPSIG
#undef W_STOPCODE
#undef WTERMSIG

inline constexpr int WNOHANG = 1;          // return 0 instead of sleeping
inline constexpr int WUNTRACED = 2;        // report stopped children
inline constexpr int WCONTINUED = 4;       // report continued children
inline constexpr int WNOWAIT = 8;          // leave the child waitable
inline constexpr int WLINUXCLONE = static_cast<int>(0x80000000u); // children whose exit signal is not SIGCHLD

// wait4's pid argument.
inline constexpr int WAIT_ANY = -1;
inline constexpr int WAIT_MYPGRP = 0;

// The status of a child that exited with `ret` or was killed by `sig`.
constexpr int W_EXITCODE(int ret, int sig) { return (ret << 8) | sig; }
constexpr int WSTATUS(int st) { return st & 0177; }
constexpr bool WIFEXITED(int st) { return WSTATUS(st) == 0; }
constexpr int WEXITSTATUS(int st) { return (st >> 8) & 0xff; }
constexpr bool WIFSIGNALED(int st) { return WSTATUS(st) != 0177 && WSTATUS(st) != 0 && st != 0x13; }
constexpr int WTERMSIG(int st) { return WSTATUS(st); }
// A stopped child (WUNTRACED): the low bits 0177, the stop signal above.
inline constexpr int _WSTOPPED = 0177;
constexpr int W_STOPCODE(int sig) { return (sig << 8) | _WSTOPPED; }
constexpr int WSTOPSIG(int st) { return st >> 8; }
constexpr bool WIFSTOPPED(int st) { return WSTATUS(st) == _WSTOPPED && WSTOPSIG(st) != 0x13; }
// A continued child (WCONTINUED) reports SIGCONT's number (19) alone.
constexpr bool WIFCONTINUED(int st) { return st == 0x13; }

static_assert(WCONTINUED == 4 && WNOWAIT == 8, "FreeBSD's values (a host macro got in?)");
