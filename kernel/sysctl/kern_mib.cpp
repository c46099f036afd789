#include <kernel/sysctl/kern_mib.h>

#include <kernel/sysctl/kern_sysctl.h>

#include <string.h>

namespace {

#ifndef SPRIG_VERSION
#define SPRIG_VERSION "unknown"
#endif

// The banner's first words, as FreeBSD's kern.version is its banner.
constexpr char kVersion[] = "Sprig " SPRIG_VERSION " (RISC-V, Sv39)";

Errno out_string(const char* s, unsigned namelen, SysctlReq& req)
{
    if (namelen != 0) return Errno::NotDir;
    if (req.newptr) return Errno::Perm;
    return req.out(s, strlen(s) + 1);
}

} // namespace

Errno sysctl_kern_ostype(const int*, unsigned namelen, SysctlReq& req)
{
    return out_string("Sprig", namelen, req);
}

Errno sysctl_kern_osrelease(const int*, unsigned namelen, SysctlReq& req)
{
    return out_string(SPRIG_VERSION, namelen, req);
}

Errno sysctl_kern_version(const int*, unsigned namelen, SysctlReq& req)
{
    return out_string(kVersion, namelen, req);
}

Errno sysctl_hw_machine(const int*, unsigned namelen, SysctlReq& req)
{
    return out_string("riscv", namelen, req);
}
