// Shadows picolibc's <sys/stat.h>: struct stat is FreeBSD 12's, as the
// kernel's fstat and fstatat fill it (abi/stat.h), with the POSIX macros.
#pragma once

#include <abi/stat.h>
#include <sys/types.h>

struct stat : kstat {};

#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

// The function shares the struct's name, as in C (-Wshadow dislikes it in C++).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
extern "C" {
int stat(const char* path, struct stat* sb);
int lstat(const char* path, struct stat* sb); // no symbolic links: stat's twin
int fstat(int fd, struct stat* sb);
int fstatat(int fd, const char* path, struct stat* sb, int flag);
int mkdir(const char* path, mode_t mode);
}
#pragma GCC diagnostic pop
