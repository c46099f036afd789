// Shadows picolibc's <dirent.h>: FreeBSD 12's struct dirent (abi/dirent.h)
// read with getdirentries(2), and the POSIX directory stream over it.
#pragma once

#include <abi/dirent.h>
#include <sys/types.h>

struct DIR;

extern "C" {
ssize_t getdirentries(int fd, char* buf, size_t nbytes, off_t* basep);
DIR* opendir(const char* path);
struct dirent* readdir(DIR* dir); // null at the end, or on an error (errno set)
int closedir(DIR* dir);
}
