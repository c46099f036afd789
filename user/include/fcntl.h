// Shadows picolibc's <fcntl.h>: open's flags are FreeBSD's (abi/fcntl.h),
// and picolibc's values (O_CLOEXEC among them) are not.
#pragma once

#include <abi/fcntl.h>

extern "C" {
int open(const char* path, int flags, ...);
}
