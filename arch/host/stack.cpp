// The kernel-stack seam on the host.  Host threads run on host stacks that
// the simulated MMU never maps, so there is no guard to check: the current
// stack is only remembered; switching to a kernel stack cannot be done.
#include <kernel/machdep.h>
#include <lib/kassert.h>

namespace arch {

void set_current_stack(VirtAddr lo, VirtAddr hi, const char* name)
{
    KASSERT(lo.value() == 0 || lo < hi, "set_current_stack: bad stack %#lx-%#lx", lo.value(),
            hi.value());
    (void)name;
}

void call_on_stack(void*, void (*)(void*), void*)
{
    panic("call_on_stack: not on the host (kernel stacks are simulated addresses)");
}

} // namespace arch
