// Sprig's numeric sysctl names, in one table: FreeBSD's numbers where
// FreeBSD fixes them (CTL_KERN, KERN_MAXPROC ...), and for FreeBSD's
// OID_AUTO nodes numbers of Sprig's own from 0x100 up, which never change
// once given (a new node takes the next free number).  docs/syscalls.md
// lists them.
#include <kernel/sysctl/sysctl.h>

#include <abi/sysctl.h>
#include <string.h>

namespace {

constexpr int AUTO = 0x100; // FreeBSD's first OID_AUTO number
constexpr int VM_STATS = AUTO + 1;
constexpr int VM_STATS_VM = AUTO;
constexpr int DEBUG_INVARIANTS = AUTO;

struct OidEntry {
    const char* name;
    int oid[5];
    size_t len;
};

constexpr OidEntry oid_table[] = {
    {"kern.maxproc", {CTL_KERN, KERN_MAXPROC}, 2},
    {"kern.maxprocperuid", {CTL_KERN, KERN_MAXPROCPERUID}, 2},
    {"kern.lastpid", {CTL_KERN, AUTO}, 2},
    {"kern.randompid", {CTL_KERN, AUTO + 1}, 2},
    // {CTL_KERN, AUTO + 2} is kern.msgbuf, a node of kern_sysctl.cpp's.
    {"vm.overcommit", {CTL_VM, AUTO}, 2},
    {"vm.stats.vm.v_forks", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO}, 4},
    {"vm.stats.vm.v_vforks", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 1}, 4},
    {"vm.stats.vm.v_rforks", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 2}, 4},
    {"vm.stats.vm.v_kthreads", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 3}, 4},
    {"vm.stats.vm.v_forkpages", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 4}, 4},
    {"vm.stats.vm.v_vforkpages", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 5}, 4},
    {"vm.stats.vm.v_rforkpages", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 6}, 4},
    {"vm.stats.vm.v_kthreadpages", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 7}, 4},
    {"vm.stats.vm.v_vm_faults", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 8}, 4},
    {"vm.stats.vm.v_zfod", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 9}, 4},
    {"vm.stats.vm.v_cow_faults", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 10}, 4},
    {"vm.stats.vm.v_cow_optim", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 11}, 4},
    {"vm.stats.vm.v_free_count", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 12}, 4},
    {"vm.stats.vm.v_page_count", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 13}, 4},
    {"vm.stats.vm.v_free_reserved", {CTL_VM, VM_STATS, VM_STATS_VM, AUTO + 14}, 4},
    {"vm.oom_kills", {CTL_VM, AUTO + 2}, 2},
    {"vm.lowmem", {CTL_VM, AUTO + 3}, 2},
    {"debug.invariants.check", {CTL_DEBUG, DEBUG_INVARIANTS, AUTO}, 3},
    {"debug.invariants.violations", {CTL_DEBUG, DEBUG_INVARIANTS, AUTO + 1}, 3},
    {"debug.invariants.panic", {CTL_DEBUG, DEBUG_INVARIANTS, AUTO + 2}, 3},
};

} // namespace

size_t sysctl_oid_lookup(const char* name, int* oid)
{
    for (const OidEntry& e : oid_table) {
        if (strcmp(e.name, name) != 0) continue;
        static_assert(sizeof e.oid / sizeof e.oid[0] <= SYSCTL_MAXNAME);
        memcpy(oid, e.oid, e.len * sizeof(int));
        return e.len;
    }
    return 0;
}
