// Process-creation figures; see procs.h.  Every timed loop makes its
// calls through raw.h and ORs each child's status (and any failure) into
// one word, checked after the loop.
#include "procs.h"

#include "raw.h"

#include <sys/mman.h>
#include <unistd.h>

namespace bench {

Made made;

namespace {

// The size that fork_1m's parent has touched.
constexpr size_t ONE_MIB_PAGES = (1u << 20) / PAGE;

// An RFMEM child's own stack (it exits before using it).
alignas(16) char child_stack[256];

// The common shape: n raw fork-and-exit calls, each reaped.
Cost fork_exit_loop(unsigned n, int number, long flags, void* stack, const char* what)
{
    long bad = 0;
    const uint64_t instret = timed_loop(n, [&] {
        bad |= raw_reap(raw_fork_exit(number, flags, stack));
    });
    if (bad) failed(what);
    return {instret, n};
}

} // namespace

char* map_pages(size_t pages)
{
    void* m = mmap(nullptr, pages * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
    if (m == MAP_FAILED) {
        failed("mmap");
        return nullptr;
    }
    return static_cast<char*>(m);
}

void unmap(char* region, size_t pages)
{
    if (region && munmap(region, pages * PAGE) < 0) failed("munmap");
}

Cost null_syscall(unsigned n)
{
    long bad = 0;
    const uint64_t instret = timed_loop(n, [&] {
        bad |= sprig::raw_syscall(SYS_getppid).err;
    });
    if (bad) failed("getppid");
    return {instret, n};
}

Cost fork_small(unsigned n)
{
    made.add(Call::Fork, n);
    return fork_exit_loop(n, SYS_fork, 0, nullptr, "fork+_exit+wait4");
}

Cost vfork_exit(unsigned n)
{
    made.add(Call::Vfork, n);
    return fork_exit_loop(n, SYS_vfork, 0, nullptr, "vfork+_exit+wait4");
}

Cost rfork_mem(unsigned n)
{
    made.add(Call::Rfork, n);
    return fork_exit_loop(n, SYS_rfork, RFPROC | RFMEM, child_stack + sizeof(child_stack),
                          "rfork(RFPROC|RFMEM)+exit+wait4");
}

Cost fork_1m(unsigned n)
{
    char* region = map_pages(ONE_MIB_PAGES);
    if (!region) return {};
    for (size_t i = 0; i < ONE_MIB_PAGES; i++) region[i * PAGE] = 1;
    made.add(Call::Fork, n);
    const Cost c = fork_exit_loop(n, SYS_fork, 0, nullptr, "fork+exit+wait4, 1 MiB touched");
    unmap(region, ONE_MIB_PAGES);
    return c;
}

namespace {

constexpr size_t MIB_PAGES = (1u << 20) / PAGE;

// fork_1m at a larger size: the parent writes every page of `mib` MiB
// once, then n forks whose children exit at once.
Cost fork_touched(unsigned n, size_t mib, const char* what)
{
    char* region = map_pages(mib * MIB_PAGES);
    if (!region) return {};
    for (size_t i = 0; i < mib * MIB_PAGES; i++) region[i * PAGE] = 1;
    made.add(Call::Fork, n);
    const Cost c = fork_exit_loop(n, SYS_fork, 0, nullptr, what);
    unmap(region, mib * MIB_PAGES);
    return c;
}

} // namespace

Cost fork_16m(unsigned n) { return fork_touched(n, 16, "fork+exit+wait4, 16 MiB touched"); }
Cost fork_64m(unsigned n) { return fork_touched(n, 64, "fork+exit+wait4, 64 MiB touched"); }
Cost fork_256m(unsigned n) { return fork_touched(n, 256, "fork+exit+wait4, 256 MiB touched"); }

Cost first_write_2m(unsigned n)
{
    constexpr size_t MIB = 64, SPAN = 2; // one write per leaf table's 2 MiB
    char* region = map_pages(MIB * MIB_PAGES);
    if (!region) return {};
    for (size_t i = 0; i < MIB * MIB_PAGES; i++) region[i * PAGE] = 1;
    made.add(Call::Fork, n);
    long bad = 0;
    const uint64_t instret = timed_loop(n, [&] {
        bad |= raw_reap(raw_fork_touch_exit(region, MIB / SPAN, SPAN << 20));
    });
    if (bad) failed("fork+child writes one page per 2 MiB+exit+wait4");
    unmap(region, MIB * MIB_PAGES);
    return {instret, n};
}

Cost vfork_execve(unsigned n)
{
    static char path[] = "/bin/true";
    char* const argv[] = {path, nullptr};
    long bad = 0;
    made.add(Call::Vfork, n);
    const uint64_t instret = timed_loop(n, [&] {
        bad |= raw_reap(raw_vfork_exec(path, argv, environ));
    });
    if (bad) failed("vfork+execve(/bin/true)+wait4");
    return {instret, n};
}

} // namespace bench
