// Fork, exit and wait over and over: 10,000 cycles, then cycles whose
// children touch memory, then many children alive at once, each followed
// by a check that the free-page count and the process count are back at
// their baseline, so that a leak of one page or one process per fork
// shows.
#include "check.h"
#include "helpers.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace suite;

namespace {

constexpr size_t PAGE = 4096;

void ten_thousand_fork_exit_wait()
{
    constexpr int CYCLES = 10000;
    const Baseline before = Baseline::now();
    const long long forks = sysctl_num("vm.stats.vm.v_forks");
    for (int i = 0; i < CYCLES; i++) {
        const pid_t pid = spawn([&] { return i & 0x7f; });
        const int code = exit_code_of(pid);
        if (code != (i & 0x7f)) fail("cycle %d: exit status %d", i, code);
    }
    CHECK_EQ(sysctl_num("vm.stats.vm.v_forks"), forks + CYCLES);
    before.check_back();
}

alignas(4096) char g_pages[64 * PAGE];

void cycles_touching_memory()
{
    memset(g_pages, 1, sizeof g_pages);
    const Baseline before = Baseline::now();
    for (int i = 0; i < 500; i++) {
        check_child_ok(spawn([] {
            // Copy-on-write copies of every page, a fresh heap, a deeper stack.
            for (size_t off = 0; off < sizeof g_pages; off += PAGE) g_pages[off] = 2;
            char* heap = static_cast<char*>(sbrk(16 * PAGE));
            if (heap == reinterpret_cast<char*>(-1)) return 3;
            for (size_t off = 0; off < 16 * PAGE; off += PAGE) heap[off] = 3;
            volatile char stack[8 * PAGE];
            for (size_t off = 0; off < sizeof stack; off += PAGE) stack[off] = 4;
            return 0;
        }));
    }
    for (size_t off = 0; off < sizeof g_pages; off += PAGE) CHECK_EQ(g_pages[off], 1);
    before.check_back();
}

void many_children_at_once()
{
    constexpr int CHILDREN = 200;
    static pid_t pids[CHILDREN];
    memset(pids, 0, sizeof pids); // its pages, before the baseline
    const Baseline before = Baseline::now(CHILDREN);
    {
        Pipe hold;
        for (pid_t& pid : pids)
            pid = spawn([&] {
                hold.close_w();
                char c;
                while (read(hold.r, &c, 1) > 0) {}
                return 0;
            });
        CHECK_EQ(proc_count(), before.procs + CHILDREN);
    } // the pipe closes: every child sees end of file
    for (pid_t pid : pids) check_child_ok(pid);
    before.check_back();
}

const Case cases[] = {
    {"10000 fork/exit/wait cycles; free pages and processes back at baseline",
     ten_thousand_fork_exit_wait, 240},
    {"500 cycles of children dirtying 88 pages; all pages back", cycles_touching_memory, 120},
    {"200 children alive at once, then reaped; all back", many_children_at_once, 60},
};

} // namespace

int main(int argc, char** argv) { return run("stresstest", cases, argc, argv); }
