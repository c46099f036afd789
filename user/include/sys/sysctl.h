// Shadows picolibc's (absent) <sys/sysctl.h>: FreeBSD's sysctl(3) over
// the __sysctl system call.  The numeric names and struct kinfo_proc
// are the kernel's (abi/sysctl.h).
#pragma once

#include <abi/sysctl.h>
#include <stddef.h>

extern "C" {
int sysctl(const int* name, unsigned namelen, void* oldp, size_t* oldlenp, const void* newp,
           size_t newlen);
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
// The numeric name (OID) of a dotted name; *sizep is the room in mibp,
// in ints, on entry and the OID's length on return.
int sysctlnametomib(const char* name, int* mibp, size_t* sizep);
}
