// open(2) and fcntl(2) flags, FreeBSD's values (sys/fcntl.h), shared by
// the kernel and user space.  Only the flags Sprig uses so far; more come
// with open(2).  A host test must not include the host's <fcntl.h> next
// to this one (its macros have the same names).
#pragma once

// open(2): the access mode is a two-bit number, not a set of bits.
inline constexpr int O_RDONLY = 0x0000;
inline constexpr int O_WRONLY = 0x0001;
inline constexpr int O_RDWR = 0x0002;
inline constexpr int O_ACCMODE = 0x0003;
inline constexpr int O_NONBLOCK = 0x0004;      // do not block on reads and writes
inline constexpr int O_APPEND = 0x0008;        // every write goes to the end
inline constexpr int O_CREAT = 0x0200;         // create the file if it is missing
inline constexpr int O_TRUNC = 0x0400;         // truncate it to length 0
inline constexpr int O_EXCL = 0x0800;          // with O_CREAT: EEXIST if it exists
inline constexpr int O_CLOEXEC = 0x00100000;   // the descriptor is closed by exec

// fcntl(2) commands.
inline constexpr int F_DUPFD = 0; // duplicate to the lowest free descriptor >= arg
inline constexpr int F_GETFD = 1; // descriptor flags (FD_CLOEXEC)
inline constexpr int F_SETFD = 2;
inline constexpr int F_GETFL = 3; // file status flags (O_NONBLOCK, O_APPEND ...)
inline constexpr int F_SETFL = 4;

// Descriptor flags of F_GETFD/F_SETFD.
inline constexpr int FD_CLOEXEC = 1;
