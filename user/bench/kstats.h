// The kernel's own counters, read through sysctl: free pages (the leak
// check around the whole run) and the fork and fault statistics printed
// after the figures.
#pragma once

#include <stdint.h>

namespace bench {

// An integer node's value, or -1 (with an error counted) if it cannot be
// read.
int64_t read_counter(const char* name);

inline int64_t free_pages() { return read_counter("vm.stats.vm.v_free_count"); }

// The statistics printed after the run, taken at one moment; the first
// three are v_forks, v_vforks and v_rforks, in Call's order.
struct KernelStats {
    static constexpr int COUNT = 8;
    int64_t value[COUNT];
    static const char* const names[COUNT];
};

KernelStats read_kernel_stats();

// One line per counter: its value at the end and how much the run added.
void print_kernel_stats(const KernelStats& before, const KernelStats& after);

} // namespace bench
