// Printing figures; see measure.h.
#include "measure.h"

#include <stdio.h>

namespace bench {

int bench_errors = 0;
bool warming_up = false;

void failed(const char* what)
{
    fprintf(stderr, "forkbench: FAILED: %s\n", what);
    bench_errors++;
}

void print_figure(const char* name, unsigned iters, Cost c)
{
    if (warming_up) return;
    const unsigned n = iters ? iters : 1;
    const uint64_t ns = c.ns / n;
    printf("bench: %-40s iters %5u  instr/op %10llu  ns/op %10llu\n", name, iters,
           static_cast<unsigned long long>(c.instret / n), static_cast<unsigned long long>(ns));
}

} // namespace bench
