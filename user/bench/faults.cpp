// Page-fault and context-switch figures; see procs.h.  The per-page
// figures work on a region of REGION_PAGES pages mapped (and, for the
// copy-on-write ones, written by the parent) before anything is timed,
// whatever n is, so that `forkbench NAME N` and `forkbench NAME 0` differ
// only by the N pages' faults (and by one more child per REGION_PAGES
// pages past the first REGION_PAGES).
#include "procs.h"

#include "raw.h"

#include <unistd.h>

namespace bench {

namespace {

constexpr size_t REGION_PAGES = 1024;

void dirty(char* region, size_t pages)
{
    for (size_t i = 0; i < pages; i++) region[i * PAGE] = 1;
}

// One store into each of the first `pages` pages, timed.
uint64_t timed_stores(char* region, size_t pages, char value)
{
    volatile char* p = region;
    size_t i = 0;
    return timed_loop(static_cast<unsigned>(pages), [&] { p[i++ * PAGE] = value; });
}

// Rounds of at most REGION_PAGES pages, at least one (n = 0 still runs
// the setup of one round).
template <class Round>
Cost in_rounds(unsigned n, Round round)
{
    Cost total;
    unsigned left = n;
    do {
        const size_t pages = left < REGION_PAGES ? left : REGION_PAGES;
        if (!round(pages, total)) break;
        left -= static_cast<unsigned>(pages);
    } while (left > 0);
    return total;
}

// Exactly n bytes, or false.
bool read_all(int fd, void* buf, size_t n) { return read(fd, buf, n) == static_cast<ssize_t>(n); }

} // namespace

Cost cow_fault(unsigned n)
{
    char* region = map_pages(REGION_PAGES);
    if (!region) return {};
    dirty(region, REGION_PAGES);
    const Cost c = in_rounds(n, [&](size_t pages, Cost& total) {
        int fds[2];
        if (pipe(fds) < 0) {
            failed("cow_fault: pipe");
            return false;
        }
        made.add(Call::Fork, 1);
        const pid_t pid = fork();
        if (pid == 0) { // the child times its own first stores
            const uint64_t instret = timed_stores(region, pages, 3);
            _exit(write(fds[1], &instret, sizeof(instret)) == sizeof(instret) ? 0 : 1);
        }
        close(fds[1]);
        uint64_t instret = 0;
        const bool got = pid > 0 && read_all(fds[0], &instret, sizeof(instret));
        close(fds[0]);
        if (raw_reap(pid) != 0 || !got) {
            failed("cow_fault: the child");
            return false;
        }
        total += Cost{instret, pages};
        return true;
    });
    unmap(region, REGION_PAGES);
    return c;
}

Cost write_fault_unshared(unsigned n)
{
    char* region = map_pages(REGION_PAGES);
    if (!region) return {};
    dirty(region, REGION_PAGES);
    const Cost c = in_rounds(n, [&](size_t pages, Cost& total) {
        // A child that writes a page in each MiB and exits leaves the
        // parent's pages mapped read-only but shared with nobody.  (A
        // child that exits at once leaves them writable: a fork defers
        // the write-protect pass of a full leaf table until either side
        // touches its 2 MiB, docs/memory.md, so there is no fault left
        // to time.)
        made.add(Call::Fork, 1);
        constexpr long MIB = 1 << 20;
        if (raw_reap(raw_fork_touch_exit(region, REGION_PAGES * PAGE / MIB, MIB)) != 0) {
            failed("write_fault_unshared: the child");
            return false;
        }
        total += Cost{timed_stores(region, pages, 4), pages};
        return true;
    });
    unmap(region, REGION_PAGES);
    return c;
}

Cost zero_fill_fault(unsigned n)
{
    return in_rounds(n, [&](size_t pages, Cost& total) {
        char* region = map_pages(REGION_PAGES);
        if (!region) return false;
        total += Cost{timed_stores(region, pages, 1), pages};
        unmap(region, REGION_PAGES);
        return true;
    });
}

Cost pending_fault(unsigned n)
{
    // Full leaf tables (every page written) that a fork leaves pending
    // (docs/memory.md, "Shared leaf tables"): the child exits at once, so
    // the parent's first load in each 2 MiB only makes the entry valid
    // again, with no write-protect pass to make.  One load per 2 MiB.
    constexpr size_t SLOTS = 8, SLOT_PAGES = (2 << 20) / PAGE;
    // One slot more than used, so that SLOTS whole 2 MiB slots lie inside.
    char* mapped = map_pages((SLOTS + 1) * SLOT_PAGES);
    if (!mapped) return {};
    const uintptr_t slot = SLOT_PAGES * PAGE;
    char* region = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(mapped) + slot - 1) & ~(slot - 1));
    dirty(region, SLOTS * SLOT_PAGES);
    Cost total;
    for (unsigned left = n; left > 0;) {
        const size_t slots = left < SLOTS ? left : SLOTS;
        made.add(Call::Fork, 1);
        if (raw_reap(raw_fork_exit(SYS_fork)) != 0) {
            failed("pending_fault: the child");
            break;
        }
        volatile char* p = region;
        size_t i = 0;
        char sink = 0;
        total += Cost{timed_loop(static_cast<unsigned>(slots), [&] { sink ^= p[i++ * SLOT_PAGES * PAGE]; }),
                      slots};
        (void)sink;
        left -= static_cast<unsigned>(slots);
    }
    unmap(mapped, (SLOTS + 1) * SLOT_PAGES);
    return total;
}

namespace {

// The child's side: echo each byte until end-of-file.
[[noreturn]] void echo(int in, int out)
{
    char b;
    while (raw_read(in, &b, 1) == 1)
        if (raw_write(out, &b, 1) != 1) _exit(1);
    _exit(0);
}

} // namespace

Cost ctx_switch(unsigned n)
{
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0) {
        failed("ctx_switch: pipe");
        return {};
    }
    made.add(Call::Fork, 1);
    const pid_t pid = fork();
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        echo(to_child[0], to_parent[1]);
    }
    close(to_child[0]);
    close(to_parent[1]);
    char b = 0;
    // One untimed trip: the child's first faults on its stack.
    long bad = pid > 0 && raw_write(to_child[1], &b, 1) == 1 && raw_read(to_parent[0], &b, 1) == 1
                   ? 0
                   : 1;
    const uint64_t instret = timed_loop(n, [&] {
        bad |= raw_write(to_child[1], &b, 1) ^ 1;
        bad |= raw_read(to_parent[0], &b, 1) ^ 1;
    });
    close(to_child[1]); // the child sees end-of-file and exits
    close(to_parent[0]);
    if (raw_reap(pid) != 0 || bad) failed("ctx_switch");
    return {instret, 2ull * n};
}

} // namespace bench
