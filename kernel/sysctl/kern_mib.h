// The system's names (FreeBSD's kern_mib.c): kern.ostype, kern.osrelease,
// kern.version and hw.machine, read-only strings (with their NUL) that
// uname(1) prints.
#pragma once

#include <abi/errno.h>

struct SysctlReq;

Errno sysctl_kern_ostype(const int* name, unsigned namelen, SysctlReq& req);
Errno sysctl_kern_osrelease(const int* name, unsigned namelen, SysctlReq& req);
Errno sysctl_kern_version(const int* name, unsigned namelen, SysctlReq& req);
Errno sysctl_hw_machine(const int* name, unsigned namelen, SysctlReq& req);
