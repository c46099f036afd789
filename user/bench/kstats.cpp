// Reading the kernel's counters; see kstats.h.
#include "kstats.h"

#include "measure.h"

#include <stdio.h>
#include <sys/sysctl.h>

namespace bench {

const char* const KernelStats::names[COUNT] = {
    "vm.stats.vm.v_forks",     "vm.stats.vm.v_vforks",     "vm.stats.vm.v_rforks",
    "vm.stats.vm.v_forkpages", "vm.stats.vm.v_vm_faults",  "vm.stats.vm.v_zfod",
    "vm.stats.vm.v_cow_faults", "vm.stats.vm.v_cow_optim",
};

int64_t read_counter(const char* name)
{
    // Nodes are 4 or 8 bytes wide.
    union {
        int32_t i32;
        int64_t i64;
    } v = {};
    size_t len = sizeof(v);
    if (sysctlbyname(name, &v, &len, nullptr, 0) < 0 ||
        (len != sizeof(int32_t) && len != sizeof(int64_t))) {
        failed(name);
        return -1;
    }
    return len == sizeof(int32_t) ? v.i32 : v.i64;
}

KernelStats read_kernel_stats()
{
    KernelStats s;
    for (int i = 0; i < KernelStats::COUNT; i++) s.value[i] = read_counter(KernelStats::names[i]);
    return s;
}

void print_kernel_stats(const KernelStats& before, const KernelStats& after)
{
    for (int i = 0; i < KernelStats::COUNT; i++)
        printf("kernel: %-28s %10lld  (+%lld during the run)\n", KernelStats::names[i],
               static_cast<long long>(after.value[i]),
               static_cast<long long>(after.value[i] - before.value[i]));
}

} // namespace bench
