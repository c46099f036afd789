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

void print_figure(const char* key, const char* what, unsigned iters, Cost c)
{
    if (warming_up) return;
    const uint64_t per_op = c.ops ? (c.instret + c.ops / 2) / c.ops : 0;
    printf("bench: %-22s instr/op %9llu  iters %6u  ops %7llu  (%s)\n", key,
           static_cast<unsigned long long>(per_op), iters, static_cast<unsigned long long>(c.ops),
           what);
}

} // namespace bench
