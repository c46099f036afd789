// open and lseek (FreeBSD's vfs_syscalls.c) over the initrd, a read-only
// file system: a member opens for reading; anything that would write
// (O_WRONLY, O_RDWR, O_TRUNC, O_CREAT of a missing path) is EROFS, as
// FreeBSD answers on a read-only mount.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>

struct thread;

// The longest path, NUL included (FreeBSD's MAXPATHLEN).
inline constexpr size_t MAXPATHLEN = 1024;

// open(path, flags, mode) with a kernel path: td_retval[0] gets the
// lowest free descriptor; O_CLOEXEC sets its close-on-exec flag.  EINVAL
// (O_ACCMODE all set), ENOENT (empty or missing path), EROFS, EEXIST
// (O_CREAT|O_EXCL of an existing member), EISDIR (a directory for
// writing), EMFILE, ENFILE (no file object), EIO (a malformed initrd).
// mode is ignored: nothing is ever created.
Errno kern_open(thread* td, const char* path, int flags, int mode);
// open(2) with the path in user memory (copyinstr): EFAULT, ENAMETOOLONG,
// then kern_open.
Errno user_open(thread* td, uint64_t upath, int flags, int mode);
// lseek(fd, offset, whence): td_retval[0] gets the new offset.  EBADF,
// ESPIPE (a pipe or the terminal), EINVAL (a bad whence, or a negative
// result), EOVERFLOW (beyond a 64-bit offset).
Errno kern_lseek(thread* td, int64_t fd, int64_t offset, int whence);
