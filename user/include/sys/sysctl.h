// Shadows picolibc's (absent) <sys/sysctl.h>: FreeBSD's sysctl(3) over
// the __sysctl system call, and the top-level names Sprig's kernel uses.
#pragma once

#include <stddef.h>

inline constexpr int CTL_MAXNAME = 24; // deepest numeric name
inline constexpr int CTL_UNSPEC = 0;   // the sysctl tree's own nodes ({0, 3}: name to OID)
inline constexpr int CTL_KERN = 1;
inline constexpr int CTL_VM = 2;

extern "C" {
int sysctl(const int* name, unsigned namelen, void* oldp, size_t* oldlenp, const void* newp,
           size_t newlen);
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
// The numeric name (OID) of a dotted name; *sizep is the room in mibp,
// in ints, on entry and the OID's length on return.
int sysctlnametomib(const char* name, int* mibp, size_t* sizep);
}
