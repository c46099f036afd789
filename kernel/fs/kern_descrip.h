// The descriptor system calls (FreeBSD's kern_descrip.c): close, dup and
// dup2 over the current process's table (kernel/fs/filedesc.h), and the
// descriptor ceiling every call that makes a descriptor respects.
#pragma once

#include <stdint.h>
#include <abi/errno.h>

struct thread;

// The ceiling on descriptor numbers of td's process (getmaxfd):
// min(RLIMIT_NOFILE, MAXFILESPERPROC); 0 when the limit is 0.
int getmaxfd(thread* td);
// close(fd): EBADF for a descriptor not open; the close's own error when
// it was the file's last reference.
Errno kern_close(thread* td, int64_t fd);
// dup(old): td_retval[0] gets the lowest free descriptor, now naming old's
// file (without close-on-exec).  EBADF, EMFILE.
Errno kern_dup(thread* td, int64_t old);
// dup2(old, newfd): newfd names old's file, what it held closed first;
// nothing happens when they are equal.  EBADF for a bad old or a newfd
// outside [0, getmaxfd).
Errno kern_dup2(thread* td, int64_t old, int64_t newfd);
