// The path and file calls (FreeBSD's vfs_syscalls.c) over Sprig's two
// file systems: the initrd, read-only (anything that would write, such as
// O_WRONLY, O_TRUNC or O_CREAT of a missing path, is EROFS, as FreeBSD
// answers on a read-only mount), and tmpfs at /tmp (kernel/fs/tmpfs.h).
// Paths are looked up by namei (kernel/fs/vfs_lookup.h).  Every call
// taking a user path copies it in first: EFAULT, or ENAMETOOLONG when
// there is no NUL in MAXPATHLEN bytes.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <lib/result.h>

struct thread;
struct vnode;

// The longest path, NUL included (FreeBSD's MAXPATHLEN).
inline constexpr size_t MAXPATHLEN = 1024;

// open(path, flags, mode) with a kernel path (rewritten in place by
// namei): td_retval[0] gets the lowest free descriptor; O_CLOEXEC sets
// its close-on-exec flag.  EINVAL (O_ACCMODE all set), ENOENT (empty or
// missing path), EROFS, EEXIST (O_CREAT|O_EXCL of an existing file),
// EISDIR (a directory for writing), EACCES, ENOSPC, ENOTDIR,
// ENAMETOOLONG (a component), EMFILE, ENFILE (no file object), EIO (a
// malformed initrd).  O_CREAT in tmpfs makes a file of mode & ~umask
// owned by the caller; O_TRUNC empties it.
Errno kern_open(thread* td, char* path, int flags, int mode);
// kern_open's lookup and checks without a descriptor (vn_open): the
// vnode, referenced, for a file object the kernel keeps (ktrace's).
Result<vnode*> kern_open_vnode(thread* td, char* path, int flags, int mode);
// open(2) with the path in user memory (copyinstr): EFAULT, ENAMETOOLONG,
// then kern_open.
Errno user_open(thread* td, uint64_t upath, int flags, int mode);
// lseek(fd, offset, whence): td_retval[0] gets the new offset.  EBADF,
// ESPIPE (a pipe or the terminal), EINVAL (a bad whence, or a negative
// result), EOVERFLOW (beyond a 64-bit offset).
Errno kern_lseek(thread* td, int64_t fd, int64_t offset, int whence);

// unlink(path): ENOENT, EPERM (a directory, or another user's file in a
// sticky directory), EACCES, EROFS (an initrd member), ENOTDIR.
Errno kern_unlink(thread* td, char* path);
// mkdir(path, mode): EEXIST, ENOENT, EACCES, ENOSPC, NoMem, EROFS.
Errno kern_mkdir(thread* td, char* path, int mode);
// rmdir(path): ENOENT, ENOTDIR, ENOTEMPTY, EINVAL (a last component of
// "."), EBUSY (/tmp itself), EPERM (sticky), EACCES, EROFS.
Errno kern_rmdir(thread* td, char* path);
// rename(from, to): within tmpfs only (EXDEV across file systems, EROFS
// inside the initrd); EINVAL (a directory into itself or below),
// EISDIR, ENOTDIR, ENOTEMPTY (the target directory), EBUSY, EPERM,
// EACCES, NoMem.  An existing target is replaced.
Errno kern_rename(thread* td, char* from, char* to);
Errno user_unlink(thread* td, uint64_t upath);
Errno user_mkdir(thread* td, uint64_t upath, int mode);
Errno user_rmdir(thread* td, uint64_t upath);
Errno user_rename(thread* td, uint64_t ufrom, uint64_t uto);
// fstat(fd, sb) and fstatat(fd, path, sb, flag): FreeBSD 12's struct stat
// (abi/stat.h).  fstatat takes AT_FDCWD or an absolute path (EINVAL
// otherwise: Sprig has no directory descriptors for lookups) and the
// flag AT_SYMLINK_NOFOLLOW only.  EBADF, EFAULT, ENOENT, ENOTDIR, EACCES.
Errno user_fstat(thread* td, int64_t fd, uint64_t usb);
Errno user_fstatat(thread* td, int64_t fd, uint64_t upath, uint64_t usb, int flag);
// getdirentries(fd, buf, nbytes, basep): struct dirent records
// (abi/dirent.h) from the directory's offset on (an entry count: "." is
// 0, ".." 1); td_retval[0] is the bytes given, 0 at the end.  *basep
// (when basep is not null) gets the offset the read started at.  EBADF
// (not open for reading), EINVAL (not a directory, or nbytes too small
// for the next entry), EFAULT.
Errno user_getdirentries(thread* td, int64_t fd, uint64_t ubuf, uint64_t nbytes, uint64_t ubasep);
