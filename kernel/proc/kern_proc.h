// The process records of kern.proc (FreeBSD's sysctl_kern_proc and
// fill_kinfo_proc, kern_proc.c): what ps reads, one struct kinfo_proc
// (abi/sysctl.h) per process.
#pragma once

#include <abi/errno.h>
#include <abi/sysctl.h>
#include <kernel/proc/proc.h>

struct SysctlReq;

// p's record.  p is live or a zombie (not being made).
void fill_kinfo_proc(const proc* p, kinfo_proc* kp);

// {CTL_KERN, KERN_PROC, ...}; name is what follows KERN_PROC:
// {KERN_PROC_ALL}: every process and zombie, in pid order; {KERN_PROC_PID,
// pid}: that one (Srch when there is none).  Inval for another form.
Errno sysctl_kern_proc(const int* name, unsigned namelen, SysctlReq& req);
