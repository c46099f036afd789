// A whole process world for host tests: an arena with the kernel's page
// allocator, page table (for kernel stacks) and kmalloc installed, the
// process zones, the scheduler running on thread0 with an idle thread that
// plays the clock, proc0, and init (pid 1, made but never run: tests reap
// its orphans through it with WNOHANG).  At the end every process object,
// kernel stack and page must be back: the world checks, then comes down.
#pragma once

#include <doctest/doctest.h>

#include "pt_test_source.h"

#include <abi/signal.h>
#include <abi/unistd.h>
#include <abi/wait.h>
#include <kernel/clock.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/fork_limits.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_fork.h>
#include <kernel/proc/kern_thread.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <mm/intr_off.h>
#include <mm/kmalloc.h>
#include <mm/kmem.h>
#include <mm/kstack.h>
#include <mm/pagetable.h>
#include <mm/swap_reserve.h>

#include <new>
#include <string.h>

namespace proctest {

constexpr uint64_t PG = arch::PAGE_SIZE;
constexpr uint64_t MiB = 1024 * 1024;

inline uint64_t g_pauses = 0;
inline void count_pause() { g_pauses++; }

// While everybody sleeps, the idle thread makes time pass.
inline void idle_clock(void*)
{
    for (;;) {
        {
            IntrOff off;
            hardclock();
        }
        sched_preempt_point();
    }
}

// The counts a leak check compares.
struct Counts {
    size_t objects, kstacks, pages, nprocs;
    uint64_t reserved;
    bool operator==(const Counts&) const = default;
};

struct ProcWorld {
    static constexpr uint64_t ARENA = 16 * MiB;
    static constexpr uint64_t PT_PAGES = 256;
    static constexpr size_t IDLE_STACK = 256 * 1024;

    HostArena arena{PhysAddr(0x80000000), ARENA};
    ArenaPtSource src{arena};
    PageAllocator pages;
    KmallocArena* km = nullptr;
    PageTable pt;
    thread idle;
    void* idle_stack = nullptr;

    explicit ProcWorld(int maxproc = 1000)
    {
        const PhysRange all = arena.range();
        const PhysRange tables{arena.base(), PT_PAGES * PG};
        REQUIRE(pages.init(&all, 1, &tables, 1).ok());
        km = new KmallocArena(pages);
        pt = PageTable::create_kernel(src).release_value();
        REQUIRE(pt.reserve_kernel_roots(VirtAddr(arch::KSTACK_REGION), arch::KSTACK_REGION_SIZE)
                    .ok());
        kmem_install({&pages, km, &src, &pt});
        proc_zones_init(pages);
        proc_zones().vmspaces.pt_pages = &src;
        proc_zones().vmspaces.kernel_pt = &pt;
        fork_limits().configure(maxproc);
        set_fork_fail_pause(count_pause);
        g_pauses = 0;
        kernel_commit().set_strict(false);

        thread0.~thread();
        new (&thread0) thread();
        strcpy(thread0.td_name, "thread0");
        thread0.td_priority = thread0.td_base_pri = PZERO;
        strcpy(idle.td_name, "idle");
        idle_stack = ::operator new(IDLE_STACK, std::align_val_t(16));
        sched_thread_setup(&idle, idle_stack, IDLE_STACK, idle_clock, nullptr);
        sched_init(&thread0, &idle);
        sched_set_reaper(thread_free_stack);
        REQUIRE(proc0_init().ok());
        REQUIRE(create_init(init_never_runs, nullptr).ok());
    }

    ~ProcWorld()
    {
        reap_orphans();
        proc0_fini();
        sched_teardown(&thread0);
        ::operator delete(idle_stack, std::align_val_t(16));
        ProcZones& z = proc_zones();
        CHECK(z.procs.objects_in_use() == 0);
        CHECK(z.threads.objects_in_use() == 0);
        CHECK(z.creds.objects_in_use() == 0);
        CHECK(z.uids.count() == 0);
        CHECK(z.limits.objects_in_use() == 0);
        CHECK(z.sigacts.objects_in_use() == 0);
        CHECK(z.fds.objects_in_use() == 0);
        CHECK(z.vmspaces.all_in_use() == 0);
        CHECK(z.pgrps.pgrp_count() + z.pgrps.session_count() == 0);
        proc_zones_fini();
        CHECK(kernel_kstacks().in_use() == 0);
        kernel_kstacks().drain(); // its pages go back before the count below
        CHECK(kernel_commit().reserved() == 0);
        set_fork_fail_pause(nullptr);
        pt.destroy().execute();
        delete km;
        CHECK(pages.pages_in_use() == 0);
    }

    static void init_never_runs(void*) { FAIL("init ran in a host test"); }

    // Init's job, done on its behalf: reap every zombie it has.
    static unsigned reap_orphans()
    {
        unsigned n = 0;
        int st = 0;
        for (int opt : {WNOHANG, WNOHANG | WLINUXCLONE}) {
            for (;;) {
                Result<pid_t> r = kern_wait(initproc->p_thread, WAIT_ANY, &st, opt);
                if (!r.ok() || r.value() == 0) break;
                n++;
            }
        }
        return n;
    }

    Counts counts() const
    {
        // The kernel-stack cache's pages are free memory held back, as
        // v_free_count counts them (table pages come from src, not pages).
        return {proc_zones().objects_in_use(), kernel_kstacks().in_use(),
                pages.pages_in_use() - kernel_kstacks().cached_pages(),
                static_cast<size_t>(fork_limits().nprocs()), kernel_commit().reserved()};
    }
};

// A kernel-side child of td's process running fn (which must end in
// exit1), forked with fork's flags unless others are given; null if fork1
// failed.
inline proc* spawn_from(thread* td, void (*fn)(void*), void* arg = nullptr, int flags = RFFDG | RFPROC)
{
    fork_req fr;
    fr.fr_flags = flags;
    fr.fr_func = fn;
    fr.fr_arg = arg;
    Result<proc*> r = fork1(td, fr);
    CHECK(r.ok());
    return r.ok() ? r.value() : nullptr;
}

inline proc* spawn(void (*fn)(void*), void* arg = nullptr, int flags = RFFDG | RFPROC)
{
    proc* p = spawn_from(&thread0, fn, arg, flags);
    REQUIRE(p);
    return p;
}

// Waits (as thread0, the caller) for child pid and returns its status.
inline int wait_for(pid_t pid, int options = 0)
{
    int st = -1;
    Result<pid_t> r = kern_wait(&thread0, pid, &st, options);
    REQUIRE(r.ok());
    REQUIRE(r.value() == pid);
    return st;
}

// Lets every runnable thread run until all sleep or have exited.
// A new file installed in fdp (flags: O_CLOEXEC or 0), the table holding
// its only reference.
struct InstalledFile {
    file* fp;
    int fd;
};
inline InstalledFile install_new_file(filedesc* fdp, int flags = 0)
{
    file* fp = falloc_noinstall(proc_zones().fds.files).release_value();
    Result<int> fd = finstall(fdp, fp, flags);
    REQUIRE(fd.ok());
    fdrop(fp);
    return {fp, fd.value()};
}

inline void run_others()
{
    for (int i = 0; i < 1000 && sched_runnable(); i++) sched_yield();
}

} // namespace proctest
