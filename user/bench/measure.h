// forkbench's measuring: a snapshot of the user-readable counters, the
// loop that runs an operation N times between two snapshots, and the one
// line printed per figure.  Figures are only printed, never judged: a
// benchmark does not fail on speed.  What does fail it is an operation
// that went wrong (a child that did not exit with 0), counted in
// bench_errors and turned into a non-zero exit status by main.
#pragma once

#include <sprig/counters.h>
#include <stdint.h>
#include <time.h>

namespace bench {

struct Sample {
    uint64_t instret;
    uint64_t ns; // CLOCK_MONOTONIC: the kernel converts with the device tree's timebase
};

inline Sample sample()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return {rdinstret(), static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec)};
}

// What some work cost: instructions retired and nanoseconds (a figure's
// whole loop, or one op of it).
struct Cost {
    uint64_t instret = 0;
    uint64_t ns = 0;
};

inline Cost operator-(Sample end, Sample start)
{
    return {end.instret - start.instret, end.ns - start.ns};
}

// Operations that went wrong so far (child exit statuses, failed calls).
extern int bench_errors;

// The warm-up pass: every figure runs once with one iteration and prints
// nothing, so that the kernel's caches hold what the real pass needs
// before the free pages are counted.
extern bool warming_up;

// iters, or 1 while warming up.
inline unsigned iterations(unsigned iters) { return warming_up ? 1 : iters; }

// Counts one error, saying what it was on stderr.
void failed(const char* what);

// One line: the name, the iterations, and c (the cost of all of them)
// as instructions and nanoseconds per op.
void print_figure(const char* name, unsigned iters, Cost c);

// Runs op once to warm the caches (slabs, the page cache of the
// allocator), then iters times between two samples, prints the figure
// and returns the cost of one op.  op returns false when it went wrong;
// the figure stops there.
template <class Op>
Cost measure(const char* name, unsigned iters, Op op)
{
    iters = iterations(iters);
    if (!op()) {
        failed(name);
        return {};
    }
    const Sample start = sample();
    for (unsigned i = 0; i < iters; i++) {
        if (!op()) {
            failed(name);
            return {};
        }
    }
    const Cost c = sample() - start;
    print_figure(name, iters, c);
    return {c.instret / iters, c.ns / iters};
}

} // namespace bench
