// What exec does for signals and the machine state they use: the new
// image has the shared page (read and execute, at the top of user space,
// right above the stack), no signal stack, no pending signal its reset
// actions ignore, the mask kept, and clean FP state (FS Initial).
#include "elf_test_util.h"
#include "proc_test_util.h"

#include <arch/fpe.h>
#include <arch/mmu_sim.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/exec/sharedpage.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <mm/copyio.h>
#include <mm/vmspace.h>

#include <string>

using namespace proctest;

namespace {

std::string g_image;
std::string g_failed;

#define EXPECT_IN_CHILD(cond)                              \
    do {                                                   \
        if (!(cond) && g_failed.empty()) g_failed = #cond; \
    } while (0)

void exec_and_check(thread* td)
{
    proc* p = td->td_proc;
    // Before: a signal stack, a caught SIGUSR1 and a pending SIGCHLD
    // (caught, blocked), dirty FP registers.
    td->td_pflags |= tdpflag::TDP_ALTSTACK;
    td->td_sigstk = sigaltstack{0x20000000, 8192, 0};
    sigaction act{};
    act.sa_handler = 0x10000;
    EXPECT_IN_CHILD(kern_sigaction_set(p->p_sigacts, SIGCHLD, &act, nullptr).ok());
    sigaddset(td->td_sigmask, SIGCHLD);
    psignal(p, SIGCHLD);
    td->td_frame->sstatus |= 0x6000;
    arch::host_fp_registers().f[5] = 55;

    static const char* const argv[] = {"prog", nullptr};
    const ExecArgs a{"/bin/prog", g_image.data(), g_image.size(), argv, nullptr};
    EXPECT_IN_CHILD(kern_execve(td, a) == Errno::Ok);
    const vm_map_entry* e = p->p_vmspace->vm_map.lookup(SHAREDPAGE);
    EXPECT_IN_CHILD(e != nullptr);
    if (e) {
        EXPECT_IN_CHILD(e->start == 0x3ffffff000 && e->end == 0x4000000000);
        EXPECT_IN_CHILD(e->protection == (VM_PROT_READ | VM_PROT_EXECUTE));
        EXPECT_IN_CHILD(e->max_protection == (VM_PROT_READ | VM_PROT_EXECUTE));
    }
    uint32_t first = 0;
    EXPECT_IN_CHILD(copyin(SHAREDPAGE, &first, 4) == Errno::Ok && first == 0x05010513);
    // The stack ends right below it.
    EXPECT_IN_CHILD(p->p_vmspace->vm_map.lookup(SHAREDPAGE - 8) != nullptr);
    EXPECT_IN_CHILD(td->td_frame->sp() < SHAREDPAGE);
    EXPECT_IN_CHILD((td->td_pflags & tdpflag::TDP_ALTSTACK) == 0);
    EXPECT_IN_CHILD(td->td_sigstk.ss_flags == SS_DISABLE);
    EXPECT_IN_CHILD(!sigismember(p->p_siglist, SIGCHLD)); // its default now ignores it
    EXPECT_IN_CHILD(sigismember(td->td_sigmask, SIGCHLD)); // the mask survives exec
    EXPECT_IN_CHILD((td->td_frame->sstatus & 0x6000) == 0x2000); // FS Initial
    EXPECT_IN_CHILD(arch::host_fp_registers().f[5] == 0);
}

void exec_child(void*)
{
    exec_and_check(curthread());
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("exec: the shared page is mapped; signal stack, ignored pending signals and FP state reset")
{
    ProcWorld w;
    MmuSim sim;
    REQUIRE(sharedpage_init(proc_zones().vmspaces.objects).ok());
    g_image = elftest::ElfBuilder().bytes();
    g_failed.clear();
    proc* child = spawn(exec_child);
    wait_for(child->p_pid);
    CHECK(g_failed == "");
    vmspace_activate(nullptr);
    sharedpage_fini();
}
