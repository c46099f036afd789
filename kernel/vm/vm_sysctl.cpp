#include <kernel/vm/vm_sysctl.h>

#include <kernel/sysctl/sysctl.h>
#include <mm/kmem.h>
#include <mm/kstack.h>
#include <mm/page_alloc.h>
#include <mm/vm_fault.h>
#include <mm/zero_pool.h>

Result<void> vm_stats_sysctl_register(SysctlRegistry& registry)
{
    VmFaultStats& s = vm_fault_stats();
    const SysctlCounter counters[] = {
        {"vm.stats.vm.v_vm_faults", &s.v_vm_faults, "Address memory faults"},
        {"vm.stats.vm.v_zfod", &s.v_zfod, "Pages zero-filled on demand"},
        {"vm.stats.vm.v_cow_faults", &s.v_cow_faults, "Copy-on-write faults"},
        {"vm.stats.vm.v_cow_optim", &s.v_cow_optim, "Optimized COW faults"},
    };
    return sysctl_add_counters(registry, counters, sizeof counters / sizeof counters[0]);
}

namespace {

// Pre-zeroed pages are free pages that happen to be zero (FreeBSD counts
// them in v_free_count too): without them the count would jump by the
// pool's size whenever pagezero refills it.  The kernel-stack cache's
// pages count as free for the same reason (lowmem drains both).
int free_count(const void* pages)
{
    const ZeroPool* zp = kmem_zero_pool();
    return static_cast<int>(static_cast<const PageAllocator*>(pages)->free_pages() +
                            (zp ? zp->size() : 0) + kstack_cached_pages());
}

int page_count(const void* pages) { return static_cast<int>(static_cast<const PageAllocator*>(pages)->total_pages()); }

} // namespace

Result<void> vm_page_sysctl_register(SysctlRegistry& registry, const PageAllocator& pages)
{
    SysctlNode n;
    n.name = "vm.stats.vm.v_free_count";
    n.flags = CTLFLAG_RD;
    n.get = free_count;
    n.get_arg = &pages;
    n.descr = "Free pages";
    TRY(registry.add(n));
    n.name = "vm.stats.vm.v_page_count";
    n.get = page_count;
    n.descr = "Total number of pages in system";
    return registry.add(n);
}
