#include <kernel/sched/sched.h>

#include <kernel/machdep.h>
#include <kernel/clock.h>
#include <kernel/console.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched_inspect.h>
#include <lib/bits.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>
#include <mm/vm_fault.h>
#include <mm/vmspace.h>

thread* sched_curthread = nullptr;

namespace {

constexpr unsigned NQS = 64; // run queues, four priorities each
constexpr uint32_t ESTCPU_MAX = 255;

List<thread, &thread::td_runq> g_runq[NQS];
uint64_t g_runq_bits = 0; // bit q set: queue q is not empty
unsigned g_nrunnable = 0;
thread* g_idle = nullptr;
thread* g_dead = nullptr; // exited; its stack goes once we are off it
void (*g_reaper)(thread*) = nullptr;
uint64_t g_switches = 0;
unsigned g_intr_nesting = 0;

// Recent CPU use fades by a third each second (4BSD's decay with a load
// of about one), applied lazily when the thread is looked at.
void decay_estcpu(thread* td)
{
    const uint64_t now = ticks() / HZ;
    for (uint64_t s = td->td_estcpu_sec; s < now && td->td_estcpu; s++)
        td->td_estcpu = td->td_estcpu * 2 / 3;
    td->td_estcpu_sec = now;
}

void reset_priority(thread* td)
{
    if (!td->td_timeshare) return;
    decay_estcpu(td);
    const uint32_t pri = PUSER + td->td_estcpu / 4;
    td->td_priority = static_cast<uint8_t>(pri > PRI_MAX_TIMESHARE ? PRI_MAX_TIMESHARE : pri);
    td->td_base_pri = td->td_priority;
}

void runq_add(thread* td)
{
    const unsigned q = td->td_priority / (256 / NQS);
    g_runq[q].push_back(td);
    g_runq_bits |= uint64_t{1} << q;
    g_nrunnable++;
    td->td_state = ThreadState::RunQ;
}

thread* runq_choose()
{
    if (!g_runq_bits) return g_idle;
    const unsigned q = sprig::lowest_bit(g_runq_bits);
    KASSERT(q == static_cast<unsigned>(__builtin_ctzll(g_runq_bits)), "lowest_bit(%#lx) is %u",
            g_runq_bits, q);
    thread* td = g_runq[q].pop_front();
    if (g_runq[q].empty()) g_runq_bits &= ~(uint64_t{1} << q);
    g_nrunnable--;
    return td;
}

void reap_dead()
{
    if (!g_dead || g_dead == sched_curthread) return;
    thread* dead = g_dead;
    g_dead = nullptr;
    if (g_reaper) g_reaper(dead);
}

} // namespace

bool sched_running() { return sched_curthread != nullptr; }
unsigned sched_runnable() { return g_nrunnable; }
uint64_t sched_switches() { return g_switches; }
void sched_set_reaper(void (*reap)(thread*)) { g_reaper = reap; }

void sched_init(thread* boot, thread* idle)
{
    KASSERT(!sched_curthread, "sched_init twice");
    boot->td_state = ThreadState::Running;
    if (boot->td_slice <= 0) boot->td_slice = SCHED_SLICE;
    idle->td_priority = idle->td_base_pri = PRI_MAX;
    idle->td_state = ThreadState::Inactive; // never on a run queue
    g_idle = idle;
    sched_curthread = boot;
}

void sched_thread_setup_entry(thread* td, void* stack, size_t size, void (*entry)(void*))
{
    td->td_kstack = stack;
    td->td_kstack_size = size;
    td->td_state = ThreadState::Inactive;
    td->td_slice = SCHED_SLICE;
    arch::context_init(&td->td_pcb, stack, size, entry, td);
}

void sched_thread_setup(thread* td, void* stack, size_t size, void (*callout)(void*), void* arg)
{
    td->td_callout = callout;
    td->td_callout_arg = arg;
    sched_thread_setup_entry(td, stack, size, kthread_entry);
}

void sched_set_timeshare(thread* td, bool timeshare)
{
    IntrOff off; // the clock charges td_estcpu
    td->td_timeshare = timeshare;
    reset_priority(td);
}

void sched_add(thread* td)
{
    IntrOff off;
    KASSERT(td != g_idle, "the idle thread is never queued");
    KASSERT(td->td_state == ThreadState::Inactive || td->td_state == ThreadState::Inhibited,
            "sched_add of thread %s in state %d", td->td_name, static_cast<int>(td->td_state));
    reset_priority(td);
    runq_add(td);
    // A better thread than the running one: preempt at the next chance.
    if (sched_curthread && td->td_priority < sched_curthread->td_priority) sched_curthread->td_owepreempt = true;
}

void sched_fork(thread* parent, thread* child)
{
    IntrOff off; // the clock charges parent's slice and estcpu
    child->td_estcpu = parent->td_estcpu;
    child->td_estcpu_sec = parent->td_estcpu_sec;
    child->td_timeshare = parent->td_timeshare;
    child->td_priority = child->td_base_pri = parent->td_base_pri;
    // The child's slice is half of what the parent has left, so forking
    // cannot mint CPU time.
    const int32_t left = parent->td_slice > 1 ? parent->td_slice : 1;
    child->td_slice = (left + 1) / 2;
    parent->td_slice = left - child->td_slice;
    if (parent->td_slice <= 0) parent->td_owepreempt = true;
}

namespace {

// Faults are counted machine-wide (v_vm_faults, on the fault path); the
// running thread's share is what the count grew by while it ran, so the
// fault path pays nothing for the per-thread figure.  Interrupts off.
inline void settle_faults(thread* td, uint32_t now)
{
    td->td_rux.ru_minflt += static_cast<uint32_t>(now - td->td_faultmark);
    td->td_faultmark = now;
}

} // namespace

void sched_rux_settle(thread* td)
{
    IntrOff off;
    if (td == sched_curthread) settle_faults(td, vm_fault_stats().v_vm_faults);
}

void mi_switch()
{
    assert_intr_off("mi_switch");
    thread* td = sched_curthread;
    KASSERT(td, "mi_switch before sched_init");
    // An interrupt handler runs on the interrupted thread's stack, in the
    // middle of whatever that thread was doing: switching away from it
    // would let another thread see that half-done work.
    KASSERT(g_intr_nesting == 0, "mi_switch from thread %s inside an interrupt handler (nesting %u)",
            td->td_name, g_intr_nesting);
    td->td_owepreempt = false;
    if (td->td_state == ThreadState::Running && td != g_idle) {
        if (td->td_slice <= 0) td->td_slice = SCHED_SLICE;
        reset_priority(td);
        runq_add(td);
    }
    thread* next = runq_choose();
    if (next == td) {
        td->td_state = ThreadState::Running;
        return;
    }
    // Still runnable: it was preempted (or yielded); otherwise it waits.
    if (td->td_state == ThreadState::RunQ) td->td_rux.ru_nivcsw++;
    else td->td_rux.ru_nvcsw++;
    const uint32_t faults = vm_fault_stats().v_vm_faults;
    settle_faults(td, faults);
    next->td_faultmark = faults;
    next->td_state = ThreadState::Running;
    if (next->td_slice <= 0) next->td_slice = SCHED_SLICE;
    sched_curthread = next;
    g_switches++;
    // Trap entry checks sp against this stack's guard (none for stacks
    // outside the kernel-stack region: the boot stack, bare threads).
    const KStack& ks = next->td_kstack_obj;
    arch::set_current_stack(ks.valid() ? ks.lo() : VirtAddr(0), ks.valid() ? ks.top() : VirtAddr(0),
                            next->td_name);
    // Its process's address space (threads without one, the idle thread,
    // run on whatever table is active: they touch only the kernel half).
    if (next->td_proc) vmspace_activate(next->td_proc->p_vmspace);
    arch::cpu_switch_fp(td, next); // user FP registers: lazy save and restore
    arch::cpu_switch(&td->td_pcb, &next->td_pcb);
    // Running again on td.
    reap_dead();
}

void sched_yield()
{
    IntrOff off;
    sched_curthread->td_slice = 0;
    mi_switch();
}

void sched_preempt_point()
{
    IntrOff off;
    if (sched_curthread && sched_curthread->td_owepreempt) mi_switch();
}

bool sched_owepreempt() { return sched_curthread && sched_curthread->td_owepreempt; }

void sched_intr_enter()
{
    assert_intr_off("interrupt entry");
    g_intr_nesting++;
}

void sched_intr_leave()
{
    assert_intr_off("interrupt exit");
    KASSERT(g_intr_nesting > 0, "interrupt exit without an entry");
    g_intr_nesting--;
}

unsigned sched_intr_nesting() { return g_intr_nesting; }

void sched_clock(bool usermode)
{
    thread* td = sched_curthread;
    if (!td) return;
    td->td_runticks++;
    if (td != g_idle) {
        if (usermode) td->td_rux.rux_uticks++;
        else td->td_rux.rux_sticks++;
    }
    if (td == g_idle) {
        if (g_nrunnable) td->td_owepreempt = true;
        return;
    }
    if (td->td_estcpu < ESTCPU_MAX) td->td_estcpu++;
    if (--td->td_slice <= 0 && g_nrunnable) td->td_owepreempt = true;
}

void sched_fork_exit(thread* td)
{
    KASSERT(td == sched_curthread, "thread %s starts, but %s is running", td->td_name,
            sched_curthread ? sched_curthread->td_name : "nobody");
    reap_dead();
    // The switch that started us was made with interrupts off.
    arch::intr_enable();
}

[[noreturn]] void kthread_entry(void* arg)
{
    auto* td = static_cast<thread*>(arg);
    sched_fork_exit(td);
    td->td_callout(td->td_callout_arg);
    kprintf("Kernel thread \"%s\" exited prematurely.\n", td->td_name);
    sched_exit_thread();
}

[[noreturn]] void sched_exit_thread()
{
    arch::intr_disable();
    thread* td = sched_curthread;
    KASSERT(td != g_idle, "the idle thread cannot exit");
    td->td_state = ThreadState::Inactive;
    g_dead = td;
    mi_switch();
    panic("dead thread %s was resumed", td->td_name);
}

void sched_teardown(thread* boot)
{
    KASSERT(sched_curthread == boot, "sched_teardown from thread %s", sched_curthread ? sched_curthread->td_name : "none");
    KASSERT(g_nrunnable == 0, "sched_teardown with %u runnable threads", g_nrunnable);
    KASSERT(g_intr_nesting == 0, "sched_teardown inside an interrupt handler");
    reap_dead();
    sched_curthread = nullptr;
    g_idle = nullptr;
    g_reaper = nullptr;
}

[[noreturn]] void sched_idle_loop(void*)
{
    for (;;) {
        {
            // Checked with interrupts off: wfi still wakes on a pending
            // interrupt, which is taken as soon as the guard ends.
            IntrOff off;
            if (!g_nrunnable) arch::cpu_wait();
        }
        sched_preempt_point();
    }
}

// kernel/sched/sched_inspect.h: read-only, for the invariant checker.
void runq_foreach(void (*fn)(thread*, unsigned, void*), void* arg)
{
    for (unsigned q = 0; q < NQS; q++)
        for (thread* td : g_runq[q]) fn(td, q, arg);
}
unsigned runq_queues() { return NQS; }
uint64_t runq_nonempty_bits() { return g_runq_bits; }
thread* sched_idle_thread() { return g_idle; }
