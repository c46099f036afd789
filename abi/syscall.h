// System call numbers, FreeBSD's (sys/sys/syscall.h, from syscalls.master),
// shared by the kernel's dispatcher (kernel/syscall/syscall.cpp) and the user
// runtime's stubs.  FreeBSD 8's numbers for the calls it had; later
// FreeBSD's for pipe2, which FreeBSD 8 lacked, for the FreeBSD 12 calls
// with 64-bit inode numbers (fstat, fstatat, getdirentries), and for
// kevent, whose number changed with FreeBSD 12's struct kevent (abi/event.h).
#pragma once

inline constexpr int SYS_exit = 1;
inline constexpr int SYS_fork = 2;
inline constexpr int SYS_read = 3;
inline constexpr int SYS_write = 4;
inline constexpr int SYS_open = 5;
inline constexpr int SYS_close = 6;
inline constexpr int SYS_wait4 = 7;
inline constexpr int SYS_unlink = 10;
inline constexpr int SYS_break = 17;
inline constexpr int SYS_getpid = 20;
inline constexpr int SYS_setuid = 23;
inline constexpr int SYS_getuid = 24;
inline constexpr int SYS_geteuid = 25;
inline constexpr int SYS_kill = 37;
inline constexpr int SYS_getppid = 39;
inline constexpr int SYS_dup = 41;
inline constexpr int SYS_pipe = 42;   // FreeBSD 8's: both descriptors in a0/a1
inline constexpr int SYS_getegid = 43;
inline constexpr int SYS_ktrace = 45;
inline constexpr int SYS_getgid = 47;
inline constexpr int SYS_sigaltstack = 53;
inline constexpr int SYS_ioctl = 54;
inline constexpr int SYS_execve = 59;
inline constexpr int SYS_vfork = 66;
inline constexpr int SYS_munmap = 73;
inline constexpr int SYS_mprotect = 74;
inline constexpr int SYS_getpgrp = 81;
inline constexpr int SYS_setpgid = 82;
inline constexpr int SYS_dup2 = 90;
inline constexpr int SYS_setsid = 147;
inline constexpr int SYS_gettimeofday = 116;
inline constexpr int SYS_getrusage = 117;
inline constexpr int SYS_rename = 128;
inline constexpr int SYS_mkdir = 136;
inline constexpr int SYS_rmdir = 137;
inline constexpr int SYS_getrlimit = 194;
inline constexpr int SYS_setrlimit = 195;
inline constexpr int SYS___sysctl = 202;
inline constexpr int SYS_clock_gettime = 232;
inline constexpr int SYS_clock_getres = 234;
inline constexpr int SYS_nanosleep = 240;
inline constexpr int SYS_rfork = 251;
inline constexpr int SYS_getsid = 310;
inline constexpr int SYS_sched_yield = 331;
inline constexpr int SYS_sigprocmask = 340;
inline constexpr int SYS_sigpending = 343;
inline constexpr int SYS_kqueue = 362;
inline constexpr int SYS_sigaction = 416;
inline constexpr int SYS_sigreturn = 417;
inline constexpr int SYS_mmap = 477;
inline constexpr int SYS_lseek = 478;
inline constexpr int SYS_pipe2 = 542;
inline constexpr int SYS_procctl = 544;
inline constexpr int SYS_fstat = 551;
inline constexpr int SYS_fstatat = 552;
inline constexpr int SYS_getdirentries = 554;
inline constexpr int SYS_kevent = 560; // FreeBSD 12's (363 is freebsd11_kevent)
inline constexpr int SYS_MAXSYSCALL = 561; // the highest number above + 1 (FreeBSD's name)
