// Out of memory, with the page allocator run down to its reserve (or to
// its last page): SIGKILL, exit and reaping allocate nothing and give
// every page back; the OOM killer picks the largest process, never init,
// proc0, a kernel process or one already dying; a fault that finds no
// page sleeps until the victim's exit frees some, and SIGKILL ends that
// sleep; a signal frame that finds no page kills instead of looping.
#include "console_capture.h"
#include "sig_test_util.h"

#include <abi/procctl.h>
#include <kernel/proc/kern_procctl.h>
#include <kernel/proc/kern_prot.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sig_calls.h>
#include <kernel/vm/vm_pageout_oom.h>
#include <kernel/vm/vm_trap.h>
#include <mm/vmspace.h>

#include <string>
#include <vector>

using namespace sigtest;
using credtest::ConsoleCapture;

namespace {

constexpr uint64_t UBASE = 0x400000; // above SigWorld's regions
constexpr uint64_t RESERVE = 24;
constexpr vm_prot_t RW = VM_PROT_READ | VM_PROT_WRITE;

int g_chan;      // interruptible sleepers
int g_hard_chan; // sleepers SIGKILL cannot wake
int g_gate;      // children wait here until the test has set memory up

// Sleeps interruptibly until a signal comes, then acts on it (as on the
// way back to user mode): SIGKILL ends it.
void sleeper(void*)
{
    thread* td = curthread();
    while (!cursig(td)) (void)tsleep(&g_chan, PWAIT | PCATCH, "sleeper", 0);
    userret(td);
    FAIL("a sleeper survived its signal");
}

// One sleep that no signal ends (as a vfork parent's): a victim that
// cannot die until somebody wakes it.
void hard_sleeper(void*)
{
    (void)tsleep(&g_hard_chan, PWAIT, "hard", 0);
    userret(curthread());
    FAIL("a hard sleeper survived SIGKILL");
}

struct FaultRun {
    Errno result = Errno::Ok;
    bool done = false;
};

// Waits at the gate, then writes UBASE (a page not yet resident) as a
// user store would fault there; exits 0 unless a signal kills it.
void faulter(void* arg)
{
    auto* run = static_cast<FaultRun*>(arg);
    (void)tsleep(&g_gate, PWAIT, "gate", 0);
    run->result = vm_fault_user_access(UBASE, VM_PROT_WRITE);
    run->done = true;
    userret(curthread());
    exit1(curthread(), W_EXITCODE(0, 0));
}

// n pages mapped at UBASE in p's space and made resident (faults made on
// p's behalf by the caller).
void give_pages(proc* p, unsigned n)
{
    vmspace* vm = p->p_vmspace;
    REQUIRE(vmspace_map_anon(vm, UBASE, n * PG, RW).ok());
    for (unsigned i = 0; i < n; i++) {
        Result<TlbFlush> r = vmspace_fault(vm, VirtAddr(UBASE + i * PG), VM_PROT_WRITE);
        REQUIRE(r.ok());
        r.value().execute();
    }
}

// Takes free pages (as the kernel may, past the reserve) until `leave`
// are left; caches are given back first so that none appear later.
struct Hoard {
    PageAllocator& pages;
    std::vector<PhysAddr> held;
    Hoard(PageAllocator& pa, uint64_t leave) : pages(pa)
    {
        (void)vm_drain_caches();
        while (pages.free_pages() > leave) held.push_back(pages.alloc(0, AllocFlags::System).value());
    }
    ~Hoard() { release(); }
    void release()
    {
        for (PhysAddr p : held) pages.free(p, 0);
        held.clear();
    }
};

int wait_status(proc* p) { return wait_for(p->p_pid); }

// Runs the others until pred() holds (or they all sleep for good).
template <class Pred>
bool run_until(Pred pred)
{
    for (int i = 0; i < 5000 && !pred(); i++) sched_yield();
    return pred();
}

bool sleeps_on(const proc* p, const char* wmesg)
{
    const thread* td = p->p_thread;
    return td->td_wmesg && std::string(td->td_wmesg) == wmesg;
}

} // namespace

TEST_CASE("oom: SIGKILL, exit and reaping allocate nothing, even with no page free, and give every page back")
{
    ProcWorld w;
    vm_reserve_init(w.pages, RESERVE);
    (void)vm_drain_caches();
    const Counts before = w.counts();
    proc* p = spawn(sleeper);
    give_pages(p, 12);
    run_others();
    REQUIRE(sleeps_on(p, "sleeper"));
    {
        Hoard all(w.pages, 0);
        CHECK(w.pages.free_pages() == 0);
        CHECK(w.pages.alloc(0, AllocFlags::System).error() == Errno::NoMem);
        const uint64_t calls = w.pages.alloc_calls();
        psignal(p, SIGKILL);
        const int st = wait_status(p);
        CHECK(WIFSIGNALED(st));
        CHECK(WTERMSIG(st) == SIGKILL);
        CHECK(w.pages.alloc_calls() == calls); // nothing on the way asked for a page
        CHECK(w.pages.free_pages() >= 12);     // its resident pages at least came back
    }
    (void)vm_drain_caches();
    CHECK(w.counts() == before);
    w.pages.set_reserve(0);
}

TEST_CASE("oom: ordinary processes stop at the reserve, the kernel's own go on")
{
    ProcWorld w;
    vm_reserve_init(w.pages, RESERVE);
    Hoard h(w.pages, RESERVE);
    // thread0 is proc0's: the kernel's own, so it may take the reserve.
    CHECK(vm_page_may_use_reserve());
    const PhysAddr mine = w.pages.alloc(0).value();
    w.pages.free(mine, 0);
    struct Child {
        static void run(void* arg)
        {
            auto* got = static_cast<Errno*>(arg);
            *got = vm_page_may_use_reserve() ? Errno::Perm : Errno::Ok;
            if (*got == Errno::Ok) {
                Result<PhysAddr> r = vm_pages().alloc(0);
                *got = r.ok() ? Errno::Ok : r.error();
                if (r.ok()) vm_pages().free(r.value(), 0);
            }
            exit1(curthread(), W_EXITCODE(0, 0));
        }
    };
    Errno got = Errno::Ok;
    proc* p = spawn(Child::run, &got);
    CHECK(wait_status(p) == 0);
    CHECK(got == Errno::NoMem);
    h.release();
    w.pages.set_reserve(0);
}

TEST_CASE("oom: the victim is the largest process, never init, proc0, a kernel process, a protected one or one dying")
{
    ProcWorld w;
    ConsoleCapture cap;
    proc* a = spawn(sleeper);
    proc* b = spawn(sleeper);
    proc* c = spawn(sleeper);
    proc* sys = spawn(sleeper);
    proc* dying = spawn(hard_sleeper);
    proc* shell = spawn(sleeper);
    run_others();
    give_pages(a, 3);
    give_pages(b, 10);
    give_pages(c, 6);
    give_pages(sys, 20);
    give_pages(dying, 30);
    give_pages(initproc, 40);
    give_pages(shell, 50);
    sys->p_flag |= pflag::P_SYSTEM;
    // As init protects its shell.
    REQUIRE(kern_procctl(&thread0, PROCCTL_IDTYPE_PID, shell->p_pid, PROC_SPROTECT, PPROT_SET).ok());
    psignal(dying, SIGKILL); // pending, but it cannot act on it yet
    CHECK(vm_proc_resident(b) == 10);
    CHECK(vm_proc_resident(initproc) == 40);

    CHECK(vm_oom_select() == b);
    const uint32_t kills = vm_oom_kills();
    CHECK(vm_pageout_oom() == OomResult::Killed);
    CHECK(vm_oom_kills() == kills + 1);
    CHECK(cap.count("vm_pageout_oom: pid " + std::to_string(b->p_pid) + " (") == 1);
    CHECK(cap.count(", 10 resident pages: killed (out of memory)") == 1);
    // One victim at a time: b has not run its exit yet.
    CHECK(vm_pageout_oom() == OomResult::Pending);
    CHECK(vm_oom_kills() == kills + 1);
    CHECK(WTERMSIG(wait_status(b)) == SIGKILL);

    CHECK(vm_pageout_oom() == OomResult::Killed);
    CHECK(cap.count(", 6 resident pages: killed") == 1);
    CHECK(WTERMSIG(wait_status(c)) == SIGKILL);
    CHECK(vm_oom_select() == a);

    // Clean up: the system flag and the protection off, everybody killed
    // and reaped.
    sys->p_flag &= ~pflag::P_SYSTEM;
    REQUIRE(kern_procctl(&thread0, PROCCTL_IDTYPE_PID, shell->p_pid, PROC_SPROTECT, PPROT_CLEAR).ok());
    CHECK(vm_oom_select() == shell); // only the protection spared it
    psignal(a, SIGKILL);
    psignal(sys, SIGKILL);
    psignal(shell, SIGKILL);
    wakeup(&g_hard_chan);
    for (proc* p : {a, sys, dying, shell}) CHECK(WTERMSIG(wait_status(p)) == SIGKILL);
    CHECK(vm_oom_select() == nullptr);
    CHECK(vm_pageout_oom() == OomResult::NoVictim);
    CHECK(vmspace_unmap(initproc->p_vmspace, UBASE, 40 * PG).ok());
}

TEST_CASE("oom: a fault with no page waits while the victim dies, then finishes")
{
    ProcWorld w;
    ConsoleCapture cap;
    vm_reserve_init(w.pages, RESERVE);
    FaultRun run;
    proc* f = spawn(faulter, &run);
    proc* victim = spawn(sleeper);
    run_others();
    REQUIRE(vmspace_map_anon(f->p_vmspace, UBASE, PG, RW).ok());
    give_pages(victim, 20);
    const uint32_t kills = vm_oom_kills();
    {
        Hoard h(w.pages, RESERVE);
        wakeup(&g_gate);
        CHECK(run_until([&] { return run.done; }));
    }
    CHECK(run.result == Errno::Ok);
    CHECK(vm_oom_kills() == kills + 1);
    CHECK(cap.count("vm_pageout_oom: pid " + std::to_string(victim->p_pid) + " (") == 1);
    CHECK(WTERMSIG(wait_status(victim)) == SIGKILL);
    CHECK(wait_status(f) == 0);
    w.pages.set_reserve(0);
}

TEST_CASE("oom: SIGKILL ends a fault's wait for pages")
{
    ProcWorld w;
    vm_reserve_init(w.pages, RESERVE);
    FaultRun run;
    proc* f = spawn(faulter, &run);
    proc* victim = spawn(hard_sleeper); // chosen, but it cannot die yet
    run_others();
    REQUIRE(vmspace_map_anon(f->p_vmspace, UBASE, PG, RW).ok());
    give_pages(victim, 20);
    {
        Hoard h(w.pages, RESERVE);
        wakeup(&g_gate);
        REQUIRE(run_until([&] { return sleeps_on(f, "vmwait"); }));
        CHECK(!run.done);
        CHECK(sigismember(victim->p_siglist, SIGKILL));
        psignal(f, SIGKILL);
        CHECK(run_until([&] { return f->p_state == ProcState::Zombie; }));
    }
    CHECK(run.done);
    CHECK(run.result == Errno::NoMem);
    CHECK(WTERMSIG(wait_status(f)) == SIGKILL);
    wakeup(&g_hard_chan);
    CHECK(WTERMSIG(wait_status(victim)) == SIGKILL);
    w.pages.set_reserve(0);
}

TEST_CASE("oom: a signal frame that finds no page kills the process with SIGKILL, no retry loop")
{
    SigWorld sw;
    vm_reserve_init(sw.w.pages, RESERVE);
    struct Child {
        static void run(void*)
        {
            thread* td = curthread();
            arch::TrapFrame fr{};
            fr.sp() = STACK_TOP - 64; // the stack page is not resident in this copy
            td->td_frame = &fr;
            const sigaction act = make_action(TEXT);
            REQUIRE(kern_sigaction(td, SIGUSR1, &act, nullptr).ok());
            (void)tsleep(&g_gate, PWAIT, "gate", 0);
            psignal(td->td_proc, SIGUSR1);
            userret(td);
            FAIL("came back from a signal whose frame had no page");
        }
    };
    proc* p = spawn(Child::run);
    run_others();
    const uint32_t kills = vm_oom_kills();
    int st = 0;
    {
        Hoard h(sw.w.pages, RESERVE);
        wakeup(&g_gate);
        st = wait_status(p);
    }
    CHECK(WIFSIGNALED(st));
    CHECK(WTERMSIG(st) == SIGKILL);
    CHECK(vm_oom_kills() == kills + 1); // the only candidate: itself
    sw.w.pages.set_reserve(0);
}

TEST_CASE("procctl PROC_SPROTECT: root only, one live user process, set and clear; FreeBSD's errnos")
{
    SigWorld sw;
    proc* p = spawn(sleeper);
    run_others();
    const int pid = p->p_pid;
    auto ctl = [](thread* td, int idtype, int64_t id, int com, int op) {
        Result<void> r = kern_procctl(td, idtype, id, com, op);
        return r.ok() ? Errno::Ok : r.error();
    };
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, pid, PROC_SPROTECT, PPROT_SET) == Errno::Ok);
    CHECK((p->p_flag & pflag::P_PROTECTED) != 0);
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, pid, PROC_SPROTECT, PPROT_CLEAR) == Errno::Ok);
    CHECK((p->p_flag & pflag::P_PROTECTED) == 0);
    CHECK(ctl(&thread0, 2 /* P_PGID */, pid, PROC_SPROTECT, PPROT_SET) == Errno::Inval);
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, pid, 2 /* PROC_REAP_ACQUIRE */, PPROT_SET) == Errno::Inval);
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, pid, PROC_SPROTECT, 3) == Errno::Inval);
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, pid, PROC_SPROTECT, PPROT_SET | PPROT_INHERIT) == Errno::Inval);
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, pid, PROC_SPROTECT, PPROT_SET | PPROT_DESCEND) == Errno::Inval);
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, 99999, PROC_SPROTECT, PPROT_SET) == Errno::Srch);
    CHECK(ctl(&thread0, PROCCTL_IDTYPE_PID, -1, PROC_SPROTECT, PPROT_SET) == Errno::Srch);
    CHECK((p->p_flag & pflag::P_PROTECTED) == 0); // nothing changed on the way
    // Through the system call: the operation read from user memory.
    const int op = PPROT_SET;
    REQUIRE(copyout(&op, DATA, sizeof op) == Errno::Ok);
    CHECK(user_procctl(&thread0, PROCCTL_IDTYPE_PID, pid, PROC_SPROTECT, DATA) == Errno::Ok);
    CHECK((p->p_flag & pflag::P_PROTECTED) != 0);
    CHECK(user_procctl(&thread0, PROCCTL_IDTYPE_PID, pid, PROC_SPROTECT, 0x500000) == Errno::Fault);
    // Not root: EPERM, the flag as it was.
    struct Child {
        static void run(void* arg)
        {
            thread* td = curthread();
            REQUIRE(kern_setuid(td, 1000) == Errno::Ok);
            Result<void> r = kern_procctl(td, PROCCTL_IDTYPE_PID, *static_cast<int*>(arg),
                                          PROC_SPROTECT, PPROT_CLEAR);
            exit1(td, W_EXITCODE(r.ok() ? 0 : r.error() == Errno::Perm ? 1 : 2, 0));
        }
    };
    int target = pid;
    proc* user = spawn(Child::run, &target);
    CHECK(WEXITSTATUS(wait_status(user)) == 1);
    CHECK((p->p_flag & pflag::P_PROTECTED) != 0);
    psignal(p, SIGKILL);
    CHECK(WTERMSIG(wait_status(p)) == SIGKILL);
}
