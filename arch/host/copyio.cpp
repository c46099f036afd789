// The host's user-copy primitives: every byte goes through the current MMU
// simulator as a supervisor access with SUM on, so the page tables, their
// permissions and the TLB are exercised as on the hart; an access the
// simulator refuses goes to the VM once (vm_fault_user_access, as the
// RISC-V trap handler does), and a second refusal is EFAULT.
#include <kernel/machdep.h>
#include <arch/mmu_sim.h>
#include <kernel/vm/vm_trap.h>
#include <lib/kassert.h>

namespace arch {

namespace {

void (*g_copy_hook)() = nullptr;

// A copy's possible sleep (see host_set_copy_hook).
void copy_may_sleep(size_t len)
{
    if (g_copy_hook && len > 0) g_copy_hook();
}

unsigned char* user_byte(uint64_t va, Access access)
{
    MmuSim* sim = MmuSim::current();
    KASSERT(sim, "a user copy on the host needs an MMU simulator");
    for (int tries = 0; tries < 2; tries++) {
        const SimResult r = sim->translate(VirtAddr(va), access, Priv::Supervisor);
        if (r.ok()) return static_cast<unsigned char*>(phys_to_virt(r.pa));
        const vm_prot_t want = access == Access::Write ? VM_PROT_WRITE : VM_PROT_READ;
        if (r.fault != SimFault::Page || vm_fault_user_access(va, want) != Errno::Ok) return nullptr;
    }
    return nullptr;
}

// SUM on for the life of the object.
struct UserAccess {
    UserAccess() { user_access_begin(); }
    ~UserAccess() { user_access_end(); }
    UserAccess(const UserAccess&) = delete;
    UserAccess& operator=(const UserAccess&) = delete;
};

} // namespace

void host_set_copy_hook(void (*hook)()) { g_copy_hook = hook; }

Errno copy_from_user(void* kdst, uint64_t usrc, size_t len)
{
    copy_may_sleep(len);
    UserAccess sum;
    auto* d = static_cast<unsigned char*>(kdst);
    for (size_t i = 0; i < len; i++) {
        const unsigned char* b = user_byte(usrc + i, Access::Read);
        if (!b) return Errno::Fault;
        d[i] = *b;
    }
    return Errno::Ok;
}

Errno copy_to_user(uint64_t udst, const void* ksrc, size_t len)
{
    copy_may_sleep(len);
    UserAccess sum;
    const auto* s = static_cast<const unsigned char*>(ksrc);
    for (size_t i = 0; i < len; i++) {
        unsigned char* b = user_byte(udst + i, Access::Write);
        if (!b) return Errno::Fault;
        *b = s[i];
    }
    return Errno::Ok;
}

Errno copy_str_from_user(char* kdst, uint64_t usrc, size_t maxlen, size_t* copied)
{
    copy_may_sleep(maxlen);
    UserAccess sum;
    *copied = 0;
    for (size_t i = 0; i < maxlen; i++) {
        const unsigned char* b = user_byte(usrc + i, Access::Read);
        if (!b) return Errno::Fault;
        kdst[i] = static_cast<char>(*b);
        *copied = i + 1;
        if (!*b) return Errno::Ok;
    }
    return Errno::NameTooLong;
}

} // namespace arch
