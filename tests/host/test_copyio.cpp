// copyin, copyout, copyinstr, fuword and suword over a real address space:
// proc0's vmspace, activated on the strict MMU simulator, with the host's
// copy primitives going through it byte by byte as the kernel with SUM on.
// Faults resolve through the VM (zero-fill, copy-on-write); what the VM
// refuses is EFAULT; ranges outside the user half never reach the MMU.
#include "console_capture.h"
#include "proc_test_util.h"

#include <arch/mmu_sim.h>
#include <kernel/proc/sigset.h>
#include <kernel/vm/vm_trap.h>
#include <mm/copyio.h>
#include <mm/vm_fault.h>
#include <mm/vmspace.h>

#include <string.h>

using namespace proctest;

namespace {

constexpr uint64_t RWBASE = 0x100000, ROBASE = 0x200000;
constexpr vm_prot_t RW = VM_PROT_READ | VM_PROT_WRITE;

// proc0's space with a read-write and a read-only region, active on a
// simulated hart for the test's life.
struct CopyWorld {
    ProcWorld w;
    MmuSim sim;

    CopyWorld()
    {
        vmspace* vm = proc0.p_vmspace;
        REQUIRE(vmspace_map_anon(vm, RWBASE, 4 * PG, RW).ok());
        REQUIRE(vmspace_map_anon(vm, ROBASE, PG, VM_PROT_READ).ok());
        vmspace_activate(vm);
    }
    ~CopyWorld()
    {
        vmspace* vm = proc0.p_vmspace;
        vmspace_activate(nullptr);
        CHECK(vmspace_unmap(vm, VM_MIN_USER_ADDRESS, VM_MAX_USER_ADDRESS - VM_MIN_USER_ADDRESS).ok());
    }
};

} // namespace

TEST_CASE("copyio: copyout then copyin; the first touch zero-fills through the fault path")
{
    CopyWorld cw;
    const uint32_t zfod0 = vm_fault_stats().v_zfod;
    char out[64], in[64] = {};
    for (size_t i = 0; i < sizeof out; i++) out[i] = static_cast<char>('a' + i % 26);
    // Across a page boundary: two pages, two zero-fills.
    const uint64_t at = RWBASE + PG - 20;
    REQUIRE(copyout(out, at, sizeof out) == Errno::Ok);
    CHECK(vm_fault_stats().v_zfod == zfod0 + 2);
    REQUIRE(copyin(at, in, sizeof in) == Errno::Ok);
    CHECK(memcmp(in, out, sizeof out) == 0);
    // An untouched page reads as zeros.
    uint64_t word = 99;
    CHECK(fuword(RWBASE + 3 * PG, &word) == Errno::Ok);
    CHECK(word == 0);
    CHECK(suword(RWBASE + 3 * PG + 8, 0x1122334455667788) == Errno::Ok);
    CHECK(fuword(RWBASE + 3 * PG + 8, &word) == Errno::Ok);
    CHECK(word == 0x1122334455667788);
    CHECK(copyin(at, in, 0) == Errno::Ok); // nothing to do
}

TEST_CASE("copyio: EFAULT for unmapped and read-only memory, and for ranges outside the user half")
{
    CopyWorld cw;
    char buf[16] = {};
    CHECK(copyin(0x500000, buf, sizeof buf) == Errno::Fault);          // unmapped
    CHECK(copyin(ROBASE, buf, sizeof buf) == Errno::Ok);               // readable
    CHECK(copyout(buf, ROBASE, sizeof buf) == Errno::Fault);           // not writable
    CHECK(copyin(RWBASE + 4 * PG - 8, buf, sizeof buf) == Errno::Fault); // runs off the end
    // Kernel addresses never reach the MMU: with SUM on they would work.
    const uint64_t kernel = reinterpret_cast<uint64_t>(buf);
    const uint64_t walks = cw.sim.walks();
    CHECK(copyin(kernel, buf, 1) == Errno::Fault);
    CHECK(copyout(buf, arch::DMAP_BASE, 1) == Errno::Fault);
    CHECK(copyin(arch::USER_TOP - 8, buf, 16) == Errno::Fault); // straddles the top
    CHECK(copyin(~uint64_t{0} - 4, buf, 16) == Errno::Fault);   // wraps around
    CHECK(cw.sim.walks() == walks);
    CHECK(user_range_ok(arch::USER_TOP - 16, 16));
    CHECK_FALSE(user_range_ok(arch::USER_TOP - 16, 17));
    uint64_t word = 0;
    CHECK(fuword(0x500000, &word) == Errno::Fault);
    CHECK(suword(ROBASE, 1) == Errno::Fault);
}

TEST_CASE("copyio: copyinstr counts the NUL, says ENAMETOOLONG, and EFAULT at a hole or the top")
{
    CopyWorld cw;
    const char s[] = "sprig";
    REQUIRE(copyout(s, RWBASE, sizeof s) == Errno::Ok);
    char buf[32];
    size_t done = 0;
    CHECK(copyinstr(RWBASE, buf, sizeof buf, &done) == Errno::Ok);
    CHECK(done == 6);
    CHECK(strcmp(buf, "sprig") == 0);
    CHECK(copyinstr(RWBASE, buf, 6, &done) == Errno::Ok); // exactly enough
    CHECK(copyinstr(RWBASE, buf, 5, &done) == Errno::NameTooLong);
    CHECK(done == 5);
    CHECK(copyinstr(RWBASE, buf, 0, &done) == Errno::NameTooLong);
    CHECK(done == 0);
    // A string that runs into unmapped memory.
    char fill[64];
    memset(fill, 'x', sizeof fill);
    REQUIRE(copyout(fill, RWBASE + 4 * PG - sizeof fill, sizeof fill) == Errno::Ok);
    CHECK(copyinstr(RWBASE + 4 * PG - 10, buf, sizeof buf, &done) == Errno::Fault);
    CHECK(done == 10);
    // One that runs into the top of the user half.
    vmspace* vm = proc0.p_vmspace;
    REQUIRE(vmspace_map_anon(vm, arch::USER_TOP - PG, PG, RW).ok());
    REQUIRE(copyout(fill, arch::USER_TOP - sizeof fill, sizeof fill) == Errno::Ok);
    CHECK(copyinstr(arch::USER_TOP - 4, buf, sizeof buf, &done) == Errno::Fault);
    CHECK(done == 4);
    CHECK(copyinstr(arch::USER_TOP, buf, sizeof buf, &done) == Errno::Fault);
}

namespace {
// The child reads the word its parent wrote before the fork.
void child_reads_word(void*)
{
    uint64_t v = 0;
    const bool ok = fuword(RWBASE, &v) == Errno::Ok && v == 1234;
    exit1(curthread(), W_EXITCODE(ok ? 0 : 1, 0));
}
} // namespace

TEST_CASE("copyio: copyout into a page shared copy-on-write copies it; the child keeps its value")
{
    CopyWorld cw;
    REQUIRE(suword(RWBASE, 1234) == Errno::Ok);
    fork_req fr;
    fr.fr_flags = RFFDG | RFPROC | RFSTOPPED;
    fr.fr_func = child_reads_word;
    proc* child = fork1(&thread0, fr).release_value();
    // fork1 took write permission from the parent's translation.
    CHECK((proc0.p_vmspace->vm_pmap.extract(VirtAddr(RWBASE)).flags & arch::pte::W) == 0);
    const uint32_t cow0 = vm_fault_stats().v_cow_faults;
    REQUIRE(suword(RWBASE, 5678) == Errno::Ok);
    CHECK(vm_fault_stats().v_cow_faults == cow0 + 1);
    uint64_t v = 0;
    REQUIRE(fuword(RWBASE, &v) == Errno::Ok);
    CHECK(v == 5678);
    // The child runs on its own table (the scheduler activates it) and
    // still reads the value of the fork.
    sched_add(child->p_thread);
    const int st = wait_for(child->p_pid);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0);
    // Back on proc0's table: its value.
    REQUIRE(fuword(RWBASE, &v) == Errno::Ok);
    CHECK(v == 5678);
}

TEST_CASE("trap_pfault: resolved silently, SIGSEGV where nothing may be touched, SIGKILL when memory runs out")
{
    CopyWorld cw;
    credtest::ConsoleCapture con;
    trap_pfault(&thread0, RWBASE + 8, VM_PROT_WRITE, 0x10000);
    CHECK(proc0.p_vmspace->vm_pmap.extract(VirtAddr(RWBASE)).valid());
    CHECK(con.out.empty());
    CHECK(!sigismember(proc0.p_siglist, SIGSEGV));

    trap_pfault(&thread0, 0x500000, VM_PROT_READ, 0x10004); // nothing mapped
    CHECK(sigismember(proc0.p_siglist, SIGSEGV));
    CHECK(con.count("pid 0 (kernel): read at 0x500000, pc 0x10004: SIGSEGV") == 1);
    sigdelset(proc0.p_siglist, SIGSEGV);
    trap_pfault(&thread0, ROBASE, VM_PROT_WRITE, 0x10008); // read-only
    CHECK(sigismember(proc0.p_siglist, SIGSEGV));
    sigdelset(proc0.p_siglist, SIGSEGV);

    proc_zones().drain();
    cw.w.pages.fail_after(0);
    trap_pfault(&thread0, RWBASE + PG, VM_PROT_WRITE, 0x1000c); // a fresh page: none left
    cw.w.pages.fail_after(-1);
    CHECK(sigismember(proc0.p_siglist, SIGKILL));
    CHECK(!sigismember(proc0.p_siglist, SIGSEGV));
    CHECK(con.count("out of memory in a page fault (write at 0x101000, pc 0x1000c): killed") == 1);
    sigdelset(proc0.p_siglist, SIGKILL);
    // Memory back: the same fault now succeeds.
    trap_pfault(&thread0, RWBASE + PG, VM_PROT_WRITE, 0x1000c);
    CHECK(proc0.p_vmspace->vm_pmap.extract(VirtAddr(RWBASE + PG)).valid());
    CHECK(!sigismember(proc0.p_siglist, SIGKILL));
}
