// System call numbers, FreeBSD's (sys/sys/syscall.h, from syscalls.master),
// for the calls Sprig has so far.  The user-space issue adds the rest.
#pragma once

inline constexpr int SYS_exit = 1;
inline constexpr int SYS_break = 17;
inline constexpr int SYS_getpid = 20;
inline constexpr int SYS_execve = 59;
inline constexpr int SYS_munmap = 73;
inline constexpr int SYS_mprotect = 74;
inline constexpr int SYS_mmap = 477;
