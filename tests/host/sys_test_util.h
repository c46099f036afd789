// System calls as a user program makes them, for the file tests: a
// process world with proc0's address space active on the MMU simulator,
// a few read-write user pages at UBUF, and call() that goes through the
// dispatcher with FreeBSD/riscv64's registers.  At the end every
// descriptor proc0 still has is closed and the initrd (if a test set
// one) is taken away, so its vnodes go before the world checks for leaks.
#pragma once

#include "proc_test_util.h"

#include <abi/syscall.h>
#include <arch/mmu_sim.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/initrd.h>
#include <kernel/syscall/syscall.h>
#include <mm/copyio.h>
#include <mm/vmspace.h>

#include <initializer_list>
#include <string>

namespace systest {

using namespace proctest;

// A call's outcome: the errno (Ok when t0 = 0) and a0, a1.
struct Ret {
    Errno error;
    uint64_t a0, a1;
    bool ok() const { return error == Errno::Ok; }
    int fd() const { return int(a0); }
};

struct SysWorld {
    static constexpr uint64_t UBUF = 0x300000; // user pages, read-write
    static constexpr uint64_t UBUF_PAGES = 16;

    ProcWorld w;
    MmuSim sim;
    arch::TrapFrame frame{};
    std::string archive; // the initrd, when set_initrd() gave one

    SysWorld()
    {
        thread0.td_frame = &frame;
        REQUIRE(vmspace_map_anon(proc0.p_vmspace, UBUF, UBUF_PAGES * PG, VM_PROT_READ | VM_PROT_WRITE)
                    .ok());
        vmspace_activate(proc0.p_vmspace);
    }
    ~SysWorld()
    {
        filedesc* fdp = proc0.p_fd;
        while (fdp->fd_lastfile >= 0) (void)fdclose(fdp, fdp->fd_lastfile);
        initrd_set(nullptr, 0);
        vmspace_activate(nullptr);
        thread0.td_frame = nullptr;
        CHECK(vmspace_unmap(proc0.p_vmspace, VM_MIN_USER_ADDRESS,
                            VM_MAX_USER_ADDRESS - VM_MIN_USER_ADDRESS).ok());
    }
    SysWorld(const SysWorld&) = delete;
    SysWorld& operator=(const SysWorld&) = delete;

    void set_initrd(std::string a)
    {
        archive = std::move(a);
        initrd_set(archive.data(), archive.size());
    }

    // The call as thread0 (proc0) makes it.
    Ret call(int code, std::initializer_list<uint64_t> args = {})
    {
        return call_as(&thread0, code, args);
    }

    // The call as td makes it, on td's own frame.
    static Ret call_as(thread* td, int code, std::initializer_list<uint64_t> args)
    {
        arch::TrapFrame& tf = *td->td_frame;
        tf = {};
        tf.t0() = uint64_t(code);
        unsigned i = 0;
        for (uint64_t a : args) tf.a(i++) = a;
        syscall(td);
        return {tf.t0() ? Errno(tf.a(0)) : Errno::Ok, tf.a(0), tf.a(1)};
    }

    // User memory at UBUF + off.
    static void put(uint64_t off, const std::string& s)
    {
        REQUIRE(copyout(s.data(), UBUF + off, s.size()) == Errno::Ok);
    }
    static void put_str(uint64_t off, const std::string& s)
    {
        REQUIRE(copyout(s.c_str(), UBUF + off, s.size() + 1) == Errno::Ok);
    }
    static std::string get(uint64_t off, size_t n)
    {
        std::string s(n, '\0');
        REQUIRE(copyin(UBUF + off, s.data(), n) == Errno::Ok);
        return s;
    }
};

// An address no mapping covers, for EFAULT.
inline constexpr uint64_t BAD_ADDR = 0x500000;

inline uint64_t u(int64_t v) { return uint64_t(v); }

} // namespace systest
