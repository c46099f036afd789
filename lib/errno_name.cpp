#include <abi/errno.h>

const char* errno_name(Errno e)
{
    switch (e) {
    case Errno::JustReturn: return "EJUSTRETURN";
    case Errno::Restart: return "ERESTART";
    case Errno::Ok: return "OK";
    case Errno::Perm: return "EPERM";
    case Errno::NoEnt: return "ENOENT";
    case Errno::Srch: return "ESRCH";
    case Errno::Intr: return "EINTR";
    case Errno::Io: return "EIO";
    case Errno::NxIo: return "ENXIO";
    case Errno::TooBig: return "E2BIG";
    case Errno::NoExec: return "ENOEXEC";
    case Errno::BadF: return "EBADF";
    case Errno::Child: return "ECHILD";
    case Errno::DeadLk: return "EDEADLK";
    case Errno::NoMem: return "ENOMEM";
    case Errno::Acces: return "EACCES";
    case Errno::Fault: return "EFAULT";
    case Errno::Busy: return "EBUSY";
    case Errno::Exist: return "EEXIST";
    case Errno::NoDev: return "ENODEV";
    case Errno::NotDir: return "ENOTDIR";
    case Errno::IsDir: return "EISDIR";
    case Errno::Inval: return "EINVAL";
    case Errno::NFile: return "ENFILE";
    case Errno::MFile: return "EMFILE";
    case Errno::NoTty: return "ENOTTY";
    case Errno::FBig: return "EFBIG";
    case Errno::NoSpc: return "ENOSPC";
    case Errno::XDev: return "EXDEV";
    case Errno::SPipe: return "ESPIPE";
    case Errno::RoFs: return "EROFS";
    case Errno::Pipe: return "EPIPE";
    case Errno::Range: return "ERANGE";
    case Errno::Again: return "EAGAIN";
    case Errno::NameTooLong: return "ENAMETOOLONG";
    case Errno::NotEmpty: return "ENOTEMPTY";
    case Errno::NoSys: return "ENOSYS";
    case Errno::Overflow: return "EOVERFLOW";
    }
    return "E?";
}
