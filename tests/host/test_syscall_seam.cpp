// The machine half of a system call (arch/syscall_machdep.h): what
// cpu_fetch_syscall_args reads from a user frame and what
// cpu_set_syscall_retval writes back, FreeBSD/riscv64's convention (number
// in t0, arguments in a0..a7; t0 = 0 with a0/a1 or t0 = 1 with the errno;
// ERESTART backs sepc up over the ecall; EJUSTRETURN touches nothing).
#include "proc_test_util.h"

#include <abi/syscall.h>
#include <arch/syscall_machdep.h>
#include <kernel/proc/vm_machdep.h>

using namespace proctest;

namespace {

constexpr uint64_t PC = 0x40000;

// thread0 with a frame whose every register holds a value of its own.
struct SeamFrame {
    arch::TrapFrame frame{};
    SeamFrame()
    {
        for (unsigned i = 0; i < 32; i++) frame.x[i] = 0x5000 + i;
        frame.sepc = PC;
        thread0.td_frame = &frame;
    }
    ~SeamFrame() { thread0.td_frame = nullptr; }
};

void check_untouched_but(const arch::TrapFrame& tf, std::initializer_list<unsigned> changed)
{
    for (unsigned i = 1; i < 32; i++) {
        bool skip = false;
        for (unsigned c : changed) skip = skip || c == i;
        if (!skip) CHECK(tf.x[i] == 0x5000 + i);
    }
}

} // namespace

TEST_CASE("cpu_fetch_syscall_args: the number from t0, eight arguments from a0..a7, sepc past the ecall")
{
    ProcWorld w;
    SeamFrame f;
    f.frame.t0() = SYS_getppid;
    syscall_args sa{};
    cpu_fetch_syscall_args(&thread0, sa);
    CHECK(sa.code == SYS_getppid);
    CHECK(sa.callp == &sysent_table[SYS_getppid]);
    CHECK(sa.callp != &sysent_nosys);
    for (unsigned i = 0; i < SYSCALL_MAXARGS; i++) CHECK(sa.args[i] == 0x5000 + 10 + i);
    // Read in place, not copied: the arguments are the frame's a0..a7.
    CHECK(sa.args == &f.frame.a(0));
    CHECK(f.frame.sepc == PC + 4);
    // The results start as {0, a1}: a call that sets one leaves a1 alone.
    CHECK(thread0.td_retval[0] == 0);
    CHECK(thread0.td_retval[1] == 0x5000 + 11);
    check_untouched_but(f.frame, {5});
}

TEST_CASE("cpu_fetch_syscall_args: a number outside the table or in a gap gets nosys, which is ENOSYS")
{
    ProcWorld w;
    SeamFrame f;
    for (uint64_t code : {uint64_t{0}, uint64_t{8}, uint64_t{sysent_size}, uint64_t{sysent_size} + 1,
                          uint64_t{1} << 32, ~uint64_t{0}}) {
        f.frame.t0() = code;
        syscall_args sa{};
        cpu_fetch_syscall_args(&thread0, sa);
        CHECK(sa.code == code);
        REQUIRE(sa.callp != nullptr);
        CHECK(sa.callp->sy_call(&thread0, sa.args) == Errno::NoSys);
        if (code >= sysent_size) CHECK(sa.callp == &sysent_nosys);
    }
}

TEST_CASE("sysent: every number in the table has a handler, and the known calls are not nosys")
{
    for (unsigned i = 0; i < sysent_size; i++) CHECK(bool(sysent_table[i].sy_call));
    for (int code : {SYS_exit, SYS_fork, SYS_getpid, SYS_getppid, SYS_vfork, SYS_rfork, SYS_wait4,
                     SYS_execve, SYS_sigreturn, SYS_procctl, SYS_unlink, SYS_rename, SYS_mkdir, SYS_rmdir,
                     SYS_fstat, SYS_fstatat, SYS_getdirentries, SYS_kqueue, SYS_kevent})
        CHECK((sysent_table[code].sy_call != sysent_nosys.sy_call));
    CHECK(sysent_size == SYS_kevent + 1); // the highest number the kernel knows
}

TEST_CASE("cpu_set_syscall_retval: success puts td_retval in a0/a1 and clears t0")
{
    ProcWorld w;
    SeamFrame f;
    thread0.td_retval[0] = 77;
    thread0.td_retval[1] = 88;
    cpu_set_syscall_retval(&thread0, Errno::Ok);
    CHECK(f.frame.a(0) == 77);
    CHECK(f.frame.a(1) == 88);
    CHECK(f.frame.t0() == 0);
    CHECK(f.frame.sepc == PC);
    check_untouched_but(f.frame, {5, 10, 11});
}

TEST_CASE("cpu_set_syscall_retval: an error sets t0 = 1 and the errno in a0; a1 stays")
{
    ProcWorld w;
    SeamFrame f;
    thread0.td_retval[0] = 77;
    thread0.td_retval[1] = 88;
    cpu_set_syscall_retval(&thread0, Errno::Child);
    CHECK(f.frame.t0() == 1);
    CHECK(f.frame.a(0) == 10); // ECHILD
    CHECK(f.frame.sepc == PC);
    check_untouched_but(f.frame, {5, 10});
}

TEST_CASE("cpu_set_syscall_retval: ERESTART backs sepc over the ecall and leaves the registers, so the same call is made again")
{
    ProcWorld w;
    SeamFrame f;
    f.frame.t0() = SYS_wait4;
    syscall_args sa{};
    cpu_fetch_syscall_args(&thread0, sa);
    thread0.td_retval[0] = 77;
    cpu_set_syscall_retval(&thread0, Errno::Restart);
    CHECK(f.frame.sepc == PC);
    CHECK(f.frame.t0() == SYS_wait4);
    check_untouched_but(f.frame, {5});
}

TEST_CASE("cpu_set_syscall_retval: EJUSTRETURN leaves the frame as the call set it")
{
    ProcWorld w;
    SeamFrame f;
    f.frame.t0() = SYS_execve;
    syscall_args sa{};
    cpu_fetch_syscall_args(&thread0, sa);
    f.frame.sepc = 0x12340; // what exec would set
    f.frame.a(0) = 0x999;
    thread0.td_retval[0] = 77;
    cpu_set_syscall_retval(&thread0, Errno::JustReturn);
    CHECK(f.frame.sepc == 0x12340);
    CHECK(f.frame.a(0) == 0x999);
    CHECK(f.frame.t0() == SYS_execve);
    check_untouched_but(f.frame, {5, 10});
}

TEST_CASE("sysent: SYF_FULLFRAME marks exactly the calls that copy or rewrite the whole user frame")
{
    // fork, vfork and rfork copy it into the child (cpu_fork); execve and
    // sigreturn rewrite every register (EJUSTRETURN).  The kernel runs the
    // others with s0..s11, gp and tp left in the CPU (arch/riscv/trapvec.S).
    const int whole[] = {SYS_fork, SYS_vfork, SYS_rfork, SYS_execve, SYS_sigreturn};
    for (unsigned code = 0; code < sysent_size; code++) {
        bool flagged = false;
        for (int w : whole) flagged = flagged || int(code) == w;
        CHECK_MESSAGE(sysent_table[code].sy_flags == (flagged ? SYF_FULLFRAME : 0u), "call ", code);
    }
    CHECK(sysent_nosys.sy_flags == 0u);
    CHECK(sysent_size == unsigned(SYS_MAXSYSCALL));
}
