// forkbench: what creating a process, faulting a page and switching cost
// on Sprig, in guest instructions per operation (figures.cpp lists them;
// measure.h says how they are measured), then the kernel's own counters
// and the free pages before and after.  Run by `make bench` as init under
// QEMU's -icount (docs/testing.md).
//
//   forkbench            every figure (a warm-up pass, then the real one)
//   forkbench NAME N     only figure NAME, with N iterations (N may be 0:
//                        the setup without the operations), after its
//                        warm-up run; `make profile` subtracts the two
//
// The exit status is the number of operations that went wrong (at most
// 255): figures never fail the run; a child that did not exit with 0, a
// fork the kernel did not count, or a page not given back does.
#include "figures.h"
#include "kstats.h"
#include "measure.h"
#include "procs.h"

#include <sprig/counters.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

using namespace bench;

namespace {

void nap_ms(long ms)
{
    const struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, nullptr);
}

// vm.stats.vm.v_free_count once it has stopped moving: pagezero refills
// its pool of zeroed pages (which the count leaves out) when it next
// wakes, up to a second after a burst of allocations.
int64_t settled_free_pages()
{
    constexpr int STEP_MS = 50, STABLE_STEPS = 24, MAX_STEPS = 400;
    int64_t last = free_pages();
    for (int i = 0, same = 0; i < MAX_STEPS && same < STABLE_STEPS; i++) {
        nap_ms(STEP_MS);
        const int64_t now = free_pages();
        same = now == last ? same + 1 : 0;
        last = now;
    }
    return last;
}

// The kernel must have counted every child this pass made, by call, and
// no others (nothing else forks while forkbench runs as init).
void check_counted(const KernelStats& before, const KernelStats& after, Made start)
{
    for (int i = 0; i < CALLS; i++) {
        const int64_t counted = after.value[i] - before.value[i];
        const long made_now = made.count[i] - start.count[i];
        if (counted == made_now) continue;
        printf("forkbench: %s grew by %lld, but %ld were made\n", KernelStats::names[i],
               static_cast<long long>(counted), made_now);
        failed("the kernel's fork counts");
    }
}

// The figures chosen: all of them, or one.
struct Selection {
    const Figure* only = nullptr;
    unsigned iters = 0;
};

void run_pass(const Selection& s)
{
    if (s.only) return run_figure(*s.only, s.iters);
    for (int i = 0; i < FIGURE_COUNT; i++) run_figure(figures[i], figures[i].iters);
}

int usage()
{
    fprintf(stderr, "usage: forkbench [NAME ITERATIONS]; NAME is one of:");
    for (int i = 0; i < FIGURE_COUNT; i++) fprintf(stderr, " %s", figures[i].key);
    fprintf(stderr, "\n");
    return 2;
}

bool parse_args(int argc, char** argv, Selection& s)
{
    if (argc == 1) return true;
    if (argc != 3) return false;
    s.only = find_figure(argv[1]);
    char* end = nullptr;
    const unsigned long n = strtoul(argv[2], &end, 10);
    if (!s.only || end == argv[2] || *end != '\0' || n > 100000000ul) return false;
    s.iters = static_cast<unsigned>(n);
    return true;
}

// Whether rdinstret counts this program's instructions: a loop of
// exactly 2 instructions per turn must cost about that much (a timer
// interrupt in it adds a little).  QEMU without -icount answers instret
// with the host's tick counter, so the figures would be meaningless.
bool instret_counts_instructions()
{
    constexpr uint64_t kTurns = 1000000;
    uint64_t n = kTurns;
    const uint64_t before = rdinstret();
    asm volatile("1: addi %0, %0, -1\n bnez %0, 1b" : "+r"(n));
    const uint64_t spent = rdinstret() - before;
    return spent >= 2 * kTurns && spent <= 2 * kTurns + kTurns / 5;
}

} // namespace

int main(int argc, char** argv)
{
    Selection selection;
    if (!parse_args(argc, argv, selection)) return usage();
    printf("forkbench: guest instructions per operation (exact under -icount), "
           "the empty loop subtracted\n");
    if (!instret_counts_instructions())
        printf("forkbench: NOTE: rdinstret does not count instructions here (QEMU without -icount "
               "reads the host's clock); the figures below mean nothing: use make bench or "
               "make bench-one, which boot QEMU with -icount shift=0\n");
    warming_up = true;
    run_pass(selection);
    warming_up = false;

    const KernelStats stats_before = read_kernel_stats();
    const Made made_before = made;
    const int64_t free_before = settled_free_pages();
    run_pass(selection);
    const int64_t free_after = settled_free_pages();
    const KernelStats stats_after = read_kernel_stats();
    print_kernel_stats(stats_before, stats_after);
    check_counted(stats_before, stats_after, made_before);
    printf("memory: free pages %lld before, %lld after\n", static_cast<long long>(free_before),
           static_cast<long long>(free_after));
    if (free_after < free_before) failed("pages not given back");
    printf("forkbench: %d errors\n", bench_errors);
    return bench_errors > 255 ? 255 : bench_errors;
}
