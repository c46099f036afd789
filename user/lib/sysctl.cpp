// sysctl(3) over FreeBSD's __sysctl, and lookups by name through the
// tree's own {0, 3} node ("name2oid": the dotted name in, the numeric
// name out), as FreeBSD's libc does it.
#include <abi/syscall.h>
#include <errno.h>
#include <string.h>
#include <sys/sysctl.h>

#include "syscall.h"

using sprig::reg;

extern "C" {

int sysctl(const int* name, unsigned namelen, void* oldp, size_t* oldlenp, const void* newp,
           size_t newlen)
{
    return static_cast<int>(sprig::syscall(SYS___sysctl, reg(name), namelen, reg(oldp), reg(oldlenp),
                                           reg(newp), static_cast<long>(newlen)));
}

int sysctlnametomib(const char* name, int* mibp, size_t* sizep)
{
    const int query[] = {CTL_UNSPEC, CTL_SYSCTL_NAME2OID};
    size_t bytes = *sizep * sizeof(int);
    if (sysctl(query, 2, mibp, &bytes, name, strlen(name)) < 0) return -1;
    *sizep = bytes / sizeof(int);
    return 0;
}

int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen)
{
    int mib[CTL_MAXNAME];
    size_t len = CTL_MAXNAME;
    if (sysctlnametomib(name, mib, &len) < 0) return -1;
    return sysctl(mib, static_cast<unsigned>(len), oldp, oldlenp, newp, newlen);
}

} // extern "C"
