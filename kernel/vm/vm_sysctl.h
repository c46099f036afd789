// The VM counters as FreeBSD names them under vm.stats.vm: the fault
// handler's (v_vm_faults, v_zfod, v_cow_faults, v_cow_optim).  Boot code
// registers them once with the kernel's registry.
#pragma once

#include <lib/result.h>

class SysctlRegistry;
class PageAllocator;

Result<void> vm_stats_sysctl_register(SysctlRegistry& registry);
// vm.stats.vm.v_free_count and v_page_count: pages free and pages
// managed by the page allocator, read when asked.
Result<void> vm_page_sysctl_register(SysctlRegistry& registry, const PageAllocator& pages);
