// The one place a failing system call sets errno: FreeBSD's value from
// a0, translated to picolibc's (errno_xlat.cpp).
#include <errno.h>

#include "errno_xlat.h"
#include "syscall.h"

extern "C" long __sprig_syscall_error(int freebsd_errno)
{
    errno = __sprig_errno_from_freebsd(freebsd_errno);
    return -1;
}
