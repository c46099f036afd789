// forkbench: what creating a process costs on Sprig, one printed figure
// per operation (instructions and nanoseconds per op; see measure.h),
// then the kernel's own counters and the free pages before and after.
// Run by `make bench` as init under QEMU's -icount (docs/testing.md).
// The exit status is the number of operations that went wrong (at most
// 255): figures never fail the run, a child that did not exit with 0
// or a page not given back does.
#include "faults.h"
#include "kstats.h"
#include "measure.h"
#include "procs.h"

#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

using namespace bench;

namespace {

constexpr size_t PAGE = 4096;
constexpr size_t REGION_PAGES = 1024;

// What `pages` pages added to an op: with minus without, spread over
// the pages.  Zero where the op without them was dearer (noise cannot
// make a cost negative).
void print_per_page(const char* name, Cost with, Cost without, size_t pages)
{
    const auto diff = [](uint64_t a, uint64_t b) { return a > b ? a - b : 0; };
    print_figure(name, static_cast<unsigned>(pages),
                 {diff(with.instret, without.instret), diff(with.ns, without.ns)});
}

void dirty(char* region, size_t pages)
{
    for (size_t i = 0; i < pages; i++) region[i * PAGE] = 1;
}

// measure, and count the children made (the warm-up op's too).
template <class Op>
Cost measure_made(Call call, const char* name, unsigned iters, Op op)
{
    const Cost c = measure(name, iters, op);
    made.add(call, iterations(iters) + 1);
    return c;
}

void process_figures()
{
    measure_made(Call::Fork, "fork+_exit+wait4", 200, fork_exit_wait);
    measure_made(Call::Vfork, "vfork+_exit+wait4", 200, vfork_exit_wait);
    measure_made(Call::Vfork, "vfork+execve(/bin/true)+wait4", 20,
                 [] { return vfork_exec_wait("/bin/true"); });
    measure_made(Call::Rfork, "rfork_thread(RFPROC|RFMEM)+wait4", 200, rfork_thread_wait);
    measure_made(Call::Rfork, "rfork(RFPROC|RFCFDG)+_exit+wait4", 200, rfork_cfdg_wait);
}

// fork with 0, 64 and 1024 dirty pages, without and with the child
// writing them: the fork itself stays nearly flat (the pages are shared
// copy-on-write), the child's writes cost a fault and a copy per page.
void fork_figures(char* region)
{
    measure_made(Call::Fork, "fork, 0 dirty pages", 100,
                 [&] { return fork_touch_wait(region, 0, false); });
    dirty(region, 64);
    const Cost f64 = measure_made(Call::Fork, "fork, 64 dirty pages", 100,
                             [&] { return fork_touch_wait(region, 64, false); });
    const Cost w64 = measure_made(Call::Fork, "fork, 64 dirty, child writes them", 20,
                             [&] { return fork_touch_wait(region, 64, true); });
    dirty(region, REGION_PAGES);
    const Cost f1k = measure_made(Call::Fork, "fork, 1024 dirty pages", 20,
                             [&] { return fork_touch_wait(region, REGION_PAGES, false); });
    const Cost w1k = measure_made(Call::Fork, "fork, 1024 dirty, child writes them", 5,
                             [&] { return fork_touch_wait(region, REGION_PAGES, true); });
    if (warming_up) return;
    print_per_page("  child write, per page (64)", w64, f64, 64);
    print_per_page("  child write, per page (1024)", w1k, f1k, REGION_PAGES);
}

// Needs region all dirty (fork_figures leaves it so).
void fault_figures(char* region)
{
    const unsigned rounds = iterations(4);
    print_figure("zero-fill fault (first touch), per page", REGION_PAGES * rounds,
                 zero_fill(REGION_PAGES, rounds));
    print_figure("COW copy fault, per page", REGION_PAGES * rounds,
                 cow_copy(region, REGION_PAGES, rounds));
    made.add(Call::Fork, rounds); // a child per round
    const unsigned trips = iterations(500);
    print_figure("pipe ping-pong, per round trip", trips, pipe_pingpong(trips));
    made.add(Call::Fork, 1); // the echoing child
}

// Every figure, over a region mapped for the pass and unmapped after.
void run_figures()
{
    void* m = mmap(nullptr, REGION_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE,
                   -1, 0);
    if (m == MAP_FAILED) return failed("mmap of the dirty region");
    char* region = static_cast<char*>(m);
    process_figures();
    fork_figures(region);
    fault_figures(region);
    if (munmap(m, REGION_PAGES * PAGE) < 0) failed("munmap of the dirty region");
}

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

} // namespace

int main()
{
    printf("forkbench: instructions are guest instructions (exact under -icount);\n"
           "forkbench: ns from clock_gettime(CLOCK_MONOTONIC)\n");
    warming_up = true;
    run_figures();
    warming_up = false;

    const KernelStats stats_before = read_kernel_stats();
    const Made made_before = made;
    const int64_t free_before = settled_free_pages();
    run_figures();
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
