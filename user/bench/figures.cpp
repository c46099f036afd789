// The figures, in the order a full run prints them; see figures.h.
#include "figures.h"

#include "procs.h"

#include <string.h>

namespace bench {

const Figure figures[] = {
    {"null_syscall", "getppid", 10000, null_syscall},
    {"fork_small", "fork+_exit+wait4", 200, fork_small},
    {"vfork", "vfork+_exit+wait4", 200, vfork_exit},
    {"rfork_mem", "rfork(RFPROC|RFMEM)+exit+wait4", 200, rfork_mem},
    {"fork_1m", "fork+_exit+wait4, parent touched 1 MiB", 100, fork_1m},
    {"fork_16m", "fork+_exit+wait4, parent touched 16 MiB", 20, fork_16m},
    {"fork_64m", "fork+_exit+wait4, parent touched 64 MiB", 10, fork_64m},
    {"fork_256m", "fork+_exit+wait4, parent touched 256 MiB", 4, fork_256m},
    {"first_write_2m", "fork, child writes 1 page per 2 MiB of 64 MiB touched, exit, wait4", 10,
     first_write_2m},
    {"vfork_execve", "vfork+execve(/bin/true)+wait4", 20, vfork_execve},
    {"cow_fault", "child's first write to a page shared with the parent", 4096, cow_fault},
    {"write_fault_unshared", "write to a read-only page no longer shared", 4096,
     write_fault_unshared},
    {"zero_fill_fault", "first touch of an anonymous page", 4096, zero_fill_fault},
    {"pending_fault", "first touch of a 2 MiB range a fork left pending, its child gone", 64,
     pending_fault},
    {"ctx_switch", "switch, two processes ping-ponging a byte over pipes", 1000, ctx_switch},
    {"pid_alloc_100", "fork+_exit+wait4, 100 others alive, pid window spent", 100,
     pid_alloc_100},
    {"pid_alloc_1k", "fork+_exit+wait4, 1,000 others alive, pid window spent", 200,
     pid_alloc_1k},
    {"pid_alloc_10k", "fork+_exit+wait4, 10,000 others alive, pid window spent", 200,
     pid_alloc_10k},
};
const int FIGURE_COUNT = sizeof(figures) / sizeof(figures[0]);

const Figure* find_figure(const char* key)
{
    for (const Figure& f : figures)
        if (strcmp(f.key, key) == 0) return &f;
    return nullptr;
}

void run_figure(const Figure& f, unsigned iters)
{
    if (warming_up) iters = 1;
    print_figure(f.key, f.what, iters, f.run(iters));
}

} // namespace bench
