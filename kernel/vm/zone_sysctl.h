// Every zone's objects in use as a sysctl, vm.zone.<name>.inuse (FreeBSD
// shows the same through vm.zone_stats / vmstat -z): what a leak check
// compares before and after an operation.  Registered once at boot for
// the zones alive then (the kernel's zones live for good).
#pragma once

#include <lib/result.h>

class SysctlRegistry;

Result<void> zone_sysctl_register(SysctlRegistry& registry);
