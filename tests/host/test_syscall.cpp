// The system call dispatcher's convention (FreeBSD/riscv64): number in t0,
// arguments in a0..a7; t0 = 0 and the result in a0 (a1 kept) on success,
// t0 = 1 and the errno in a0 on failure; sepc past the ecall; every other
// register untouched.
#include "proc_test_util.h"

#include <abi/syscall.h>
#include <kernel/syscall/syscall.h>

using namespace proctest;

namespace {

struct FrameScope {
    FrameScope()
    {
        thread0.td_frame = new arch::TrapFrame{};
        for (unsigned i = 0; i < 32; i++) thread0.td_frame->x[i] = 0x1000 + i;
        thread0.td_frame->sepc = 0x40000;
    }
    ~FrameScope()
    {
        delete thread0.td_frame;
        thread0.td_frame = nullptr;
    }
    arch::TrapFrame& tf() { return *thread0.td_frame; }
};

} // namespace

TEST_CASE("syscall: getpid returns in a0 with t0 = 0; sepc moves past the ecall")
{
    ProcWorld w;
    FrameScope f;
    f.tf().t0() = SYS_getpid;
    syscall(&thread0);
    CHECK(f.tf().t0() == 0);
    CHECK(f.tf().a(0) == static_cast<uint64_t>(proc0.p_pid));
    CHECK(f.tf().a(1) == 0x1000 + 11); // a1 as it was
    CHECK(f.tf().sepc == 0x40004);
    for (unsigned i : {1u, 2u, 3u, 4u, 6u, 8u, 9u, 12u, 17u, 18u, 31u}) CHECK(f.tf().x[i] == 0x1000 + i);
}

TEST_CASE("syscall: an unknown number is ENOSYS: t0 = 1, a0 = 78")
{
    ProcWorld w;
    FrameScope f;
    // 0, a gap between numbers (8), the last number plus one, far beyond, all ones.
    for (uint64_t code : {uint64_t{0}, uint64_t{8}, uint64_t{SYS_pipe2 + 1}, uint64_t{999}, ~uint64_t{0}}) {
        f.tf().t0() = code;
        f.tf().sepc = 0x40000;
        syscall(&thread0);
        CHECK(f.tf().t0() == 1);
        CHECK(f.tf().a(0) == 78);
        CHECK(f.tf().sepc == 0x40004);
        CHECK(f.tf().x[12] == 0x1000 + 12);
    }
}

TEST_CASE("syscall: exit ends the calling process with the status in a0")
{
    ProcWorld w;
    auto body = [](void*) {
        thread* td = curthread();
        td->td_frame->t0() = SYS_exit;
        td->td_frame->a(0) = 0x1234; // only the low byte is the status
        syscall(td);
        FAIL("exit returned");
    };
    proc* p = spawn(body);
    const int st = wait_for(p->p_pid);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0x34);
}
