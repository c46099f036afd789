// procctl(2)'s numbers, FreeBSD's (sys/procctl.h, sys/wait.h's idtype_t),
// shared by the kernel and user space.  Only PROC_SPROTECT exists so far:
// protection from the out-of-memory killer (docs/memory.md).
#pragma once

// The idtype procctl accepts: one process by pid (FreeBSD's P_PID; named
// apart here because glibc's host <sys/wait.h> gives P_PID another value).
inline constexpr int PROCCTL_IDTYPE_PID = 0;

inline constexpr int PROC_SPROTECT = 1; // set the protected state

// PROC_SPROTECT's operation (the low four bits of the int data points to)
// and flags.
inline constexpr int PPROT_SET = 1;
inline constexpr int PPROT_CLEAR = 2;
inline constexpr int PPROT_DESCEND = 0x10; // FreeBSD's; refused (EINVAL) by Sprig
inline constexpr int PPROT_INHERIT = 0x20; // FreeBSD's; refused (EINVAL) by Sprig
constexpr int PPROT_OP(int x) { return x & 0xf; }
constexpr int PPROT_FLAGS(int x) { return x & ~0xf; }
