// read, write and ioctl (FreeBSD's sys_generic.c): the descriptor looked
// up, the access checked, the transfer handed to the file's kind.  What
// every kind shares lives here: a read or write cut short by a signal
// after some bytes moved returns the count, a write to a pipe nobody
// reads raises SIGPIPE, a seekable file's offset moves by what moved.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>

struct file;
struct thread;
struct uio;

// The largest count read and write take (FreeBSD's IOSIZE_MAX, SSIZE_MAX).
inline constexpr uint64_t IOSIZE_MAX = INT64_MAX;

// read(fd, buf, nbyte): td_retval[0] gets the count (0 at end of file).
// EBADF (not open for reading), EINVAL (nbyte > IOSIZE_MAX), EFAULT, and
// the kind's errors (EAGAIN, EINTR, ERESTART, EISDIR ...).
Errno kern_read(thread* td, int64_t fd, uint64_t buf, uint64_t nbyte);
// write(fd, buf, nbyte): as read; EPIPE (with SIGPIPE) when a pipe has
// no reader.
Errno kern_write(thread* td, int64_t fd, uint64_t buf, uint64_t nbyte);
// ioctl(fd, com, data): the argument copied in and out by the command's
// encoding (abi/ttycom.h).  EBADF, ENOTTY (not a terminal, or a command
// the kind does not know), EFAULT.
Errno kern_ioctl(thread* td, int64_t fd, uint64_t com, uint64_t data);

// The transfers on a file already held (dofileread, dofilewrite):
// td_retval[0] gets the count.  For kernel callers and tests too.
Errno dofileread(thread* td, file* fp, uio* uio);
Errno dofilewrite(thread* td, file* fp, uio* uio);
