#include <kernel/vm_sysctl.h>

#include <kernel/sysctl.h>
#include <mm/vm_fault.h>

Result<void> vm_stats_sysctl_register(SysctlRegistry& registry)
{
    VmFaultStats& s = vm_fault_stats();
    const SysctlCounter counters[] = {
        {"vm.stats.vm.v_vm_faults", &s.v_vm_faults, "Address memory faults"},
        {"vm.stats.vm.v_zfod", &s.v_zfod, "Pages zero-filled on demand"},
        {"vm.stats.vm.v_cow_faults", &s.v_cow_faults, "Copy-on-write faults"},
        {"vm.stats.vm.v_cow_optim", &s.v_cow_optim, "Optimized COW faults"},
    };
    return sysctl_add_counters(registry, counters, sizeof counters / sizeof counters[0]);
}
