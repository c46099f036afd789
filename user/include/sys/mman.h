// Shadows picolibc's (absent or foreign) <sys/mman.h>: mmap's flags are
// FreeBSD's (abi/mman.h).
#pragma once

#include <abi/mman.h>
#include <stddef.h>
#include <sys/types.h>

inline constexpr int MAP_ANONYMOUS = MAP_ANON; // Linux's spelling
#define MAP_FAILED ((void*)-1)

extern "C" {
void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void* addr, size_t len);
int mprotect(void* addr, size_t len, int prot);
}
