// mmap, munmap, mprotect and break through the system call dispatcher, the
// way a user program reaches them (numbers and registers as FreeBSD/riscv64
// has them), on proc0's address space active on the MMU simulator; memory
// is then read and written with fuword/suword.
#include "proc_test_util.h"

#include <abi/mman.h>
#include <abi/resource.h>
#include <abi/syscall.h>
#include <arch/mmu_sim.h>
#include <kernel/proc/resource.h>
#include <kernel/syscall/syscall.h>
#include <kernel/vm/vm_mmap.h>
#include <mm/copyio.h>
#include <mm/vmspace.h>

using namespace proctest;

namespace {

constexpr int RW = PROT_READ | PROT_WRITE;

struct MmapWorld {
    ProcWorld w;
    MmuSim sim;
    arch::TrapFrame frame{};

    MmapWorld()
    {
        thread0.td_frame = &frame;
        vmspace_activate(proc0.p_vmspace);
    }
    ~MmapWorld()
    {
        vmspace_activate(nullptr);
        thread0.td_frame = nullptr;
        CHECK(vmspace_unmap(proc0.p_vmspace, VM_MIN_USER_ADDRESS,
                            VM_MAX_USER_ADDRESS - VM_MIN_USER_ADDRESS).ok());
    }

    // A system call as a user program makes it; returns a0, or the errno
    // negated when t0 says it failed.
    int64_t call(int code, std::initializer_list<uint64_t> args)
    {
        frame = {};
        frame.t0() = static_cast<uint64_t>(code);
        unsigned i = 0;
        for (uint64_t a : args) frame.a(i++) = a;
        syscall(&thread0);
        return frame.t0() ? -static_cast<int64_t>(frame.a(0)) : static_cast<int64_t>(frame.a(0));
    }
    int64_t mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd = -1, int64_t pos = 0)
    {
        return call(SYS_mmap, {addr, len, static_cast<uint64_t>(prot), static_cast<uint64_t>(flags),
                               static_cast<uint64_t>(fd), static_cast<uint64_t>(pos)});
    }
};

constexpr int64_t err(Errno e) { return -static_cast<int64_t>(e); }

} // namespace

TEST_CASE("mmap: anonymous private memory, placed above MMAP_BASE, zero-filled and charged")
{
    MmapWorld mw;
    const uint64_t charged0 = proc0.p_vmspace->vm_charged;
    const int64_t a = mw.mmap(0, 3 * PG - 100, RW, MAP_ANON | MAP_PRIVATE);
    REQUIRE(a > 0);
    CHECK(static_cast<uint64_t>(a) >= MMAP_BASE);
    CHECK(a % PG == 0);
    CHECK(proc0.p_vmspace->vm_charged == charged0 + 3 * PG); // rounded up to pages
    uint64_t v = 1;
    CHECK(fuword(a + 2 * PG, &v) == Errno::Ok);
    CHECK(v == 0);
    CHECK(suword(a + 8, 77) == Errno::Ok);
    // A second mapping goes elsewhere; a hint above the base is honoured.
    const int64_t b = mw.mmap(0, PG, PROT_READ, MAP_ANON | MAP_PRIVATE);
    CHECK(b >= a + 3 * static_cast<int64_t>(PG));
    const int64_t c = mw.mmap(MMAP_BASE * 2, PG, RW, MAP_ANON | MAP_SHARED);
    CHECK(c == static_cast<int64_t>(MMAP_BASE * 2));
    CHECK(proc0.p_vmspace->vm_charged == charged0 + 3 * PG); // read-only and shared: no charge
}

TEST_CASE("mmap: bad flags and arguments are EINVAL and map nothing")
{
    MmapWorld mw;
    const size_t entries = proc0.p_vmspace->vm_map.entry_count();
    CHECK(mw.mmap(0, PG, RW, MAP_PRIVATE) == err(Errno::Inval));                  // a file mapping
    CHECK(mw.mmap(0, PG, RW, MAP_ANON) == err(Errno::Inval));                     // neither sharing
    CHECK(mw.mmap(0, PG, RW, MAP_ANON | MAP_SHARED | MAP_PRIVATE) == err(Errno::Inval));
    CHECK(mw.mmap(0, PG, RW, MAP_ANON | MAP_PRIVATE, 3) == err(Errno::Inval));    // fd with MAP_ANON
    CHECK(mw.mmap(0, PG, RW, MAP_ANON | MAP_PRIVATE, -1, 4096) == err(Errno::Inval));
    CHECK(mw.mmap(0, 0, RW, MAP_ANON | MAP_PRIVATE) == err(Errno::Inval));        // nothing
    CHECK(mw.mmap(0, PG, RW, MAP_ANON | MAP_PRIVATE | 0x8000) == err(Errno::Inval));
    CHECK(mw.mmap(0x100800, PG, RW, MAP_ANON | MAP_PRIVATE | MAP_FIXED) == err(Errno::Inval));
    CHECK(mw.mmap(arch::USER_TOP - PG, 2 * PG, RW, MAP_ANON | MAP_PRIVATE | MAP_FIXED) ==
          err(Errno::Inval));
    CHECK(mw.mmap(0, arch::USER_TOP, RW, MAP_ANON | MAP_PRIVATE) == err(Errno::NoMem)); // no room
    CHECK(proc0.p_vmspace->vm_map.entry_count() == entries);
}

TEST_CASE("mmap: MAP_FIXED replaces what was mapped there")
{
    MmapWorld mw;
    const uint64_t at = 0x40000000;
    REQUIRE(mw.mmap(at, 2 * PG, RW, MAP_ANON | MAP_PRIVATE | MAP_FIXED) == static_cast<int64_t>(at));
    REQUIRE(suword(at, 5) == Errno::Ok);
    REQUIRE(suword(at + PG, 6) == Errno::Ok);
    REQUIRE(mw.mmap(at + PG, PG, PROT_READ, MAP_ANON | MAP_PRIVATE | MAP_FIXED) ==
            static_cast<int64_t>(at + PG));
    uint64_t v = 0;
    CHECK(fuword(at, &v) == Errno::Ok);
    CHECK(v == 5);                          // untouched
    CHECK(fuword(at + PG, &v) == Errno::Ok);
    CHECK(v == 0);                          // a fresh page
    CHECK(suword(at + PG, 1) == Errno::Fault); // read-only now
    CHECK(proc0.p_vmspace->vm_charged == PG);
}

TEST_CASE("munmap and mprotect: ranges rounded out to pages; EFAULT afterwards where it should be")
{
    MmapWorld mw;
    const int64_t a = mw.mmap(0, 4 * PG, RW, MAP_ANON | MAP_PRIVATE);
    REQUIRE(a > 0);
    for (int i = 0; i < 4; i++) REQUIRE(suword(a + i * PG, i + 1) == Errno::Ok);
    // mprotect the second page (an unaligned start, rounded down).
    CHECK(mw.call(SYS_mprotect, {uint64_t(a) + PG + 12, 10, PROT_READ}) == 0);
    CHECK(suword(a + PG, 9) == Errno::Fault);
    CHECK(suword(a, 9) == Errno::Ok);
    CHECK(proc0.p_vmspace->vm_charged == 3 * PG);
    // munmap the third and fourth: gone, and their charge given back.
    CHECK(mw.call(SYS_munmap, {uint64_t(a) + 2 * PG, 2 * PG}) == 0);
    uint64_t v = 0;
    CHECK(fuword(a + 3 * PG, &v) == Errno::Fault);
    CHECK(fuword(a + PG, &v) == Errno::Ok);
    CHECK(v == 2);
    CHECK(proc0.p_vmspace->vm_charged == PG);
    CHECK(mw.call(SYS_munmap, {uint64_t(a), 0}) == err(Errno::Inval));
    CHECK(mw.call(SYS_munmap, {arch::USER_TOP, PG}) == err(Errno::Inval));
    CHECK(mw.call(SYS_mprotect, {0, PG, PROT_READ}) == err(Errno::Inval)); // page 0 is not user memory
}

TEST_CASE("break: the data segment grows and shrinks; RLIMIT_DATA bounds it")
{
    MmapWorld mw;
    vmspace* vm = proc0.p_vmspace;
    const uint64_t data = 0x1000000;
    CHECK(mw.call(SYS_break, {data + PG}) == err(Errno::Inval)); // no data segment yet
    REQUIRE(vmspace_map_anon(vm, data, PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    vmspace_set_sizes(vm, 0, 1, 0);
    vm->vm_daddr = data;
    CHECK(mw.call(SYS_break, {data + 5 * PG}) == 0);
    CHECK(vm->vm_dsize == 5);
    CHECK(suword(data + 4 * PG, 4) == Errno::Ok);
    CHECK(mw.call(SYS_break, {data + 2 * PG}) == 0);
    uint64_t v = 0;
    CHECK(fuword(data + 4 * PG, &v) == Errno::Fault);
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_DATA, rlimit{int64_t(8 * PG), int64_t(8 * PG)}).ok());
    CHECK(mw.call(SYS_break, {data + 9 * PG}) == err(Errno::NoMem));
    CHECK(mw.call(SYS_break, {data + 8 * PG}) == 0);
    CHECK(vm->vm_dsize == 8);
}

TEST_CASE("munmap, mprotect and mmap: a length within a page of 2^64 is EINVAL, nothing changes")
{
    MmapWorld mw;
    const int64_t a = mw.mmap(0, PG, RW, MAP_ANON | MAP_PRIVATE);
    REQUIRE(a > 0);
    REQUIRE(suword(a, 7) == Errno::Ok);
    const uint64_t ua = static_cast<uint64_t>(a);
    // From inside the page, each of these rounds to exactly that page if
    // the sum is allowed to wrap (from its start, to nothing).
    for (uint64_t len : {UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - (PG - 1), UINT64_MAX - (PG - 2),
                         UINT64_MAX - ua + 1, UINT64_MAX - PG - ua + 2}) {
        CAPTURE(len);
        for (uint64_t at : {ua, ua + 100, ua + PG - 1}) {
            CHECK(mw.call(SYS_munmap, {at, len}) == err(Errno::Inval));
            CHECK(mw.call(SYS_mprotect, {at, len, PROT_READ}) == err(Errno::Inval));
        }
        CHECK(mw.mmap(ua, len, RW, MAP_ANON | MAP_PRIVATE | MAP_FIXED) == err(Errno::Inval));
        CHECK(mw.mmap(0, len, RW, MAP_ANON | MAP_PRIVATE) == err(Errno::Inval));
    }
    // A start near 2^64 with a short length.
    CHECK(mw.call(SYS_munmap, {UINT64_MAX - 10, 100}) == err(Errno::Inval));
    CHECK(mw.call(SYS_mprotect, {UINT64_MAX - PG + 1, PG, PROT_READ}) == err(Errno::Inval));
    uint64_t v = 0;
    CHECK(fuword(a, &v) == Errno::Ok); // still mapped
    CHECK(v == 7);
    CHECK(suword(a, 8) == Errno::Ok);  // still writable
    CHECK(proc0.p_vmspace->vm_charged == PG);
}
