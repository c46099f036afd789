// Loading a checked program into a fresh address space: the text and data
// bytes where the headers say, the bss zero, the protections enforced
// through the MMU simulator, the data segment charged and the sizes
// recorded; every allocation failure leaves nothing mapped or charged.
#include "elf_test_util.h"
#include "proc_test_util.h"

#include <arch/mmu_sim.h>
#include <kernel/exec/elf_load.h>
#include <mm/copyio.h>
#include <mm/vmspace.h>

using namespace proctest;
using elftest::ElfBuilder;

namespace {

// proc0 runs in `vm` while alive (as exec swaps the space of its caller).
struct InSpace {
    vmspace* saved = proc0.p_vmspace;
    explicit InSpace(vmspace* vm)
    {
        proc0.p_vmspace = vm;
        vmspace_activate(vm);
    }
    ~InSpace()
    {
        vmspace_activate(nullptr);
        proc0.p_vmspace = saved;
    }
    InSpace(const InSpace&) = delete;
    InSpace& operator=(const InSpace&) = delete;
};

} // namespace

TEST_CASE("elf_load: segments land where the headers say, with their protections and charge")
{
    ProcWorld w;
    MmuSim sim;
    const std::string f = ElfBuilder().bytes();
    const ElfImage img = elf_parse(f.data(), f.size()).value();
    vmspace* vm = vmspace_alloc(proc_zones().vmspaces, kernel_commit()).value();
    REQUIRE(elf_load(vm, f.data(), f.size(), img).ok());
    CHECK(vm->vm_map.entry_count() == 2);
    CHECK(vm->vm_charged == PG); // the data page, bss included
    CHECK(vm->vm_tsize == 1);
    CHECK(vm->vm_dsize == 1);
    CHECK(vm->vm_daddr == 0x12000);
    {
        InSpace in(vm);
        std::string text(0x200, '\0'), data(0x80, '\0'), bss(0x1000 - 0x80, 'x');
        REQUIRE(copyin(0x10000, text.data(), text.size()) == Errno::Ok);
        CHECK(text == f.substr(0x1000, 0x200));
        REQUIRE(copyin(0x12000, data.data(), data.size()) == Errno::Ok);
        CHECK(data == f.substr(0x1200, 0x80));
        REQUIRE(copyin(0x12080, bss.data(), bss.size()) == Errno::Ok);
        CHECK(bss == std::string(bss.size(), '\0'));
        CHECK(suword(0x10000, 1) == Errno::Fault); // text is not writable
        CHECK(suword(0x12ff8, 1) == Errno::Ok);    // data is
        uint64_t v = 0;
        CHECK(fuword(0x11000, &v) == Errno::Fault); // nothing between them
    }
    vmspace_free(vm);
}

TEST_CASE("elf_load: every allocation failure leaves the space empty and uncharged")
{
    ProcWorld w;
    const std::string f = ElfBuilder().bytes();
    const ElfImage img = elf_parse(f.data(), f.size()).value();
    vmspace* vm = vmspace_alloc(proc_zones().vmspaces, kernel_commit()).value();
    long failures = 0;
    for (long n = 0;; n++) {
        proc_zones().drain();
        w.pages.fail_after(n);
        Result<void> r = elf_load(vm, f.data(), f.size(), img);
        w.pages.fail_after(-1);
        if (r.ok()) break;
        failures++;
        CHECK(r.error() == Errno::NoMem);
        CHECK(vm->vm_map.entry_count() == 0);
        CHECK(vm->vm_charged == 0);
        CHECK(proc_zones().vmspaces.objects.objects_in_use() == 0);
        REQUIRE(n < 30);
    }
    CHECK(failures > 2);
    // Strict accounting with no room for the data page: refused, undone.
    vmspace* vm2 = vmspace_alloc(proc_zones().vmspaces, kernel_commit()).value();
    kernel_commit().set_strict(true);
    kernel_commit().set_limit(kernel_commit().reserved());
    CHECK(elf_load(vm2, f.data(), f.size(), img).error() == Errno::NoMem);
    CHECK(vm2->vm_map.entry_count() == 0);
    kernel_commit().set_strict(false);
    kernel_commit().set_limit(0);
    vmspace_free(vm2);
    vmspace_free(vm);
}
