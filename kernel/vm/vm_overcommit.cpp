#include <kernel/vm/vm_overcommit.h>

#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/sysctl/sysctl.h>
#include <mm/swap_reserve.h>

namespace {

int g_overcommit = 0;
CommitAccount* g_account = nullptr;

Result<int> apply(int requested)
{
    if (requested & ~SWAP_RESERVE_FORCE_ON) return Errno::Inval;
    if (g_account) g_account->set_strict(requested & SWAP_RESERVE_FORCE_ON);
    return requested;
}

} // namespace

void vm_overcommit_init(const CmdLine& cmdline, CommitAccount& account, uint64_t user_bytes)
{
    g_account = &account;
    account.set_limit(user_bytes);
    const char* key = "vm.overcommit";
    if (!cmdline.has(key)) return;
    Result<uint64_t> n = cmdline.get_u64(key);
    Result<int> r = n.ok() && n.value() <= INT32_MAX ? apply(static_cast<int>(n.value()))
                                                     : Result<int>(Errno::Inval);
    if (!r.ok()) {
        const char* v = cmdline.get(key);
        kprintf("vm.overcommit: '%s' is not 0 or 1, ignored\n", v ? v : "");
        return;
    }
    g_overcommit = r.value();
}

Result<void> vm_overcommit_sysctl_register(SysctlRegistry& registry)
{
    SysctlNode n;
    n.name = "vm.overcommit";
    n.flags = CTLFLAG_RW | CTLFLAG_ROOTWR;
    n.value = &g_overcommit;
    n.handler = apply;
    n.descr = "Configure virtual memory overcommit behavior";
    return registry.add(n);
}

int vm_overcommit() { return g_overcommit; }
