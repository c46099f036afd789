// System calls made the way a user program makes them, for host tests: a
// ProcWorld with the MMU simulator, proc0's address space active with a
// few pages of user memory at UBUF, and thread0's user frame; ucall()
// loads t0 and a0..a5, runs the dispatcher and reads the answer back.
// Forked children call ucall() on their own frames (their kernel-side
// functions stand in for their user code).
#pragma once

// Before abi/wait.h (through proc_test_util.h): <string> reaches glibc's
// <stdlib.h>, whose W* macros must not come after ours.
#include <string>

#include "proc_test_util.h"

#include <abi/syscall.h>
#include <arch/mmu_sim.h>
#include <kernel/syscall/syscall.h>
#include <mm/copyio.h>
#include <mm/vmspace.h>

#include <initializer_list>

namespace proctest {

// The leak check, one number at a time so that a failure says which.
#define CHECK_COUNTS(a, b)                         \
    do {                                           \
        const Counts _ca = (a), _cb = (b);         \
        CHECK(_ca.objects == _cb.objects);         \
        CHECK(_ca.kstacks == _cb.kstacks);         \
        CHECK(_ca.pages == _cb.pages);             \
        CHECK(_ca.nprocs == _cb.nprocs);           \
        CHECK(_ca.reserved == _cb.reserved);       \
    } while (0)

// The counts with every zone's cached empty slabs given back, so that a
// slab kept from a freed object does not look like a leak.
inline Counts settled_counts(const ProcWorld& w)
{
    proc_zones().drain();
    return w.counts();
}

// User memory every test process can use (children inherit a COW copy,
// or share it under RFMEM); BAD is never mapped.
constexpr uint64_t UBUF = 0x200000;
constexpr uint64_t UBUF_PAGES = 8;
constexpr uint64_t BAD = 0x7000000;

// What a call returned: a0 and a1, or the errno (t0 = 1).
struct UResult {
    Errno err = Errno::Ok;
    uint64_t a0 = 0, a1 = 0;
    bool ok() const { return err == Errno::Ok; }
    int64_t value() const { return static_cast<int64_t>(a0); }
};

inline UResult ucall(thread* td, int code, std::initializer_list<uint64_t> args = {})
{
    arch::TrapFrame& tf = *td->td_frame;
    tf.t0() = static_cast<uint64_t>(code);
    unsigned i = 0;
    for (uint64_t a : args) tf.a(i++) = a;
    syscall(td);
    if (tf.t0() == 1) return {static_cast<Errno>(tf.a(0)), 0, 0};
    CHECK(tf.t0() == 0); // CHECK: children call this too, and cannot throw
    return {Errno::Ok, tf.a(0), tf.a(1)};
}

inline UResult ucall(int code, std::initializer_list<uint64_t> args = {})
{
    return ucall(&thread0, code, args);
}

template <typename T>
T uread(uint64_t va)
{
    T v{};
    CHECK(copyin(va, &v, sizeof v) == Errno::Ok);
    return v;
}

template <typename T>
void uwrite(uint64_t va, const T& v)
{
    CHECK(copyout(&v, va, sizeof v) == Errno::Ok);
}

struct SysWorld {
    ProcWorld w;
    MmuSim sim;
    arch::TrapFrame frame{};

    explicit SysWorld(int maxproc = 1000) : w(maxproc)
    {
        thread0.td_frame = &frame;
        vmspace_activate(proc0.p_vmspace);
        REQUIRE(vmspace_map_anon(proc0.p_vmspace, UBUF, UBUF_PAGES * PG,
                                 VM_PROT_READ | VM_PROT_WRITE)
                    .ok());
        // Resident from the start, so that a leak check taken later does
        // not count the first touch's pages and object.
        for (uint64_t i = 0; i < UBUF_PAGES; i++) uwrite<uint64_t>(UBUF + i * PG, 0);
    }
    ~SysWorld()
    {
        vmspace_activate(nullptr);
        thread0.td_frame = nullptr;
        CHECK(vmspace_unmap(proc0.p_vmspace, VM_MIN_USER_ADDRESS,
                            VM_MAX_USER_ADDRESS - VM_MIN_USER_ADDRESS)
                  .ok());
    }
};

// Installs a stand-in for the user code of children forked by the system
// calls (they return to "user mode" through fork_return); it must end in
// exit1.
struct UserModeScope {
    arch::UserModeHook old;
    explicit UserModeScope(arch::UserModeHook h) : old(arch::set_user_mode_hook(h)) {}
    ~UserModeScope() { arch::set_user_mode_hook(old); }
};

// Until release(): kernel-side children park here (hold()).
inline bool g_released = false;
inline void hold()
{
    IntrOff off;
    while (!g_released) (void)tsleep(&g_released, PWAIT, "hold", 0);
}
inline void release()
{
    IntrOff off;
    g_released = true;
    wakeup(&g_released);
}

// Waits as td (any process) for its child pid; returns the status, -1 on
// an error.
inline int wait_for_in(thread* td, pid_t pid)
{
    int st = -1;
    Result<pid_t> r = kern_wait(td, pid, &st, 0);
    CHECK(r.ok());
    return r.ok() && r.value() == pid ? st : -1;
}

// Runs fn as a forked child of proc0 (a process of its own, not proc0,
// whose children include init) and reaps it; returns its exit status.
inline void (*g_child_fn)(thread*) = nullptr;
inline int run_in_child(void (*fn)(thread*))
{
    g_child_fn = fn;
    proc* c = spawn([](void*) {
        g_child_fn(curthread());
        exit1(curthread(), 0);
    });
    return wait_for(c->p_pid);
}

} // namespace proctest
