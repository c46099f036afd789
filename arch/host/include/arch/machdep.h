// What the host tests' machine seam has that the kernel's does not (the
// rest is declared once in kernel/machdep.h).  Physical memory is a HostArena
// (arch/host_arena.h) with a fake physical base; phys_to_virt() checks that
// an address lies in the current arena, so a physical address used as a
// pointer, or one outside RAM, fails at once.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/addr.h>
#include <arch/param.h>

namespace arch {

void* phys_to_virt(PhysAddr pa);
PhysAddr virt_to_phys(const void* va);

uint64_t intr_disable();
void intr_restore(uint64_t saved);
void intr_enable();
// Host only: whether interrupts are "enabled", for tests of the guards.
bool host_intr_enabled();
// Host only: hook() runs every time interrupts go from off to on, with
// them still off, as an interrupt pending all along would be taken there
// (tests/host/test_preempt.cpp).  nullptr: no interrupts.
void host_set_intr_hook(void (*hook)());
// Host only: hook() runs at the start of every copy to or from user
// memory of at least one byte, before any byte moves, as a fault in the
// copy that waits in vmwait for a page would run there; a test's hook
// sleeps, so others run in the middle of the copy's caller
// (tests/host/test_copy_sleep.cpp).  nullptr: copies never sleep.
void host_set_copy_hook(void (*hook)());
// Host only: whether ktrace asked the machine to send every system call
// the whole way (kernel/ktrace/ktr_route.h).
bool host_syscall_route_slow();

} // namespace arch
