// rfork(2) flags, FreeBSD's values (sys/unistd.h of the FreeBSD 8 era),
// shared by the kernel and user space.  fork() is RFFDG | RFPROC and
// vfork() is RFFDG | RFPROC | RFPPWAIT | RFMEM.  Also lseek(2)'s whence.
#pragma once

// lseek(2)'s whence: SEEK_SET, SEEK_CUR and SEEK_END, under the old
// names sys/unistd.h also gives them (a C library's stdio.h defines the
// SEEK_ ones as macros).
inline constexpr int L_SET = 0;   // SEEK_SET: the offset is the new position
inline constexpr int L_INCR = 1;  // SEEK_CUR: added to the current position
inline constexpr int L_XTND = 2;  // SEEK_END: added to the file's size

// Plan 9 flags FreeBSD accepts and ignores.
inline constexpr int RFNAMEG = 1 << 0;
inline constexpr int RFENVG = 1 << 1;
inline constexpr int RFNOTEG = 1 << 3;
inline constexpr int RFCNAMEG = 1 << 10;
inline constexpr int RFCENVG = 1 << 11;

inline constexpr int RFFDG = 1 << 2;        // copy the descriptor table
inline constexpr int RFPROC = 1 << 4;       // make a new process
inline constexpr int RFMEM = 1 << 5;        // share the address space
inline constexpr int RFNOWAIT = 1 << 6;     // the child's parent is init
inline constexpr int RFCFDG = 1 << 12;      // give the child an empty descriptor table
inline constexpr int RFTHREAD = 1 << 13;    // a peer of the caller's leader
inline constexpr int RFSIGSHARE = 1 << 14;  // share the signal actions
inline constexpr int RFLINUXTHPN = 1 << 16; // SIGUSR1, not SIGCHLD, on exit
inline constexpr int RFSTOPPED = 1 << 17;   // leave the child off the run queue
inline constexpr int RFHIGHPID = 1 << 18;   // no pid below 10
inline constexpr int RFPPWAIT = 1 << 31;    // the parent sleeps until exec or exit

// Flags only the kernel may pass (rfork() refuses them with EINVAL).
inline constexpr int RFKERNELONLY = RFSTOPPED | RFHIGHPID | RFPPWAIT;
