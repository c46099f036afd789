// FreeBSD's errno values (what the kernel returns) to picolibc's (what
// errno, strerror and perror use): EAGAIN is 35 in FreeBSD, 11 in
// picolibc.  Pure: no system call, so the host tests build it too.
#pragma once

extern "C" int __sprig_errno_from_freebsd(int freebsd_errno);
