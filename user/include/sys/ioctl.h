// Shadows picolibc's <sys/ioctl.h>: ioctl(2) over Sprig's system call,
// with FreeBSD's terminal commands (sys/ttycom.h).
#pragma once

#if __has_include(<abi/ttycom.h>)
#include <abi/ttycom.h>
#else
// FreeBSD's values until abi/ttycom.h is in the tree: _IO('t', 97),
// _IOW('t', 118, int), _IOR('t', 119, int).
inline constexpr unsigned long TIOCSCTTY = 0x20007461;
inline constexpr unsigned long TIOCSPGRP = 0x80047476;
inline constexpr unsigned long TIOCGPGRP = 0x40047477;
#endif

extern "C" {
int ioctl(int fd, unsigned long request, ...);
}
