#include <kernel/proc/fork_stats.h>

#include <kernel/sysctl/sysctl.h>

ForkStats& fork_stats()
{
    static ForkStats stats;
    return stats;
}

Result<void> fork_stats_sysctl_register(SysctlRegistry& registry)
{
    ForkStats& s = fork_stats();
    const SysctlCounter counters[] = {
        {"vm.stats.vm.v_forks", &s.v_forks, "Number of fork() calls"},
        {"vm.stats.vm.v_vforks", &s.v_vforks, "Number of vfork() calls"},
        {"vm.stats.vm.v_rforks", &s.v_rforks, "Number of rfork() calls"},
        {"vm.stats.vm.v_kthreads", &s.v_kthreads, "Number of fork() calls by kernel"},
        {"vm.stats.vm.v_forkpages", &s.v_forkpages, "VM pages affected by fork()"},
        {"vm.stats.vm.v_vforkpages", &s.v_vforkpages, "VM pages affected by vfork()"},
        {"vm.stats.vm.v_rforkpages", &s.v_rforkpages, "VM pages affected by rfork()"},
        {"vm.stats.vm.v_kthreadpages", &s.v_kthreadpages, "VM pages affected by fork() by kernel"},
    };
    return sysctl_add_counters(registry, counters, sizeof counters / sizeof counters[0]);
}
