// Delivery to user handlers on the host: the frame sendsig writes
// (FreeBSD/riscv's struct sigframe: siginfo at sp, the ucontext 80 bytes
// up, the registers in gpregs order), the registers a handler starts
// with, the masks postsig leaves, sigreturn's restore and its refusal of
// forged contexts, trapsignal's rules, the FP state in the frame, and the
// shared page.  Offsets and register numbers below are FreeBSD's, written
// out by hand, not read from the code under test.
#include "sig_test_util.h"

#include <arch/fpe.h>
#include <kernel/exec/sharedpage.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sig_calls.h>
#include <kernel/proc/sig_machdep.h>

#include <string.h>

using namespace sigtest;

namespace {

constexpr uint64_t FRAME_SIZE = 80 + 936; // siginfo + ucontext
constexpr uint64_t SSTATUS_SPP = 0x100, SSTATUS_SPIE = 0x20, SSTATUS_SUM = 0x40000;
constexpr uint64_t FS_MASK = 0x6000, FS_CLEAN = 0x4000, FS_DIRTY = 0x6000;

uint64_t word(uint64_t va)
{
    uint64_t v = 0;
    REQUIRE(fuword(va, &v) == Errno::Ok);
    return v;
}

uint32_t word32(uint64_t va)
{
    uint32_t v = 0;
    REQUIRE(copyin(va, &v, sizeof v) == Errno::Ok);
    return v;
}

void install(int sig, uintptr_t h, int flags = 0, ksigset_t mask = {})
{
    const sigaction act = make_action(h, flags, mask);
    REQUIRE(kern_sigaction(&thread0, sig, &act, nullptr).ok());
}

} // namespace

TEST_CASE("sendsig: FreeBSD/riscv's frame on the user stack, and the handler's registers")
{
    SigWorld sw;
    install(SIGUSR1, TEXT, SA_SIGINFO, set_of({SIGUSR2}));
    const arch::TrapFrame before = sw.frame;
    const uint64_t sp0 = before.x[2];
    thread0.td_sigmask = set_of({SIGINT});
    psignal(&proc0, SIGUSR1);
    userret(&thread0);
    const uint64_t fp = (sp0 - FRAME_SIZE) & ~uint64_t{15};
    // The handler's registers.
    CHECK(sw.frame.sepc == TEXT);
    CHECK(sw.frame.x[2] == fp);
    CHECK(sw.frame.x[10] == SIGUSR1);
    CHECK(sw.frame.x[11] == fp);
    CHECK(sw.frame.x[12] == fp + 80);
    CHECK(sw.frame.x[1] == VM_MAX_USER_ADDRESS - PG); // ra: the shared page
    CHECK(sw.frame.x[8] == before.x[8]);              // the rest untouched
    // siginfo.
    CHECK(word32(fp) == SIGUSR1);
    // ucontext: the old mask, then gpregs in FreeBSD's order.
    const uint64_t uc = fp + 80, gp = uc + 16;
    CHECK(word32(uc) == 1u << (SIGINT - 1));
    CHECK(word(gp + 0) == before.x[1]);         // ra
    CHECK(word(gp + 8) == sp0);                 // sp
    CHECK(word(gp + 16) == before.x[3]);        // gp
    CHECK(word(gp + 24) == before.x[4]);        // tp
    CHECK(word(gp + 32) == before.x[5]);        // t0
    CHECK(word(gp + 32 + 3 * 8) == before.x[28]); // t3
    CHECK(word(gp + 88) == before.x[8]);        // s0
    CHECK(word(gp + 88 + 2 * 8) == before.x[18]); // s2
    CHECK(word(gp + 88 + 11 * 8) == before.x[27]); // s11
    CHECK(word(gp + 184) == before.x[10]);      // a0
    CHECK(word(gp + 184 + 7 * 8) == before.x[17]); // a7
    CHECK(word(gp + 248) == before.sepc);
    CHECK(word(gp + 256) == before.sstatus);
    CHECK(word32(uc + 888 + 16) == SS_DISABLE); // uc_stack.ss_flags: no signal stack
    // The mask while the handler runs: the old one, the action's, the signal.
    CHECK(sigseteq(thread0.td_sigmask, set_of({SIGINT, SIGUSR2, SIGUSR1})));
    CHECK(!sigismember(proc0.p_siglist, SIGUSR1));

    // sigreturn puts everything back, the mask included.
    (void)sw.call(SYS_sigreturn, fp + 80); // t0 and a0 come back from the context
    CHECK(sw.frame.sepc == before.sepc);
    for (unsigned i = 1; i < 32; i++) CHECK(sw.frame.x[i] == before.x[i]);
    CHECK(sigseteq(thread0.td_sigmask, set_of({SIGINT})));
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("sendsig: SA_NODEFER leaves the signal unblocked; SA_RESETHAND goes back to SIG_DFL")
{
    SigWorld sw;
    install(SIGUSR1, TEXT, SA_NODEFER | SA_RESETHAND);
    psignal(&proc0, SIGUSR1);
    userret(&thread0);
    CHECK(sw.frame.sepc == TEXT);
    CHECK(!sigismember(thread0.td_sigmask, SIGUSR1));
    CHECK(sig_handler(proc0.p_sigacts, SIGUSR1) == SIG_DFL);
    CHECK(!sig_caught(proc0.p_sigacts, SIGUSR1));
}

TEST_CASE("sendsig: two pending caught signals stack two frames; the lowest runs first")
{
    SigWorld sw;
    install(SIGUSR1, TEXT);
    install(SIGUSR2, TEXT + 0x100);
    const uint64_t sp0 = sw.frame.x[2];
    psignal(&proc0, SIGUSR2);
    psignal(&proc0, SIGUSR1);
    userret(&thread0);
    // SIGUSR1 (30) went first, so SIGUSR2's frame is on top of it and its
    // handler runs first; its context returns into SIGUSR1's handler.
    CHECK(sw.frame.sepc == TEXT + 0x100);
    CHECK(sw.frame.x[10] == SIGUSR2);
    const uint64_t fp1 = (sp0 - FRAME_SIZE) & ~uint64_t{15};
    CHECK(sw.frame.x[2] == ((fp1 - FRAME_SIZE) & ~uint64_t{15}));
    CHECK(word(sw.frame.x[12] + 16 + 248) == TEXT); // its saved sepc
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("sendsig: a frame that cannot be written kills the process with SIGILL")
{
    SigWorld sw;
    struct Child {
        static void run(void*)
        {
            thread* td = curthread();
            arch::TrapFrame f{};
            f.sp() = 0x500000; // nothing mapped below
            td->td_frame = &f;
            const sigaction act = make_action(TEXT);
            REQUIRE(kern_sigaction(td, SIGUSR1, &act, nullptr).ok());
            psignal(td->td_proc, SIGUSR1);
            userret(td);
            FAIL("came back from a signal that could not be delivered");
        }
    };
    // The child shares proc0's space (RFMEM), which the simulator has active.
    proc* p = spawn(Child::run, nullptr, RFPROC | RFFDG | RFMEM);
    const int st = wait_for(p->p_pid);
    CHECK(WIFSIGNALED(st));
    CHECK(WTERMSIG(st) == SIGILL);
}

TEST_CASE("sigreturn: EINVAL for a context that would leave user mode or change privileged bits; EFAULT")
{
    SigWorld sw;
    __ucontext uc{};
    get_mcontext(&thread0, &uc.uc_mcontext);
    const arch::TrapFrame before = sw.frame;
    const uint64_t at = DATA;
    for (uint64_t bad : {SSTATUS_SPP, SSTATUS_SPIE, SSTATUS_SUM, uint64_t{0x2} /* SIE */,
                         uint64_t{1} << 19 /* MXR */}) {
        CAPTURE(bad);
        __ucontext forged = uc;
        forged.uc_mcontext.mc_gpregs.gp_sstatus ^= bad;
        forged.uc_mcontext.mc_gpregs.gp_sepc = 0xffffffff80000000;
        REQUIRE(copyout(&forged, at, sizeof forged) == Errno::Ok);
        const uint64_t pc = sw.frame.sepc;
        CHECK(sw.call(SYS_sigreturn, at) == 22);
        CHECK(sw.frame.sepc == pc + 4); // an ordinary failed call: nothing restored
        CHECK(sw.frame.sstatus == before.sstatus);
    }
    // The bits a user may change: FS (the kernel sets it), SD, XS.
    __ucontext ok = uc;
    ok.uc_mcontext.mc_gpregs.gp_sstatus ^= FS_DIRTY | (uint64_t{3} << 15);
    ok.uc_mcontext.mc_gpregs.gp_a[0] = 77;
    REQUIRE(copyout(&ok, at, sizeof ok) == Errno::Ok);
    (void)sw.call(SYS_sigreturn, at);
    CHECK(sw.frame.x[10] == 77);
    CHECK(sw.frame.x[5] == before.x[5]); // t0 from the context: no error report
    CHECK(sw.frame.sepc == before.sepc);
    CHECK((sw.frame.sstatus & FS_MASK) == 0); // still Off: no FP state was given
    CHECK(sw.call(SYS_sigreturn, 0x500000) == 14);
    CHECK(sw.call(SYS_sigreturn, DATA + 4 * PG - 100) == 14); // runs off the end
    CHECK(sw.call(SYS_sigreturn, 0xffffffff80000000) == 14);
}

TEST_CASE("trapsignal: a caught fault goes to its handler at once with si_addr and si_code")
{
    SigWorld sw;
    install(SIGSEGV, TEXT, SA_SIGINFO);
    __siginfo si{};
    si.si_signo = SIGSEGV;
    si.si_code = SEGV_ACCERR;
    si.si_addr = 0x1234;
    trapsignal(&thread0, si);
    CHECK(sw.frame.sepc == TEXT);
    CHECK(word32(sw.frame.x[11]) == SIGSEGV);
    CHECK(word32(sw.frame.x[11] + 8) == SEGV_ACCERR);
    CHECK(word(sw.frame.x[11] + 24) == 0x1234);
    CHECK(sigismember(thread0.td_sigmask, SIGSEGV));
    CHECK(!sigismember(proc0.p_siglist, SIGSEGV)); // delivered, not posted
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("trapsignal: blocked or ignored, the action resets to SIG_DFL and the signal is unblocked")
{
    SigWorld sw;
    // Caught but blocked.
    install(SIGSEGV, TEXT);
    sigaddset(thread0.td_sigmask, SIGSEGV);
    __siginfo si{};
    si.si_signo = SIGSEGV;
    trapsignal(&thread0, si);
    CHECK(sw.frame.sepc != TEXT);
    CHECK(!sigismember(thread0.td_sigmask, SIGSEGV));
    CHECK(sig_handler(proc0.p_sigacts, SIGSEGV) == SIG_DFL);
    CHECK(sigismember(proc0.p_siglist, SIGSEGV)); // posted: userret will kill
    CHECK(cursig(&thread0) == SIGSEGV);
    sigdelset(proc0.p_siglist, SIGSEGV);
    // Ignored.
    install(SIGBUS, SIG_IGN);
    si.si_signo = SIGBUS;
    trapsignal(&thread0, si);
    CHECK(sig_handler(proc0.p_sigacts, SIGBUS) == SIG_DFL);
    CHECK(sigismember(proc0.p_siglist, SIGBUS));
    sigdelset(proc0.p_siglist, SIGBUS);
    // Default and unblocked: simply posted.
    si.si_signo = SIGILL;
    trapsignal(&thread0, si);
    CHECK(sigismember(proc0.p_siglist, SIGILL));
    sigemptyset(proc0.p_siglist);
}

TEST_CASE("FP state: saved in the frame when the thread has any, restored by sigreturn")
{
    SigWorld sw;
    arch::cpu_exec_fpinit(&thread0); // as exec leaves it: Initial, all zero
    sw.frame.sstatus = (sw.frame.sstatus & ~FS_MASK) | FS_DIRTY; // the user wrote registers
    for (int i = 0; i < 32; i++) arch::host_fp_registers().f[i] = 0x4000000000000000 + i;
    arch::host_fp_registers().fcsr = 0x61;
    install(SIGUSR1, TEXT);
    psignal(&proc0, SIGUSR1);
    userret(&thread0);
    const uint64_t mc = sw.frame.x[12] + 16;
    CHECK((word32(mc + 264 + 528) & _MC_FP_VALID) != 0); // mc_flags
    CHECK(word(mc + 264 + 0) == 0x4000000000000000);     // fp_x[0][0]
    CHECK(word(mc + 264 + 31 * 16) == 0x4000000000000000 + 31);
    CHECK(word(mc + 264 + 512) == 0x61);                 // fp_fcsr
    // The handler changes them; sigreturn brings the saved ones back.
    for (int i = 0; i < 32; i++) arch::host_fp_registers().f[i] = 0;
    sw.frame.sstatus |= FS_DIRTY;
    const uint64_t uc = sw.frame.x[12];
    sw.call(SYS_sigreturn, uc);
    CHECK(arch::host_fp_registers().f[7] == 0x4000000000000000 + 7);
    CHECK(arch::host_fp_registers().fcsr == 0x61);
    CHECK((sw.frame.sstatus & FS_MASK) == FS_CLEAN);
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("FP state: lazy across switches, copied by fork, zero after exec")
{
    ProcWorld w;
    static arch::TrapFrame f0{};
    thread0.td_frame = &f0;
    arch::cpu_exec_fpinit(&thread0);
    arch::host_fp_registers().f[3] = 0x333;
    f0.sstatus |= FS_DIRTY;
    struct Child {
        static void run(void*)
        {
            thread* td = curthread();
            // fork's copy, loaded when the child first ran.
            CHECK(arch::host_fp_registers().f[3] == 0x333);
            CHECK((td->td_frame->sstatus & FS_MASK) == FS_CLEAN);
            arch::host_fp_registers().f[3] = 0x444; // the child's own
            td->td_frame->sstatus |= FS_DIRTY;
            sched_yield(); // saved on the way out
            CHECK(arch::host_fp_registers().f[3] == 0x444);
            exit1(td, 0);
        }
    };
    proc* p = spawn(Child::run, nullptr, RFPROC | RFFDG | RFMEM);
    const pid_t pid = p->p_pid;
    sched_yield(); // the child runs, dirties, yields back
    CHECK(arch::host_fp_registers().f[3] == 0x333); // ours, restored
    wait_for(pid);
    // exec: a clean start.
    arch::cpu_exec_fpinit(&thread0);
    CHECK(arch::host_fp_registers().f[3] == 0);
    CHECK((f0.sstatus & FS_MASK) == 0x2000); // Initial
    thread0.td_frame = nullptr;
}

namespace {
bool fp_registers_zero()
{
    const arch::FpState zero{};
    return memcmp(&arch::host_fp_registers(), &zero, sizeof zero) == 0;
}
} // namespace

TEST_CASE("FP state: fork keeps Initial; a switch between Initial threads loads nothing; one that wrote them passes nothing on")
{
    ProcWorld w;
    static arch::TrapFrame f0{};
    thread0.td_frame = &f0;
    arch::cpu_exec_fpinit(&thread0); // as exec leaves it: Initial, all zero
    struct Child {
        static void run(void*)
        {
            thread* td = curthread();
            // fork of a parent that never touched FP: Initial too, and
            // nothing was loaded for it.
            CHECK((td->td_frame->sstatus & FS_MASK) == 0x2000);
            CHECK(fp_registers_zero());
            arch::cpu_exec_fpinit(td); // as after its own exec
            const unsigned long loads = arch::host_fp_loads();
            sched_yield(); // to thread0, Initial and untouched: no load either way
            CHECK(arch::host_fp_loads() == loads);
            CHECK(fp_registers_zero());
            sched_yield(); // thread0 writes its registers this time
            // Back with thread0's 0x555 saved, not in our registers.
            CHECK(fp_registers_zero());
            CHECK((td->td_frame->sstatus & FS_MASK) == 0x2000); // still Initial
            exit1(td, 0);
        }
    };
    proc* p = spawn(Child::run, nullptr, RFPROC | RFFDG | RFMEM);
    const pid_t pid = p->p_pid;
    sched_yield(); // the child execs (a load of zeros) and yields back
    CHECK(fp_registers_zero());
    sched_yield(); // the child checks it loaded nothing and yields back
    CHECK(fp_registers_zero());
    arch::host_fp_registers().f[5] = 0x555; // the user writes a register
    f0.sstatus |= FS_DIRTY;
    sched_yield(); // the child must see zeros again
    CHECK(arch::host_fp_registers().f[5] == 0x555); // ours, restored
    CHECK((f0.sstatus & FS_MASK) == FS_CLEAN);
    wait_for(pid);
    thread0.td_frame = nullptr;
}

TEST_CASE("shared page: mapped read and execute, holding the trampoline; user writes fault; fork shares it")
{
    SigWorld sw;
    REQUIRE(sharedpage_init(proc_zones().vmspaces.objects).ok());
    REQUIRE(sharedpage_map(proc0.p_vmspace).ok());
    // addi a0, sp, 80; li t0, 417; ecall; li t0, 1; ecall; j -8
    const uint32_t want[] = {0x05010513, 0x1a100293, 0x00000073, 0x00100293, 0x00000073, 0xff9ff06f};
    for (unsigned i = 0; i < 6; i++) CHECK(word32(SHAREDPAGE + 4 * i) == want[i]);
    CHECK(SHAREDPAGE == 0x3ffffff000);
    const uint32_t zero = 0;
    CHECK(copyout(&zero, SHAREDPAGE, 4) == Errno::Fault);
    CHECK(vmspace_protect(proc0.p_vmspace, SHAREDPAGE, PG, VM_PROT_ALL).error() == Errno::Acces);
    uint64_t charged = 1;
    vmspace* child = vmspace_fork(proc0.p_vmspace, &charged).release_value();
    const vm_map_entry* e1 = proc0.p_vmspace->vm_map.lookup(SHAREDPAGE);
    const vm_map_entry* e2 = child->vm_map.lookup(SHAREDPAGE);
    REQUIRE(e1);
    REQUIRE(e2);
    CHECK(e1->object == e2->object);
    kernel_commit().reserve_force(charged);
    vmspace_free(child);
    CHECK(vmspace_unmap(proc0.p_vmspace, SHAREDPAGE, PG).ok());
    sharedpage_fini();
}
