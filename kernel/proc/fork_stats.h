// Fork counters (FreeBSD's vmmeter v_forks ... v_kthreadpages), classified
// as the seed classifies them: fork() exactly, vfork() exactly, children of
// proc0 (kernel processes), and everything else as rfork.  The page counts
// add the child's data and stack sizes.
#pragma once

#include <stdint.h>
#include <lib/result.h>

class SysctlRegistry;

struct ForkStats {
    uint32_t v_forks = 0;
    uint32_t v_vforks = 0;
    uint32_t v_rforks = 0;
    uint32_t v_kthreads = 0;
    uint32_t v_forkpages = 0;
    uint32_t v_vforkpages = 0;
    uint32_t v_rforkpages = 0;
    uint32_t v_kthreadpages = 0;
};

ForkStats& fork_stats();
// vm.stats.vm.v_forks and the rest, read-only.
Result<void> fork_stats_sysctl_register(SysctlRegistry& registry);
