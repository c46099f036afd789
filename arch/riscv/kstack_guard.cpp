// Kernel-stack overflow detection (see kstack_guard.h): the seam that tells
// the trap vector which stack the current thread runs on, and the report
// the vector calls on the emergency stack when sp reached the guard.
#include "kstack_guard.h"

#include <kernel/machdep.h>
#include <arch/pte.h>
#include <lib/kassert.h>

#include "backtrace.h"

static_assert(KSTACK_GUARD_SIZE == arch::PAGE_SIZE);

extern "C" {
uint64_t kstack_guard_base = 0;
void riscv_call_on_stack(void* top, void (*fn)(void*), void* arg); // call_on_stack.S
}

namespace {
uint64_t g_lo = 0;
uint64_t g_hi = 0;
const char* g_name = nullptr;
} // namespace

namespace arch {

void set_current_stack(VirtAddr lo, VirtAddr hi, const char* name)
{
    const bool off = lo.value() == 0;
    KASSERT(off || (lo < hi && lo.is_aligned(PAGE_SIZE) && lo.value() > KSTACK_GUARD_SIZE),
            "set_current_stack: bad stack %#lx-%#lx", lo.value(), hi.value());
    // The vector reads only the base; turn the check off while the rest
    // changes, so a trap in between never pairs a base with another name.
    const uint64_t s = intr_disable();
    kstack_guard_base = 0;
    g_lo = lo.value();
    g_hi = hi.value();
    g_name = name;
    __asm__ volatile("" ::: "memory");
    kstack_guard_base = off ? 0 : lo.value() - KSTACK_GUARD_SIZE;
    intr_restore(s);
}

void call_on_stack(void* top, void (*fn)(void*), void* arg)
{
    KASSERT((reinterpret_cast<uint64_t>(top) & 15) == 0, "call_on_stack: top %p not aligned",
            top);
    riscv_call_on_stack(top, fn, arg);
}

} // namespace arch

// On the emergency stack, from trap_vector: tf holds the registers of the
// trap that found sp in the guard (tf->x[2] is that sp).
extern "C" [[noreturn]] void kstack_overflow(arch::TrapFrame* tf)
{
    // A fault while reporting must take the ordinary path (on this stack),
    // not come back here.
    kstack_guard_base = 0;
    riscv::set_panic_frame(tf);
    panic("kernel stack overflow in thread %s: sp %#lx, stack %#lx-%#lx",
          g_name ? g_name : "(unnamed)", tf->x[2], g_lo, g_hi);
}
