#include <kernel/vm/vm_pageout_oom.h>

#include <abi/signal.h>
#include <kernel/clock.h>
#include <kernel/console.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/sigset.h>
#include <kernel/proc/ucred.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <kernel/sysctl/sysctl.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>
#include <mm/kmem.h>
#include <mm/vmspace.h>
#include <mm/zero_pool.h>
#include <mm/kstack.h>

namespace {

// How long a fault sleeps before it looks again (an exit that frees pages
// wakes it sooner), and how long a victim may take to die before the
// killer picks another (a victim asleep where SIGKILL cannot reach it).
constexpr uint64_t VM_WAIT_TICKS = HZ / 10;
constexpr uint64_t VICTIM_GRACE_TICKS = 2 * HZ;
// Memory counts as short within this many pages of the reserve: a fault
// that found none may come a few frees after the refusal it reports.
constexpr uint64_t VM_FREE_MIN_SLACK = 16;

uint32_t g_oom_kills = 0;
int g_free_reserved = 0; // the sysctl's copy
int g_lowmem = 0;
unsigned g_waiters = 0;
const char g_free_chan = 0; // FreeBSD's vm_cnt.v_free_count channel
pid_t g_victim = 0;
uint64_t g_victim_since = 0;

bool dying(const proc* p)
{
    return (p->p_flag & pflag::P_WEXIT) || p->p_state == ProcState::Zombie ||
           sigismember(p->p_siglist, SIGKILL);
}

bool oom_exempt(const proc* p)
{
    return p == &proc0 || p == initproc ||
           (p->p_flag & (pflag::P_SYSTEM | pflag::P_KTHREAD | pflag::P_PROTECTED)) ||
           p->p_state != ProcState::Normal;
}

// Whether the last victim is still on its way out: alive, not a zombie,
// still dying (a process that took its pid since would not be) and not
// past its grace period.
bool victim_pending()
{
    if (!g_victim) return false;
    proc* v = proc_table().pfind(g_victim);
    if (!v || v->p_state == ProcState::Zombie || !dying(v) ||
        ticks() - g_victim_since > VICTIM_GRACE_TICKS) {
        g_victim = 0;
        return false;
    }
    return true;
}

uint64_t free_now() { return vm_pages().free_pages(); }

} // namespace

uint64_t vm_free_reserved_for(uint64_t pages) { return 34 + pages / 768; }

bool vm_page_may_use_reserve()
{
    const thread* td = curthread();
    if (!td || !td->td_proc) return true;
    const proc* p = td->td_proc;
    return p == &proc0 || p == initproc || (p->p_flag & (pflag::P_SYSTEM | pflag::P_KTHREAD));
}

void vm_reserve_init(PageAllocator& pages, uint64_t reserve)
{
    pages.set_reserve(reserve, vm_page_may_use_reserve);
    g_free_reserved = static_cast<int>(reserve);
}

uint64_t vm_proc_resident(const proc* p)
{
    vmspace* vm = p->p_vmspace;
    if (!vm) return 0;
    uint64_t n = 0;
    const vm_object* last = nullptr;
    for (const vm_map_entry* e : vm->vm_map.entries()) {
        if (!e->object || e->object == last) continue;
        last = e->object;
        n += e->object->pages.count();
    }
    return n;
}

proc* vm_oom_select()
{
    IntrOff off;
    proc* best = nullptr;
    uint64_t best_size = 0;
    for (proc* p : proc_table().allproc()) {
        if (oom_exempt(p) || dying(p)) continue;
        const uint64_t size = vm_proc_resident(p);
        if (!best || size > best_size) {
            best = p;
            best_size = size;
        }
    }
    return best;
}

OomResult vm_pageout_oom()
{
    IntrOff off;
    if (victim_pending()) return OomResult::Pending;
    proc* v = vm_oom_select();
    if (!v) return OomResult::NoVictim;
    g_victim = v->p_pid;
    g_victim_since = ticks();
    g_oom_kills++;
    kprintf("vm_pageout_oom: pid %d (%s), uid %u, %lu resident pages: killed (out of memory)\n",
            v->p_pid, v->p_comm, v->p_ucred ? v->p_ucred->cr_ruid : 0, vm_proc_resident(v));
    psignal(v, SIGKILL);
    return OomResult::Killed;
}

uint64_t vm_lowmem()
{
    const uint64_t before = free_now();
    if (ZeroPool* zp = kmem_zero_pool()) zp->drain();
    (void)kstack_cache_drain();
    const uint64_t after = free_now();
    return after > before ? after - before : 0;
}

uint64_t vm_drain_caches()
{
    const uint64_t before = free_now();
    (void)vm_lowmem();
    kmem_drain();
    if (proc_zones_ready()) proc_zones().drain();
    const uint64_t after = free_now();
    return after > before ? after - before : 0;
}

bool vm_page_count_min()
{
    return free_now() < vm_pages().reserved_pages() + VM_FREE_MIN_SLACK;
}

bool vm_wait_pages(thread* td)
{
    proc* p = td->td_proc;
    KASSERT(p, "vm_wait_pages for thread %s without a process", td->td_name);
    if (dying(p)) return false;
    // A page refused with plenty free was refused on purpose (an injected
    // failure, docs/failpoints.md): nobody is to die for it, and waiting
    // would not change it.
    if (!vm_page_count_min()) return false;
    if (vm_lowmem() > 0) return true;
    const OomResult r = vm_pageout_oom();
    if (dying(p)) return false; // the victim was the faulting process
    if (r == OomResult::NoVictim && p != initproc) return false;
    Errno e;
    {
        IntrOff off;
        g_waiters++;
        e = tsleep(&g_free_chan, PVM | PCATCH, "vmwait", VM_WAIT_TICKS);
        g_waiters--;
    }
    if (dying(p)) return false;
    // Another signal is pending: PCATCH sleeps would return at once, so
    // wait out one tick without it (SIGKILL is seen on the next look).
    if (e == Errno::Intr || e == Errno::Restart) pause("vmwait", 1);
    return !dying(p);
}

void vm_pages_freed()
{
    IntrOff off;
    if (g_waiters) wakeup(&g_free_chan);
}

uint32_t vm_oom_kills() { return g_oom_kills; }

namespace {

Result<int> lowmem_write(int requested)
{
    if (requested != 1) return Errno::Inval;
    (void)vm_drain_caches();
    return 0;
}

} // namespace

Result<void> vm_oom_sysctl_register(SysctlRegistry& registry)
{
    const SysctlCounter kills[] = {{"vm.oom_kills", &g_oom_kills, "Processes killed for memory"}};
    TRY(sysctl_add_counters(registry, kills, 1));
    SysctlNode n;
    n.name = "vm.stats.vm.v_free_reserved";
    n.flags = CTLFLAG_RD;
    n.value = &g_free_reserved;
    n.descr = "Pages reserved for deadlock";
    TRY(registry.add(n));
    SysctlNode w;
    w.name = "vm.lowmem";
    w.flags = CTLFLAG_RW | CTLFLAG_ROOTWR;
    w.value = &g_lowmem;
    w.handler = lowmem_write;
    w.descr = "Write 1 to give the kernel's caches back to the page allocator";
    return registry.add(w);
}
