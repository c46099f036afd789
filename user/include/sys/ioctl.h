// Shadows picolibc's <sys/ioctl.h>: ioctl(2) over Sprig's system call,
// with FreeBSD's terminal commands (abi/ttycom.h).
#pragma once

#include <abi/ttycom.h>

extern "C" {
int ioctl(int fd, unsigned long request, ...);
}
