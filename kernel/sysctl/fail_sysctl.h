// The kernel-wide fail sites (mm/fail_point.h) as the running kernel
// exposes them, FreeBSD's debug.fail_point in spirit:
//
//   debug.fail.<site>.nth          RW root  the nth allocation from now fails, once
//   debug.fail.<site>.every        RW root  every kth allocation fails (0: off)
//   debug.fail.<site>.probability  RW root  parts per million fail (0: off)
//   debug.fail.<site>.seed         RW root  restarts the probability sequence
//   debug.fail.<site>.count        RD       allocations seen
//   debug.fail.<site>.injected     RD       failures injected
//   debug.fail.pid                 RW root  only this process's allocations (0: all)
//
// for each site: page, zone, kmalloc, ptpage, kstack, commit.  A write by
// a non-root user is EPERM, a negative value (or a probability above a
// million) EINVAL.  The boot switch sets the same before init runs:
//
//   fail.<site>=<setting>:<n>[,<setting>:<n>...]    e.g. fail.page=nth:37
//   fail.pid=<n>
//
// with setting one of nth, every, probability, seed.  docs/failpoints.md.
#pragma once

#include <lib/result.h>

class CmdLine;
class SysctlRegistry;

Result<void> fail_sysctl_register(SysctlRegistry& registry);
// Applies the fail.* words of the command line; a malformed one is
// reported on the console and ignored (a typo must not stop the boot).
void fail_boot_switches(const CmdLine& cmdline);
// Parses one fail.<site> value ("nth:37,seed:5") and applies it.  Inval
// for a malformed value or an unknown setting (nothing applied then).
Result<void> fail_apply_switch(const char* site, const char* value);
