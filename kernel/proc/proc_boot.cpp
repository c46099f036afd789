#include <kernel/proc/proc_boot.h>

#include <kernel/proc/fork_limits.h>
#include <kernel/proc/fork_log.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/exec/sharedpage.h>
#include <kernel/fs/tmpfs_check.h>
#include <kernel/sysctl/sysctl.h>
#include <kernel/cmdline.h>
#include <kernel/debug/invariants.h>
#include <kernel/sysctl/fail_sysctl.h>
#include <kernel/vm/zone_sysctl.h>
#include <kernel/vm/vm_overcommit.h>
#include <kernel/vm/vm_sysctl.h>
#include <kernel/vm/vm_pageout_oom.h>
#include <mm/page_alloc.h>
#include <mm/swap_reserve.h>
#include <lib/kassert.h>
#include <kernel/machdep.h>
#include <mm/asid.h>
#include <mm/kmem.h>

namespace {

void must(Result<void> r, const char* what)
{
    if (!r.ok()) panic("boot: %s: %s", what, errno_name(r.error()));
}

} // namespace

void proc_startup(PageAllocator& pages, uint64_t physpages)
{
    proc_zones_init(pages);
    // User page tables come from the kernel's table pages and share the
    // kernel table's upper half.
    static AsidAllocator asids(arch::asid_bits());
    proc_zones().vmspaces.pt_pages = &kernel_pt_pages();
    proc_zones().vmspaces.kernel_pt = &kernel_pmap();
    proc_zones().vmspaces.asids = &asids;
    must(sharedpage_init(proc_zones().vmspaces.objects), "the shared page");
    fork_limits_init(physpages);
    SysctlRegistry& sysctl = kernel_sysctl();
    must(pid_sysctl_register(sysctl, pid_allocator()), "kern.lastpid and kern.randompid");
    must(fork_limits().sysctl_register(sysctl), "kern.maxproc");
    must(fork_stats_sysctl_register(sysctl), "fork counters");
    must(vm_stats_sysctl_register(sysctl), "fault counters");
    must(vm_page_sysctl_register(sysctl, pages), "page counts");
    // The last pages are for the kernel's processes and init (docs/memory.md).
    vm_reserve_init(pages, vm_free_reserved_for(pages.total_pages()));
    must(vm_oom_sysctl_register(sysctl), "the reserve and the OOM killer");
    // Strict commit accounting (vm.overcommit=1) refuses what the RAM left
    // now could not back.
    vm_overcommit_init(kernel_cmdline(), kernel_commit(), pages.free_pages() * arch::PAGE_SIZE);
    must(vm_overcommit_sysctl_register(sysctl), "vm.overcommit");
    invariants_init(kernel_cmdline());
    must(invariants_sysctl_register(sysctl), "debug.invariants");
    must(zone_sysctl_register(sysctl), "vm.zone");
    must(fail_sysctl_register(sysctl), "debug.fail");
    must(tmpfs_boot(physpages), "tmpfs at /tmp");
    fail_boot_switches(kernel_cmdline());
    must(proc0_init(), "proc0");
    fork_log().register_handler();
    must(create_init(start_init, nullptr), "creating init");
    kick_init();
}
