#include <kernel/proc/proc_selftest.h>

#include <abi/signal.h>
#include <abi/unistd.h>
#include <abi/wait.h>
#include <kernel/clock.h>
#include <kernel/console.h>
#include <kernel/proc/fork_limits.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_fork.h>
#include <kernel/proc/kern_kthread.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <lib/format.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/pipe.h>
#include <kernel/tty/tty_cons.h>
#include <kernel/debug/selftest.h>
#include <kernel/debug/selftest_user.h>
#include <kernel/machdep.h>
#include <kernel/proc/vm_machdep.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>
#include <mm/kmem.h>
#include <mm/kstack.h>
#include <mm/vm_fault.h>
#include <mm/vmspace.h>
#include <mm/swap_reserve.h>

#include <string.h>

namespace {

// What every case must give back.
struct Baseline {
    size_t objects, kstacks;
    int nprocs;
    uint64_t reserved;

    static Baseline take()
    {
        return {proc_zones().objects_in_use(), kernel_kstacks().in_use(), fork_limits().nprocs(),
                kernel_commit().reserved()};
    }
};

// Fails the case unless everything is back at b.
bool back_at(const Baseline& b, char* why, size_t len)
{
    const Baseline now = Baseline::take();
    SELFTEST_FAIL_IF(now.objects != b.objects, "%zu process objects in use, %zu before",
                     now.objects, b.objects);
    SELFTEST_FAIL_IF(now.kstacks != b.kstacks, "%zu kernel stacks in use, %zu before",
                     now.kstacks, b.kstacks);
    SELFTEST_FAIL_IF(now.nprocs != b.nprocs, "nprocs %d, %d before", now.nprocs, b.nprocs);
    SELFTEST_FAIL_IF(now.reserved != b.reserved, "commit %lu bytes, %lu before", now.reserved,
                     b.reserved);
    return true;
}

Result<proc*> spawn(int flags, void (*fn)(void*), void* arg = nullptr)
{
    fork_req fr;
    fr.fr_flags = flags;
    fr.fr_func = fn;
    fr.fr_arg = arg;
    return fork1(&thread0, fr);
}

// The status of child pid once it has exited; -1 when wait failed.
int reap(pid_t pid)
{
    int st = -1;
    Result<pid_t> r = kern_wait(&thread0, pid, &st, 0);
    return r.ok() && r.value() == pid ? st : -1;
}

// Sleeps a tick at a time until cond() holds or `limit` ticks passed.
template <typename Cond>
bool wait_until(Cond cond, uint64_t limit = 2 * HZ)
{
    for (uint64_t t = 0; t < limit && !cond(); t++) pause("selftest", 1);
    return cond();
}

// --- The children -----------------------------------------------------------

pid_t g_seen_pid;
vmspace* g_seen_vm;

void child_exit_code(void* code)
{
    thread* td = curthread();
    g_seen_pid = td->td_proc->p_pid;
    g_seen_vm = td->td_proc->p_vmspace;
    exit1(td, W_EXITCODE(static_cast<int>(reinterpret_cast<intptr_t>(code)), 0));
}

void child_pause_then_exit(void*)
{
    pause("vforked", 2); // the vfork parent must still be asleep after this
    g_seen_vm = curthread()->td_proc->p_vmspace;
    exit1(curthread(), 0);
}

int g_victim_chan;
void child_sleep_forever(void*)
{
    for (;;) {
        (void)tsleep(&g_victim_chan, PWAIT | PCATCH, "victim", 0);
        userret(curthread()); // where a signal is acted on
    }
}

void* code(int c) { return reinterpret_cast<void*>(static_cast<intptr_t>(c)); }

// --- The cases ----------------------------------------------------------------

bool fork_and_reap(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    g_seen_pid = 0;
    Result<proc*> r = spawn(RFFDG | RFPROC, child_exit_code, code(7));
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    proc* p = r.value();
    const pid_t pid = p->p_pid;
    SELFTEST_FAIL_IF(pid != pid_allocator().lastpid(), "pid %d, lastpid %d", pid,
                     pid_allocator().lastpid());
    SELFTEST_FAIL_IF(p->p_pptr != &proc0, "parent is pid %d", p->p_pptr->p_pid);
    SELFTEST_FAIL_IF(p->p_vmspace == proc0.p_vmspace, "RFFDG|RFPROC shares the vmspace");
    const int st = reap(pid);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 7, "status %#x, wanted exit 7", st);
    SELFTEST_FAIL_IF(g_seen_pid != pid, "the child saw pid %d, fork gave %d", g_seen_pid, pid);
    return back_at(b, why, len);
}

bool vfork_waits(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    g_seen_vm = nullptr;
    Result<proc*> r = spawn(RFFDG | RFPROC | RFPPWAIT | RFMEM, child_pause_then_exit);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    // fork1 returned: the child must already have exited.
    SELFTEST_FAIL_IF(r.value()->p_state != ProcState::Zombie, "the vfork parent woke too early");
    SELFTEST_FAIL_IF(g_seen_vm != proc0.p_vmspace, "the child had a vmspace of its own");
    SELFTEST_FAIL_IF(reap(r.value()->p_pid) != 0, "bad status");
    return back_at(b, why, len);
}

bool rfnowait_to_init(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    const uint64_t reaped = init_reaped();
    Result<proc*> r = spawn(RFFDG | RFPROC | RFNOWAIT | RFSTOPPED, child_exit_code, code(0));
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    proc* p = r.value();
    const pid_t pid = p->p_pid;
    SELFTEST_FAIL_IF(p->p_pptr != initproc, "the parent is pid %d, not init", p->p_pptr->p_pid);
    sched_add(p->p_thread);
    SELFTEST_FAIL_IF(!wait_until([pid] { return !proc_table().pfind(pid); }),
                     "init did not reap pid %d", pid);
    SELFTEST_FAIL_IF(init_reaped() != reaped + 1, "init reaped %lu", init_reaped() - reaped);
    return back_at(b, why, len);
}

bool rfthread_peers(char* why, size_t len)
{
    Baseline b = Baseline::take();
    // The first fork that shares proc0's table gives proc0 a leader record
    // for good (as in FreeBSD): it is not a leak.
    const bool had_record = proc0.p_fdtol != nullptr;
    const int flags = RFPROC | RFTHREAD | RFMEM | RFSIGSHARE | RFSTOPPED;
    Result<proc*> r1 = spawn(flags, child_exit_code, code(1));
    SELFTEST_FAIL_IF(!r1.ok(), "fork1: %s", errno_name(r1.error()));
    Result<proc*> r2 = spawn(flags, child_exit_code, code(2));
    SELFTEST_FAIL_IF(!r2.ok(), "fork1: %s", errno_name(r2.error()));
    proc* p1 = r1.value();
    proc* p2 = r2.value();
    SELFTEST_FAIL_IF(proc0.p_peers != p2 || p2->p_peers != p1, "peer list is not proc0, p2, p1");
    SELFTEST_FAIL_IF(p1->p_leader != &proc0, "the leader is not proc0");
    SELFTEST_FAIL_IF(p1->p_sigacts != proc0.p_sigacts, "RFSIGSHARE did not share sigacts");
    SELFTEST_FAIL_IF(p1->p_fd != proc0.p_fd, "the descriptor table was not shared");
    const pid_t pid1 = p1->p_pid, pid2 = p2->p_pid;
    sched_add(p1->p_thread);
    sched_add(p2->p_thread);
    SELFTEST_FAIL_IF(WEXITSTATUS(reap(pid1)) != 1 || WEXITSTATUS(reap(pid2)) != 2, "bad status");
    SELFTEST_FAIL_IF(proc0.p_peers != nullptr, "exited peers are still on the list");
    SELFTEST_FAIL_IF(!proc0.p_fdtol, "proc0 has no leader record");
    if (!had_record) b.objects++;
    return back_at(b, why, len);
}

bool sigkill_sleeper(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    Result<proc*> r = spawn(RFFDG | RFPROC, child_sleep_forever);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    proc* p = r.value();
    const pid_t pid = p->p_pid;
    SELFTEST_FAIL_IF(!wait_until([p] { return p->p_thread->td_wchan == &g_victim_chan; }),
                     "the child never went to sleep");
    psignal(p, SIGKILL);
    const int st = reap(pid);
    SELFTEST_FAIL_IF(!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL, "status %#x", st);
    return back_at(b, why, len);
}

bool many_children(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    // 64, or fewer when a small kern.maxproc leaves less room.
    const int room = fork_limits().maxproc() - fork_limits().nprocs();
    const int n = room < 64 ? room : 64;
    SELFTEST_FAIL_IF(n < 2, "room for %d processes only", room);
    pid_t pids[64];
    int made = 0;
    Errno e = Errno::Ok;
    for (; made < n; made++) {
        Result<proc*> r = spawn(RFFDG | RFPROC, child_exit_code, code(made));
        if (!r.ok()) {
            e = r.error();
            break;
        }
        pids[made] = r.value()->p_pid;
    }
    // Reaped in reverse order of creation; each has its own status.
    int bad = -1, bad_status = 0;
    for (int i = made - 1; i >= 0; i--) {
        const int st = reap(pids[i]);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != i) bad = i, bad_status = st;
    }
    SELFTEST_FAIL_IF(made < n, "fork1 #%d: %s", made, errno_name(e));
    SELFTEST_FAIL_IF(bad >= 0, "child %d: status %#x", bad, bad_status);
    return back_at(b, why, len);
}

// Root forks until fork1 refuses: exactly maxproc processes may exist.
bool maxproc_limit(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    ForkLimits& lim = fork_limits();
    const int room = lim.maxproc() - lim.nprocs();
    static proc* held[1 << 14];
    SELFTEST_FAIL_IF(room < 0 || room > static_cast<int>(sizeof held / sizeof held[0]),
                     "room for %d processes", room);
    int made = 0;
    Errno e = Errno::Ok;
    for (;;) {
        Result<proc*> r = spawn(RFFDG | RFPROC | RFSTOPPED, child_exit_code, code(0));
        if (!r.ok()) {
            e = r.error();
            break;
        }
        SELFTEST_FAIL_IF(made == room, "fork %d succeeded past maxproc", made + 1);
        held[made++] = r.value();
    }
    kprintf("procs: kern.maxproc %d reached after %d forks\n", lim.maxproc(), made);
    for (int i = 0; i < made; i++) sched_add(held[i]->p_thread);
    for (int i = 0; i < made; i++) (void)reap(held[i]->p_pid);
    SELFTEST_FAIL_IF(e != Errno::Again, "the refusal was %s, not EAGAIN", errno_name(e));
    SELFTEST_FAIL_IF(made != room, "%d forks, room for %d", made, room);
    return back_at(b, why, len);
}

int g_kproc_ran;
void kproc_body(void*)
{
    g_kproc_ran++;
    kproc_exit(0);
}

bool kproc_runs(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    g_kproc_ran = 0;
    Result<proc*> r = kproc_create(kproc_body, nullptr, "selftest", PVM);
    SELFTEST_FAIL_IF(!r.ok(), "kproc_create: %s", errno_name(r.error()));
    const pid_t pid = r.value()->p_pid;
    SELFTEST_FAIL_IF(!(r.value()->p_flag & pflag::P_KTHREAD), "no P_KTHREAD");
    SELFTEST_FAIL_IF(!wait_until([pid] { return !proc_table().pfind(pid); }),
                     "pid %d was not reaped", pid);
    SELFTEST_FAIL_IF(g_kproc_ran != 1, "the body ran %d times", g_kproc_ran);
    return back_at(b, why, len);
}

// --- Copy-on-write through the MMU ------------------------------------------
//
// A child maps anonymous memory in its own address space and writes it
// from the kernel with SUM on (each first touch faults and is zero-filled
// through the trap handler), then forks a grandchild and at once writes
// the even pages (copied: the grandchild still shares them).  The
// grandchild must still read the old values there; it writes the odd
// pages (copied too).  Once it is gone the child sees its own values
// everywhere, and its writes to the odd pages take them back without a
// copy.

constexpr uint64_t COW_BASE = 0x10000000;
constexpr uint64_t COW_PAGES = 64;
char g_cow_why[120];

volatile uint64_t* cow_word(uint64_t i)
{
    return reinterpret_cast<volatile uint64_t*>(COW_BASE + i * arch::PAGE_SIZE + 8 * (i % 8));
}

// Page i holds even_base + i (even i) or odd_base + i (odd i).
bool cow_check(uint64_t even_base, uint64_t odd_base, const char* who)
{
    arch::user_access_begin();
    bool ok = true;
    for (uint64_t i = 0; i < COW_PAGES && ok; i++) {
        const uint64_t want = (i % 2 ? odd_base : even_base) + i;
        const uint64_t got = *cow_word(i);
        if (got != want) {
            snformat(g_cow_why, sizeof g_cow_why, "%s: page %lu holds %lu, not %lu", who, i, got,
                     want);
            ok = false;
        }
    }
    arch::user_access_end();
    return ok;
}

void cow_write(uint64_t first, uint64_t step, uint64_t base)
{
    arch::user_access_begin();
    for (uint64_t i = first; i < COW_PAGES; i += step) *cow_word(i) = base + i;
    arch::user_access_end();
}

// Set once the child has written the even pages: the grandchild waits for
// it, or on a busy machine it could run to its exit first, and the child's
// writes would find the pages no longer shared (no copy to count).
bool g_cow_child_wrote = false;

void cow_grandchild(void*)
{
    {
        IntrOff off;
        while (!g_cow_child_wrote) (void)tsleep(&g_cow_child_wrote, PWAIT, "cowwait", 0);
    }
    int code = 0;
    if (!cow_check(100, 100, "grandchild")) code = 1;
    cow_write(1, 2, 7000);
    if (!code && !cow_check(100, 7000, "grandchild after writing")) code = 2;
    exit1(curthread(), W_EXITCODE(code, 0));
}

void cow_child(void*)
{
    thread* td = curthread();
    auto done = [td](int code) { exit1(td, W_EXITCODE(code, 0)); };
    if (!vmspace_map_anon(td->td_proc->p_vmspace, COW_BASE, COW_PAGES * arch::PAGE_SIZE,
                          VM_PROT_READ | VM_PROT_WRITE).ok())
        done(10);
    const VmFaultStats f0 = vm_fault_stats();
    cow_write(0, 1, 100);
    if (vm_fault_stats().v_zfod - f0.v_zfod != COW_PAGES) done(11);
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC;
    fr.fr_func = cow_grandchild;
    g_cow_child_wrote = false;
    Result<proc*> r = fork1(td, fr);
    if (!r.ok()) done(12);
    const pid_t pid = r.value()->p_pid;
    cow_write(0, 2, 9000); // while the grandchild still shares them
    {
        IntrOff off;
        g_cow_child_wrote = true;
        wakeup(&g_cow_child_wrote);
    }
    int st = -1;
    if (!kern_wait(td, pid, &st, 0).ok() || !WIFEXITED(st)) done(13);
    if (WEXITSTATUS(st) != 0) done(20 + WEXITSTATUS(st));
    if (vm_fault_stats().v_cow_faults - f0.v_cow_faults != COW_PAGES) done(14);
    if (!cow_check(9000, 100, "child after the grandchild")) done(15);
    cow_write(1, 2, 5000); // odd pages: no longer shared
    if (vm_fault_stats().v_cow_faults - f0.v_cow_faults != COW_PAGES) done(16);
    if (vm_fault_stats().v_cow_optim - f0.v_cow_optim != COW_PAGES / 2) done(17);
    if (!cow_check(9000, 5000, "child at the end")) done(18);
    done(0);
}

// --- copyin and copyout on the hart -------------------------------------------
//
// In a child's own space: a round trip through a fresh (zero-filled on
// the fault) page, EFAULT from a hole, from a read-only page and for a
// kernel address, copyinstr's length and ENAMETOOLONG: the assembly's
// fault recovery and the trap handler's route to the VM.

void copyio_child(void*)
{
    thread* td = curthread();
    auto done = [td](int code) { exit1(td, W_EXITCODE(code, 0)); };
    vmspace* vm = td->td_proc->p_vmspace;
    constexpr uint64_t RW_AT = 0x20000000, RO_AT = 0x20100000, HOLE = 0x20200000;
    if (!vmspace_map_anon(vm, RW_AT, 2 * arch::PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE).ok() ||
        !vmspace_map_anon(vm, RO_AT, arch::PAGE_SIZE, VM_PROT_READ).ok())
        done(1);
    static const char msg[] = "copy me across a page boundary";
    const uint64_t at = RW_AT + arch::PAGE_SIZE - 10;
    char back[sizeof msg] = {};
    if (copyout(msg, at, sizeof msg) != Errno::Ok) done(2);
    if (copyin(at, back, sizeof back) != Errno::Ok || memcmp(back, msg, sizeof msg) != 0) done(3);
    if (copyin(HOLE, back, 8) != Errno::Fault) done(4);
    if (copyout(msg, RO_AT, 8) != Errno::Fault) done(5);
    if (copyin(reinterpret_cast<uint64_t>(msg), back, 8) != Errno::Fault) done(6);
    char name[8];
    size_t n = 0;
    if (copyinstr(at, name, sizeof name, &n) != Errno::NameTooLong || n != sizeof name) done(7);
    if (copyout(msg, RO_AT, 0) != Errno::Ok) done(8); // nothing to copy: no fault
    if (copyout("init", RW_AT, 5) != Errno::Ok) done(9);
    if (copyinstr(RW_AT, name, sizeof name, &n) != Errno::Ok || n != 5 || strcmp(name, "init"))
        done(10);
    // A string running off the end of the region into the hole after it.
    const uint64_t tail = RW_AT + 2 * arch::PAGE_SIZE - 4;
    if (copyout("xxxx", tail, 4) != Errno::Ok) done(11);
    if (copyinstr(tail, name, sizeof name, &n) != Errno::Fault || n != 4) done(12);
    done(0);
}

bool copyio_works(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    Result<proc*> r = spawn(RFFDG | RFPROC, copyio_child);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    const int st = reap(r.value()->p_pid);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 0, "child failed at step %d",
                     WEXITSTATUS(st));
    return back_at(b, why, len);
}

// --- User mode ----------------------------------------------------------------
//
// A child puts a program into a page of its own address space (written
// with copyout, then made read and execute), and leaves for user mode with
// the arguments in its frame.  TouchPages writes eight fresh pages (eight
// zero-fill faults taken from user mode) and exits through two system
// calls, getpid then exit; StoreToNull dies of SIGSEGV; Spin is killed.

constexpr uint64_t UCODE = 0x10000, UDATA = 0x20000000, UPAGES = 8;

void user_child(void* which)
{
    thread* td = curthread();
    vmspace* vm = td->td_proc->p_vmspace;
    const arch::UserCode code =
        arch::selftest_user_program(static_cast<arch::SelftestProgram>(reinterpret_cast<uintptr_t>(which)));
    const vm_prot_t rw = VM_PROT_READ | VM_PROT_WRITE;
    if (!vmspace_map_anon(vm, UCODE, arch::PAGE_SIZE, rw).ok() ||
        copyout(code.bytes, UCODE, code.size) != Errno::Ok ||
        !vmspace_protect(vm, UCODE, arch::PAGE_SIZE, VM_PROT_READ | VM_PROT_EXECUTE).ok() ||
        !vmspace_map_anon(vm, UDATA, UPAGES * arch::PAGE_SIZE, rw).ok())
        exit1(td, W_EXITCODE(255, 0));
    arch::sync_icache();
    arch::TrapFrame& tf = *td->td_frame;
    memset(&tf, 0, sizeof tf);
    tf.sepc = UCODE;
    tf.a(0) = UDATA;
    tf.a(1) = UPAGES;
    arch::cpu_user_return(td);
}

Result<proc*> spawn_user(arch::SelftestProgram which)
{
    return spawn(RFFDG | RFPROC, user_child, reinterpret_cast<void*>(static_cast<uintptr_t>(which)));
}

bool user_mode(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    const uint32_t zfod0 = vm_fault_stats().v_zfod;
    Result<proc*> r = spawn_user(arch::SelftestProgram::TouchPages);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    const pid_t pid = r.value()->p_pid;
    int st = reap(pid);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != (pid & 0xff),
                     "status %#x, wanted exit(%d) (its pid)", st, pid & 0xff);
    // The code page (zero-filled under copyout) and the eight data pages.
    SELFTEST_FAIL_IF(vm_fault_stats().v_zfod - zfod0 != 1 + UPAGES, "%u zero-fill faults, not %lu",
                     vm_fault_stats().v_zfod - zfod0, 1 + UPAGES);
    r = spawn_user(arch::SelftestProgram::StoreToNull);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    st = reap(r.value()->p_pid);
    SELFTEST_FAIL_IF(!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV, "status %#x, not SIGSEGV", st);
    // A process that never enters the kernel on its own still dies of
    // SIGKILL: the clock's interrupt brings it back through userret.
    r = spawn_user(arch::SelftestProgram::Spin);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    proc* spinner = r.value();
    pause("selftest", 3); // let it spin
    psignal(spinner, SIGKILL);
    st = reap(spinner->p_pid);
    SELFTEST_FAIL_IF(!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL, "spinner status %#x", st);
    return back_at(b, why, len);
}

// --- exec from the initrd ------------------------------------------------------
//
// Children exec programs from the initrd (user/selftest/, built and
// archived by the Makefile): /usr/tests/selftest/argc exits with 40 + argc, read from
// the argument block exec left at sp; /usr/tests/selftest/execer makes the execve system
// call twice, for a missing program (ENOENT, it goes on) and for /usr/tests/selftest/argc.

// Execs `path` from the initrd with argv (the child of an exec case).
void exec_child(void* argv_arg)
{
    thread* td = curthread();
    const auto* argv = static_cast<const char* const*>(argv_arg);
    Result<CpioEntry> prog = initrd_lookup(argv[0]);
    if (!prog.ok()) exit1(td, W_EXITCODE(1, 0));
    const ExecArgs a{argv[0], prog.value().data, prog.value().size, argv, nullptr};
    if (kern_execve(td, a) != Errno::Ok) exit1(td, W_EXITCODE(2, 0));
    arch::cpu_user_return(td);
}

// Runs argv[0] from the initrd in a child; its exit status, or -1.
int run_from_initrd(const char* const* argv)
{
    Result<proc*> r = spawn(RFFDG | RFPROC, exec_child, const_cast<char**>(argv));
    return r.ok() ? reap(r.value()->p_pid) : -1;
}

bool exec_from_initrd(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    SELFTEST_FAIL_IF(!initrd_present(), "no initrd (boot with -initrd build/initrd.cpio)");
    static const char* const argc_argv[] = {"/usr/tests/selftest/argc", "one", "two", nullptr};
    int st = run_from_initrd(argc_argv);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 43,
                     "/usr/tests/selftest/argc: status %#x, wanted exit(43), 40 + argc", st);
    // The execve system call from user mode: a missing program is ENOENT
    // and the caller goes on; then /usr/tests/selftest/argc replaces it with two arguments.
    static const char* const execer_argv[] = {"/usr/tests/selftest/execer", nullptr};
    st = run_from_initrd(execer_argv);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 42,
                     "/usr/tests/selftest/execer: status %#x, wanted exit(42) from the /usr/tests/selftest/argc it execs", st);
    return back_at(b, why, len);
}

// --- signals and FP from user mode ----------------------------------------------
//
// /usr/tests/selftest/sigtest (user/selftest/sigtest.S) exits 0 when its handlers ran
// with the right arguments and sigreturn brought every register back,
// a forged sigreturn was refused, a blocked signal waited, and its store
// to the shared page faulted into its SIGSEGV handler; any other status
// names the failed step.  /usr/tests/selftest/segvloop faults with SIGSEGV blocked and
// must die of it.

bool user_signals(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    static const char* const sigtest_argv[] = {"/usr/tests/selftest/sigtest", nullptr};
    int st = run_from_initrd(sigtest_argv);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 0,
                     "/usr/tests/selftest/sigtest: status %#x (exit code = failed step)", st);
    static const char* const segv_argv[] = {"/usr/tests/selftest/segvloop", nullptr};
    st = run_from_initrd(segv_argv);
    SELFTEST_FAIL_IF(!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV,
                     "/usr/tests/selftest/segvloop: status %#x, wanted death by SIGSEGV", st);
    return back_at(b, why, len);
}

// SIGSTOP stops a program that never makes a system call (the clock's
// interrupt brings it to userret), and it runs no more until SIGCONT;
// SIGKILL ends it while stopped.
bool user_stop_continue(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    Result<proc*> r = spawn_user(arch::SelftestProgram::Spin);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    proc* p = r.value();
    const pid_t pid = p->p_pid;
    pause("selftest", 2);
    psignal(p, SIGSTOP);
    pause("selftest", 3);
    const uint32_t flags = p->p_flag;
    const bool stopped = (flags & pflag::P_STOPPED_SIG) && p->p_xstat == SIGSTOP;
    const uint64_t ran = p->p_thread->td_runticks;
    pause("selftest", 5);
    const bool stood_still = p->p_thread->td_runticks == ran;
    psignal(p, SIGCONT);
    const bool continued = !(p->p_flag & pflag::P_STOPPED_SIG) && (p->p_flag & pflag::P_CONTINUED);
    pause("selftest", 5);
    const bool ran_again = p->p_thread->td_runticks > ran;
    psignal(p, SIGTSTP);
    pause("selftest", 3);
    const bool stopped_again = (p->p_flag & pflag::P_STOPPED_SIG) != 0;
    psignal(p, SIGKILL);
    const int st = reap(pid);
    SELFTEST_FAIL_IF(!stopped, "SIGSTOP did not stop it (flags %#x)", flags);
    SELFTEST_FAIL_IF(!stood_still, "it ran while stopped");
    SELFTEST_FAIL_IF(!continued || !ran_again, "SIGCONT did not continue it");
    SELFTEST_FAIL_IF(!stopped_again, "SIGTSTP did not stop it");
    SELFTEST_FAIL_IF(!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL, "status %#x, not SIGKILL", st);
    return back_at(b, why, len);
}

// /usr/tests/selftest/sigspin spins without system calls until its SIGUSR1 handler has
// run: the signal is delivered on the return from a clock interrupt, and
// the registers the handler clobbers (s1, f1) come back.
bool user_signal_from_interrupt(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    static const char* const argv[] = {"/usr/tests/selftest/sigspin", nullptr};
    Result<proc*> r = spawn(RFFDG | RFPROC, exec_child, const_cast<char**>(argv));
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    proc* p = r.value();
    const pid_t pid = p->p_pid;
    // Once its handler is in place (it is spinning by then).
    for (int i = 0; i < 500 && !sig_caught(p->p_sigacts, SIGUSR1); i++) pause("selftest", 1);
    psignal(p, SIGUSR1);
    const int st = reap(pid);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 0,
                     "status %#x (1: no signal, 2: registers not restored, 3: wrong a0)", st);
    return back_at(b, why, len);
}

// Two /usr/tests/selftest/fpswitch at once: each finds clean FP registers after exec,
// fills them, is switched out for the other several times, and finds
// them intact.
bool user_fp_switch(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    static const char* const argv[] = {"/usr/tests/selftest/fpswitch", nullptr};
    Result<proc*> r1 = spawn(RFFDG | RFPROC, exec_child, const_cast<char**>(argv));
    SELFTEST_FAIL_IF(!r1.ok(), "fork1: %s", errno_name(r1.error()));
    const pid_t p1 = r1.value()->p_pid;
    Result<proc*> r2 = spawn(RFFDG | RFPROC, exec_child, const_cast<char**>(argv));
    const int st1 = reap(p1);
    SELFTEST_FAIL_IF(!r2.ok(), "fork1: %s", errno_name(r2.error()));
    const int st2 = reap(r2.value()->p_pid);
    SELFTEST_FAIL_IF(!WIFEXITED(st1) || WEXITSTATUS(st1) != 0 || !WIFEXITED(st2) ||
                         WEXITSTATUS(st2) != 0,
                     "statuses %#x and %#x (1: not clean after exec, 2: f register changed, 3: fcsr)",
                     st1, st2);
    return back_at(b, why, len);
}

// /usr/tests/selftest/fileio makes the file system calls from user mode with the
// console as its descriptors 0, 1 and 2; it exits with the number of
// the step that failed, 0 when none did.
void exec_with_stdio(void* argv)
{
    if (cons_open_stdio(curthread()->td_proc) != Errno::Ok) exit1(curthread(), W_EXITCODE(3, 0));
    exec_child(argv);
}

bool file_calls(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    static const char* const argv[] = {"/usr/tests/selftest/fileio", nullptr};
    Result<proc*> r = spawn(RFFDG | RFPROC, exec_with_stdio, const_cast<char**>(argv));
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    const int st = reap(r.value()->p_pid);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 0, "/usr/tests/selftest/fileio: status %#x (step %d)",
                     st, WEXITSTATUS(st));
    SELFTEST_FAIL_IF(pipe_count() != 0, "%zu pipes left", pipe_count());
    return back_at(b, why, len);
}

// fork, vfork and wait4 as system calls from user mode: /usr/tests/selftest/forker's
// fork child exits 7, its vfork child 5, and it exits with 10 * 7 + 5
// after reaping both (a smaller code names the step that failed).
bool user_fork_wait(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    SELFTEST_FAIL_IF(!initrd_present(), "no initrd (boot with -initrd build/initrd.cpio)");
    static const char* const forker_argv[] = {"/usr/tests/selftest/forker", nullptr};
    const int st = run_from_initrd(forker_argv);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 75,
                     "/usr/tests/selftest/forker: status %#x, wanted exit(75)", st);
    return back_at(b, why, len);
}

// Every register a system call keeps, as user mode set it, after every
// kind of return: the short way, an error, an unknown number, a switch
// with another process's values in the registers meanwhile, both halves
// of fork, vfork and rfork(RFPROC|RFMEM), a signal delivered on the way
// back (its context too) and sigreturn, a sleep ended by a signal.
// /usr/tests/selftest/sregs exits 0, or with the failing step.
bool user_callee_saved(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    SELFTEST_FAIL_IF(!initrd_present(), "no initrd (boot with -initrd build/initrd.cpio)");
    static const char* const sregs_argv[] = {"/usr/tests/selftest/sregs", nullptr};
    const int st = run_from_initrd(sregs_argv);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 0,
                     "/usr/tests/selftest/sregs: status %#x (the step whose registers changed)", st);
    return back_at(b, why, len);
}

// __sysctl from user mode: /usr/tests/selftest/sysctler finds kern.lastpid by name, sees
// its child's pid there, and ENOMEM for a short buffer; exit(50) says so.
bool user_sysctl_by_name(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    SELFTEST_FAIL_IF(!initrd_present(), "no initrd (boot with -initrd build/initrd.cpio)");
    static const char* const sysctler_argv[] = {"/usr/tests/selftest/sysctler", nullptr};
    const int st = run_from_initrd(sysctler_argv);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 50,
                     "/usr/tests/selftest/sysctler: status %#x, wanted exit(50)", st);
    return back_at(b, why, len);
}

// Free pages, counting the pre-zeroed pool and the kernel-stack cache as
// free (pagezero moves pages between the pool and the allocator at any
// time; an exit may leave its stack cached), with the process zones'
// caches drained.
uint64_t free_pages_now()
{
    IntrOff off;
    proc_zones().drain();
    const ZeroPool* zp = kmem_zero_pool();
    return vm_pages().free_pages() + (zp ? zp->size() : 0) + kstack_cached_pages();
}

bool cow_fork(char* why, size_t len)
{
    const Baseline b = Baseline::take();
    const uint64_t free0 = free_pages_now();
    g_cow_why[0] = 0;
    Result<proc*> r = spawn(RFFDG | RFPROC, cow_child);
    SELFTEST_FAIL_IF(!r.ok(), "fork1: %s", errno_name(r.error()));
    const int st = reap(r.value()->p_pid);
    SELFTEST_FAIL_IF(!WIFEXITED(st) || WEXITSTATUS(st) != 0, "child failed at step %d %s",
                     WEXITSTATUS(st), g_cow_why);
    SELFTEST_FAIL_IF(free_pages_now() != free0, "%lu free pages, %lu before", free_pages_now(),
                     free0);
    return back_at(b, why, len);
}

const SelftestCase cases[] = {
    {"fork: the child runs, exits 7, is reaped", fork_and_reap},
    {"vfork: the parent sleeps until its child exits", vfork_waits},
    {"rfork(RFNOWAIT): init adopts and reaps the child", rfnowait_to_init},
    {"rfork(RFTHREAD|RFMEM|RFSIGSHARE): peers share", rfthread_peers},
    {"SIGKILL ends a sleeping child", sigkill_sleeper},
    {"up to 64 children at once, reaped in reverse", many_children},
    {"maxproc: root forks until EAGAIN", maxproc_limit},
    {"kproc_create: a kernel process runs and init reaps it", kproc_runs},
    {"copy-on-write fork: each side keeps its own writes", cow_fork},
    {"copyin/copyout: faults resolved, or EFAULT", copyio_works},
    {"user mode: faults, system calls, SIGSEGV, SIGKILL", user_mode},
    {"exec from the initrd, and the execve system call", exec_from_initrd},
    {"signals: handlers, sigreturn, masks, faults, shared page", user_signals},
    {"FP registers: clean after exec, kept across switches", user_fp_switch},
    {"files: write(1) to the console, a pipe, an initrd file", file_calls},
    {"fork, vfork and wait4 from user mode", user_fork_wait},
    {"__sysctl from user mode: kern.lastpid by name", user_sysctl_by_name},
    {"registers kept by system calls, forks, signals", user_callee_saved},
    {"SIGSTOP, SIGCONT and SIGKILL of a spinning program", user_stop_continue},
    {"a signal delivered on the return from an interrupt", user_signal_from_interrupt},
};

} // namespace

int proc_selftest_run()
{
    return selftest_run_cases("procs", cases, sizeof cases / sizeof cases[0]);
}
