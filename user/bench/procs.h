// The figures forkbench prints (each a setup, N timed operations and a
// teardown; see figures.cpp for the table), and the count of children
// they made, by system call, which main holds against the kernel's
// v_forks, v_vforks and v_rforks.
#pragma once

#include "measure.h"

#include <stddef.h>

namespace bench {

enum class Call { Fork, Vfork, Rfork };
inline constexpr int CALLS = 3;

struct Made {
    long count[CALLS] = {};
    void add(Call c, long n) { count[static_cast<int>(c)] += n; }
};
extern Made made;

inline constexpr size_t PAGE = 4096;

// Process creation (procs.cpp).  Each runs n operations; the Cost's ops
// is n.
Cost null_syscall(unsigned n);
Cost fork_small(unsigned n);
Cost vfork_exit(unsigned n);
Cost rfork_mem(unsigned n);
Cost fork_1m(unsigned n);
// fork_1m at 16, 64 and 256 MiB touched; first_write_2m: 64 MiB touched,
// and each child writes one page in every 2 MiB before it exits (the
// cost on-demand fork moves from the fork to the first write in each
// shared leaf table).
Cost fork_16m(unsigned n);
Cost fork_64m(unsigned n);
Cost fork_256m(unsigned n);
Cost first_write_2m(unsigned n);
Cost vfork_execve(unsigned n);

// Faults and switches (faults.cpp).  n is pages, or round trips for
// ctx_switch (whose ops are the 2n switches).
Cost cow_fault(unsigned n);
Cost write_fault_unshared(unsigned n);
Cost zero_fill_fault(unsigned n);
Cost pending_fault(unsigned n);
Cost ctx_switch(unsigned n);

// A fork while many other processes live (pidalloc.cpp).
Cost pid_alloc_100(unsigned n);
Cost pid_alloc_1k(unsigned n);
Cost pid_alloc_10k(unsigned n);

// An anonymous read-write mapping of `pages` pages, or nullptr (an error
// counted); unmap() gives it back.
char* map_pages(size_t pages);
void unmap(char* region, size_t pages);

} // namespace bench
