// Shadows picolibc's (absent) <sys/sysctl.h>: FreeBSD's sysctl(3) over
// the __sysctl system call.  The numeric names and struct kinfo_proc
// are the kernel's (abi/sysctl.h).
#pragma once

#include <stddef.h>

#if __has_include(<abi/sysctl.h>)
#include <abi/sysctl.h>
#else
// FreeBSD's values until abi/sysctl.h is in the tree.
inline constexpr int CTL_MAXNAME = 24; // deepest numeric name
inline constexpr int CTL_UNSPEC = 0;   // the sysctl tree's own nodes
inline constexpr int CTL_KERN = 1;
inline constexpr int CTL_VM = 2;
inline constexpr int CTL_SYSCTL_NAME2OID = 3; // {0, 3}, newp = name: its OID
#endif

extern "C" {
int sysctl(const int* name, unsigned namelen, void* oldp, size_t* oldlenp, const void* newp,
           size_t newlen);
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
// The numeric name (OID) of a dotted name; *sizep is the room in mibp,
// in ints, on entry and the OID's length on return.
int sysctlnametomib(const char* name, int* mibp, size_t* sizep);
}
