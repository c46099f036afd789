// forkbench's measuring: retired instructions (rdinstret, exact under
// QEMU's -icount) read in user mode around a loop of N operations, less
// the same loop with nothing in it, and the one line printed per figure.
// Figures are only printed, never judged: a benchmark does not fail on
// speed.  What does fail it is an operation that went wrong (a child that
// did not exit with 0, a call that failed), counted in bench_errors and
// turned into a non-zero exit status by main.
#pragma once

#include <sprig/counters.h>
#include <stdint.h>

namespace bench {

// Operations that went wrong so far (child exit statuses, failed calls).
extern int bench_errors;

// The warm-up pass: every figure runs once with one iteration and prints
// nothing, so that the kernel's caches hold what the real pass needs
// before the free pages are counted.
extern bool warming_up;

// Counts one error, saying what it was on stderr.
void failed(const char* what);

// Instructions retired by n runs of op, less those of n empty runs of
// the same loop (never below 0).  op is inlined into the loop.
template <class Op>
[[gnu::always_inline]] inline uint64_t timed_loop(unsigned n, Op op)
{
    uint64_t start = rdinstret();
    for (unsigned i = 0; i < n; i++) op();
    const uint64_t busy = rdinstret() - start;
    start = rdinstret();
    for (unsigned i = 0; i < n; i++) asm volatile("" ::: "memory");
    const uint64_t empty = rdinstret() - start;
    return busy > empty ? busy - empty : 0;
}

// The cost of a figure: instructions over its operations.
struct Cost {
    uint64_t instret = 0;
    uint64_t ops = 0;
    Cost& operator+=(Cost c)
    {
        instret += c.instret;
        ops += c.ops;
        return *this;
    }
};

// One machine-readable line (tools/bench_json.py reads it):
//   bench: KEY instr/op N  iters I  ops O  (what)
// N is instructions per operation, rounded to nearest; 0 when there
// were no operations.  Nothing while warming up.
void print_figure(const char* key, const char* what, unsigned iters, Cost c);

} // namespace bench
