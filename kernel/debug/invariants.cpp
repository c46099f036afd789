#include <kernel/debug/invariants.h>

#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/exec/sharedpage.h>
#include <kernel/fs/tmpfs_check.h>
#include <kernel/debug/invariant_report.h>
#include <kernel/ktrace/ktr_check.h>
#include <kernel/proc/fork_limits.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/proc_check.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/sched/sched_check.h>
#include <kernel/sysctl/sysctl.h>
#include <mm/intr_off.h>
#include <mm/kmalloc.h>
#include <mm/kmem.h>
#include <mm/vm_check.h>
#include <mm/zone_check.h>
#include <mm/kstack.h>

namespace {

int g_check = 0;      // debug.invariants.check: the last run's count
int g_violations = 0; // debug.invariants.violations
int g_panic = 0;      // debug.invariants.panic

void check_vm(InvariantReport& r, InvariantTotals& t)
{
    ProcTable& table = proc_table();
    const size_t max = table.nprocs() + 1;
    Result<void*> mem = kmalloc(max * sizeof(vmspace*));
    if (!mem.ok()) {
        r.skipped("address spaces", "no memory for their list");
        return;
    }
    auto* spaces = static_cast<vmspace**>(mem.value());
    const size_t n = proc_vmspaces(table, spaces, max, r);
    t.spaces = n;
    VmCheckInput in;
    in.spaces = spaces;
    in.nspaces = n < max ? n : max;
    vm_object* shared = sharedpage_object();
    in.held = &shared;
    in.nheld = shared ? 1 : 0;
    in.account = &kernel_commit();
    in.other_charges = tmpfs_charged_bytes();
    vm_check(vm_pages(), in, r, &t.census);
    kfree(spaces);
}

// 1: check; 2: give the zones' cached empty slabs back first, so that a
// free-page count read afterwards holds no cache (baselines).
// The allocated pages by holder, as the run found them; "other" is what
// no counter names (boot allocations, and any holder not listed here).
void print_census(const VmCensus& c)
{
    const uint64_t in_use = vm_pages().pages_in_use();
    const uint64_t pt = kernel_pt_pages().pages_in_use();
    const uint64_t ks = kernel_kstacks().pages_mapped();
    const uint64_t zp = kmem_zero_pool() ? kmem_zero_pool()->size() : 0;
    // The checker's scratch pages went back before this is read.
    const uint64_t known =
        c.object_pages + c.index_nodes + c.slab_pages + c.kmalloc_pages + pt + ks + zp;
    kprintf("pages in use %lu: user memory %lu, object index nodes %lu, slabs %lu, kmalloc blocks "
            "%lu, page tables %lu, kernel stacks %lu, pre-zeroed %lu, other %ld\n",
            in_use, c.object_pages, c.index_nodes, c.slab_pages, c.kmalloc_pages, pt, ks, zp,
            static_cast<long>(in_use - known));
}

Result<int> run_from_sysctl(int requested)
{
    if (requested != 1 && requested != 2) return Errno::Inval;
    if (requested == 2) {
        InvariantReport r(g_panic != 0);
        (void)zones_drain(vm_pages(), r);
    }
    return static_cast<int>(invariants_check(false));
}

Result<int> set_panic(int requested)
{
    if (requested != 0 && requested != 1) return Errno::Inval;
    return requested;
}

} // namespace

InvariantTotals invariants_run(InvariantReport& r)
{
    InvariantTotals t;
    IntrOff off;
    t.zones = zones_check(vm_pages(), r);
    if (const char* why = nullptr; !vm_pages().check_free_counts(&why))
        r.violation("free pages", "%s (%lu free, %zu cached)", why, vm_pages().free_pages(),
                    vm_pages().cached_pages());
    sched_check(r);
    tmpfs_check(r);
    if (proc_zones_ready()) {
        ProcCheckInput in;
        in.table = &proc_table();
        in.pgrps = &proc_zones().pgrps;
        in.uids = &proc_zones().uids;
        in.proc0 = &proc0;
        in.nprocs = fork_limits().nprocs();
        proc_check(in, r);
        kqueue_check(r);
        ktrace_check(r);
        t.procs = proc_table().nprocs();
        check_vm(r, t);
    }
    t.violations = r.violations();
    return t;
}

unsigned invariants_check(bool summary)
{
    InvariantReport r(g_panic != 0);
    const InvariantTotals t = invariants_run(r);
    g_violations = static_cast<int>(t.violations);
    g_check = g_violations;
    if (summary || t.violations)
        kprintf("invariants: %u violations (%zu zones, %zu processes, %zu address spaces "
                "checked)\n", t.violations, t.zones, t.procs, t.spaces);
    if (summary && t.census.counted) print_census(t.census);
    return t.violations;
}

void invariants_init(const CmdLine& cmdline)
{
    const char* key = "debug.invariants.panic";
    if (!cmdline.has(key)) return;
    Result<uint64_t> v = cmdline.get_u64(key);
    if (!v.ok() || v.value() > 1) {
        kprintf("debug.invariants.panic: not 0 or 1, ignored\n");
        return;
    }
    g_panic = static_cast<int>(v.value());
}

Result<void> invariants_sysctl_register(SysctlRegistry& registry)
{
    SysctlNode n;
    n.name = "debug.invariants.check";
    n.flags = CTLFLAG_RW | CTLFLAG_ROOTWR;
    n.value = &g_check;
    n.handler = run_from_sysctl;
    n.descr = "Write 1 to run the invariant checker";
    TRY(registry.add(n));
    n.name = "debug.invariants.panic";
    n.value = &g_panic;
    n.handler = set_panic;
    n.descr = "Panic at the first broken invariant";
    TRY(registry.add(n));
    SysctlNode v;
    v.name = "debug.invariants.violations";
    v.flags = CTLFLAG_RD;
    v.value = &g_violations;
    v.descr = "Broken invariants found by the last check";
    return registry.add(v);
}
