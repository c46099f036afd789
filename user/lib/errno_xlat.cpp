// The errno translation table, indexed by FreeBSD's value (sys/errno.h,
// FreeBSD 8's ELAST is 92).  Compiled against picolibc's <errno.h> for
// the programs and for the host tests alike, so the right-hand side is
// always picolibc's number.
#include "errno_xlat.h"

#include <abi/errno.h>
// The BSD and socket names FreeBSD has are Linux extensions to picolibc.
#define __LINUX_ERRNO_EXTENSIONS__ 1
#include <errno.h>

namespace {

// FreeBSD errors picolibc has no name for (Sun RPC's, EAUTH, ENEEDAUTH,
// ENOATTR, EDOOFUS) become EIO: still an error, never a wrong specific one.
constexpr short kNoName = EIO;

constexpr short from_freebsd[] = {
    0,               // 0
    EPERM,           // 1
    ENOENT,          // 2
    ESRCH,           // 3
    EINTR,           // 4
    EIO,             // 5
    ENXIO,           // 6
    E2BIG,           // 7
    ENOEXEC,         // 8
    EBADF,           // 9
    ECHILD,          // 10
    EDEADLK,         // 11
    ENOMEM,          // 12
    EACCES,          // 13
    EFAULT,          // 14
    ENOTBLK,         // 15
    EBUSY,           // 16
    EEXIST,          // 17
    EXDEV,           // 18
    ENODEV,          // 19
    ENOTDIR,         // 20
    EISDIR,          // 21
    EINVAL,          // 22
    ENFILE,          // 23
    EMFILE,          // 24
    ENOTTY,          // 25
    ETXTBSY,         // 26
    EFBIG,           // 27
    ENOSPC,          // 28
    ESPIPE,          // 29
    EROFS,           // 30
    EMLINK,          // 31
    EPIPE,           // 32
    EDOM,            // 33
    ERANGE,          // 34
    EAGAIN,          // 35
    EINPROGRESS,     // 36
    EALREADY,        // 37
    ENOTSOCK,        // 38
    EDESTADDRREQ,    // 39
    EMSGSIZE,        // 40
    EPROTOTYPE,      // 41
    ENOPROTOOPT,     // 42
    EPROTONOSUPPORT, // 43
    ESOCKTNOSUPPORT, // 44
    EOPNOTSUPP,      // 45
    EPFNOSUPPORT,    // 46
    EAFNOSUPPORT,    // 47
    EADDRINUSE,      // 48
    EADDRNOTAVAIL,   // 49
    ENETDOWN,        // 50
    ENETUNREACH,     // 51
    ENETRESET,       // 52
    ECONNABORTED,    // 53
    ECONNRESET,      // 54
    ENOBUFS,         // 55
    EISCONN,         // 56
    ENOTCONN,        // 57
    ESHUTDOWN,       // 58
    ETOOMANYREFS,    // 59
    ETIMEDOUT,       // 60
    ECONNREFUSED,    // 61
    ELOOP,           // 62
    ENAMETOOLONG,    // 63
    EHOSTDOWN,       // 64
    EHOSTUNREACH,    // 65
    ENOTEMPTY,       // 66
    EPROCLIM,        // 67
    EUSERS,          // 68
    EDQUOT,          // 69
    ESTALE,          // 70
    EREMOTE,         // 71
    kNoName,         // 72 EBADRPC
    kNoName,         // 73 ERPCMISMATCH
    kNoName,         // 74 EPROGUNAVAIL
    kNoName,         // 75 EPROGMISMATCH
    kNoName,         // 76 EPROCUNAVAIL
    ENOLCK,          // 77
    ENOSYS,          // 78
    EFTYPE,          // 79
    kNoName,         // 80 EAUTH
    kNoName,         // 81 ENEEDAUTH
    EIDRM,           // 82
    ENOMSG,          // 83
    EOVERFLOW,       // 84
    ECANCELED,       // 85
    EILSEQ,          // 86
    kNoName,         // 87 ENOATTR
    kNoName,         // 88 EDOOFUS
    EBADMSG,         // 89
    EMULTIHOP,       // 90
    ENOLINK,         // 91
    EPROTO,          // 92
};

constexpr int kEntries = sizeof(from_freebsd) / sizeof(from_freebsd[0]);

// The values the kernel can return (abi/errno.h) are where the index and
// the enum agree; a slip in the list above shows here first.
constexpr bool agrees(Errno e, int libc) { return from_freebsd[static_cast<int>(e)] == libc; }
static_assert(agrees(Errno::Again, EAGAIN) && agrees(Errno::NoSys, ENOSYS) &&
                  agrees(Errno::NameTooLong, ENAMETOOLONG) && agrees(Errno::Overflow, EOVERFLOW) &&
                  agrees(Errno::DeadLk, EDEADLK) && agrees(Errno::Range, ERANGE),
              "errno table out of step with FreeBSD's numbering");

} // namespace

extern "C" int __sprig_errno_from_freebsd(int freebsd_errno)
{
    if (freebsd_errno <= 0 || freebsd_errno >= kEntries) return EIO;
    return from_freebsd[freebsd_errno];
}
