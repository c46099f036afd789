// struct stat and the file mode bits, FreeBSD 12's layout (sys/stat.h,
// 64-bit inode numbers), shared by the kernel's fstat/fstatat and user
// space (the runtime's <sys/stat.h> makes struct stat of it).  The tag
// carries a k, as ktimespec's does (abi/time.h): host C library headers
// define struct stat.  A host test must not include the host's
// <sys/stat.h> next to this one (the S_ constants' names).
#pragma once

#include <stdint.h>
#include <abi/time.h>

struct kstat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint16_t st_mode;
    int16_t st_padding0;
    uint32_t st_uid;
    uint32_t st_gid;
    int32_t st_padding1;
    uint64_t st_rdev;
    struct ktimespec st_atim;
    struct ktimespec st_mtim;
    struct ktimespec st_ctim;
    struct ktimespec st_birthtim;
    int64_t st_size;
    int64_t st_blocks;
    int32_t st_blksize;
    uint32_t st_flags;
    uint64_t st_gen;
    uint64_t st_spare[10];
};
static_assert(sizeof(kstat) == 224, "FreeBSD 12's struct stat on a 64-bit machine");

inline constexpr uint32_t S_IFMT = 0170000;
inline constexpr uint32_t S_IFIFO = 0010000;
inline constexpr uint32_t S_IFCHR = 0020000;
inline constexpr uint32_t S_IFDIR = 0040000;
inline constexpr uint32_t S_IFREG = 0100000;
inline constexpr uint32_t S_ISVTX = 0001000; // sticky: only the owner may unlink or rename

// fstatat's dirfd meaning "the current directory" (Sprig's: the root),
// and its flag (accepted, meaningless without symbolic links).
inline constexpr int AT_FDCWD = -100;
inline constexpr int AT_SYMLINK_NOFOLLOW = 0x0200;
