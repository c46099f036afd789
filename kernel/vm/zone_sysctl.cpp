#include <kernel/vm/zone_sysctl.h>

#include <abi/sysctl.h>
#include <kernel/sysctl/sysctl.h>
#include <lib/format.h>
#include <mm/zone.h>

namespace {

constexpr int AUTO = 0x100;
constexpr int VM_ZONE = AUTO + 4; // after vm.overcommit, vm.stats, vm.oom_kills and vm.lowmem
constexpr unsigned MAX_ZONES = 48;

char g_names[MAX_ZONES][48];

int in_use(const void* zone) { return static_cast<int>(static_cast<const Zone*>(zone)->objects_in_use()); }

} // namespace

Result<void> zone_sysctl_register(SysctlRegistry& registry)
{
    unsigned i = 0;
    for (Zone* z = Zone::first(); z; z = z->next(), i++) {
        if (i == MAX_ZONES) return Errno::NoMem;
        snformat(g_names[i], sizeof g_names[i], "vm.zone.%s.inuse", z->name());
        SysctlNode n;
        n.name = g_names[i];
        n.flags = CTLFLAG_RD;
        n.get = in_use;
        n.get_arg = z;
        n.descr = "Objects in use";
        n.oid[0] = CTL_VM;
        n.oid[1] = VM_ZONE;
        n.oid[2] = AUTO + static_cast<int>(i);
        n.oid[3] = AUTO;
        n.oid_len = 4;
        TRY(registry.add(n));
    }
    return {};
}
