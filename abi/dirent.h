// struct dirent as FreeBSD 12's getdirentries(2) returns it (sys/dirent.h):
// records of d_reclen bytes (a multiple of 8), each name NUL-terminated.
#pragma once

#include <stddef.h>
#include <stdint.h>

inline constexpr size_t MAXNAMLEN = 255;

struct dirent {
    uint64_t d_fileno; // inode number
    int64_t d_off;     // the directory offset after this entry
    uint16_t d_reclen;
    uint8_t d_type;    // DT_*
    uint8_t d_pad0;
    uint16_t d_namlen;
    uint16_t d_pad1;
    char d_name[MAXNAMLEN + 1];
};

inline constexpr uint8_t DT_UNKNOWN = 0;
inline constexpr uint8_t DT_FIFO = 1;
inline constexpr uint8_t DT_CHR = 2;
inline constexpr uint8_t DT_DIR = 4;
inline constexpr uint8_t DT_REG = 8;

// The bytes a record of a name of namlen bytes takes (FreeBSD's GENERIC_DIRSIZ).
constexpr size_t GENERIC_DIRSIZ(size_t namlen) { return (offsetof(dirent, d_name) + namlen + 1 + 7) & ~size_t{7}; }
