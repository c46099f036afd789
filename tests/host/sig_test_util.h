// Shared by the signal tests: a process world whose proc0 has user memory
// (a stack and a data region, active on the strict MMU simulator) and a
// user frame on thread0, so system calls can be made through the
// dispatcher with real user pointers, and signal frames written and read
// back.  This header must not be joined by the host's <signal.h>.
#pragma once

#include "proc_test_util.h"

#include <abi/syscall.h>
#include <abi/ucontext.h>
#include <arch/mmu_sim.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <kernel/syscall/syscall.h>
#include <mm/copyio.h>
#include <mm/vmspace.h>

#include <initializer_list>

namespace sigtest {

using namespace proctest;

constexpr uint64_t DATA = 0x100000;          // 4 pages, read-write
constexpr uint64_t RODATA = 0x200000;        // 1 page, read-only
constexpr uint64_t STACK_LO = 0x300000;      // 4 pages, read-write
constexpr uint64_t STACK_TOP = STACK_LO + 4 * PG;
constexpr uint64_t TEXT = 0x10000;           // a handler's address (never run)

struct SigWorld {
    ProcWorld w;
    MmuSim sim;
    arch::TrapFrame frame{};

    SigWorld()
    {
        vmspace* vm = proc0.p_vmspace;
        const vm_prot_t rw = VM_PROT_READ | VM_PROT_WRITE;
        REQUIRE(vmspace_map_anon(vm, DATA, 4 * PG, rw).ok());
        REQUIRE(vmspace_map_anon(vm, RODATA, PG, VM_PROT_READ).ok());
        REQUIRE(vmspace_map_anon(vm, STACK_LO, 4 * PG, rw).ok());
        vmspace_activate(vm);
        // A frame as a trap from user mode leaves it: every register
        // distinct, sstatus with SPIE (interrupts were on) and FS Off.
        for (unsigned i = 1; i < 32; i++) frame.x[i] = 0x1000 + i;
        frame.sp() = STACK_TOP - 64;
        frame.sepc = 0x10400;
        frame.sstatus = 0x20; // SPIE
        thread0.td_frame = &frame;
    }
    ~SigWorld()
    {
        thread0.td_frame = nullptr;
        vmspace* vm = proc0.p_vmspace;
        vmspace_activate(nullptr);
        CHECK(vmspace_unmap(vm, VM_MIN_USER_ADDRESS, VM_MAX_USER_ADDRESS - VM_MIN_USER_ADDRESS).ok());
    }

    // Makes system call `code` from thread0's frame: the errno (0 for
    // success), with the results left in the frame.
    uint64_t call(int code, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0)
    {
        frame.t0() = static_cast<uint64_t>(code);
        frame.a(0) = a0;
        frame.a(1) = a1;
        frame.a(2) = a2;
        syscall(&thread0);
        return frame.t0() ? frame.a(0) : 0;
    }
};

// A sigaction with handler h, flags and mask.
inline sigaction make_action(uintptr_t h, int flags = 0, ksigset_t mask = {})
{
    sigaction a{};
    a.sa_handler = h;
    a.sa_flags = flags;
    a.sa_mask = mask;
    return a;
}

inline ksigset_t set_of(std::initializer_list<int> sigs)
{
    ksigset_t s{};
    for (int sig : sigs) sigaddset(s, sig);
    return s;
}

} // namespace sigtest
