// Error numbers, FreeBSD's values (sys/errno.h), shared by the kernel and
// user space.  Enumerators drop the leading E so that they cannot collide
// with a C library's errno macros: Errno::NoMem is ENOMEM (12).
#pragma once

enum class Errno : int {
    // Kernel-only (FreeBSD's _KERNEL values): the system call has set the
    // user registers itself (exec), leave them as they are.
    JustReturn = -2,   // EJUSTRETURN
    // A sleep ended by a signal whose handler has SA_RESTART: the system
    // call is made again (the ecall re-executed) once the handler returns.
    Restart = -1,      // ERESTART
    Ok = 0,
    Perm = 1,          // EPERM
    NoEnt = 2,         // ENOENT
    Srch = 3,          // ESRCH
    Intr = 4,          // EINTR
    Io = 5,            // EIO
    NxIo = 6,          // ENXIO
    TooBig = 7,        // E2BIG
    NoExec = 8,        // ENOEXEC
    BadF = 9,          // EBADF
    Child = 10,        // ECHILD
    DeadLk = 11,       // EDEADLK
    NoMem = 12,        // ENOMEM
    Acces = 13,        // EACCES
    Fault = 14,        // EFAULT
    Busy = 16,         // EBUSY
    Exist = 17,        // EEXIST
    XDev = 18,         // EXDEV
    NoDev = 19,        // ENODEV
    NotDir = 20,       // ENOTDIR
    IsDir = 21,        // EISDIR
    Inval = 22,        // EINVAL
    NFile = 23,        // ENFILE
    MFile = 24,        // EMFILE
    NoTty = 25,        // ENOTTY
    FBig = 27,         // EFBIG
    NoSpc = 28,        // ENOSPC
    SPipe = 29,        // ESPIPE
    RoFs = 30,         // EROFS
    Pipe = 32,         // EPIPE
    Range = 34,        // ERANGE
    Again = 35,        // EAGAIN
    NameTooLong = 63,  // ENAMETOOLONG
    NotEmpty = 66,     // ENOTEMPTY
    NoSys = 78,        // ENOSYS
    Overflow = 84,     // EOVERFLOW
};

// The name a reader knows ("ENOMEM"), for messages.
const char* errno_name(Errno e);
