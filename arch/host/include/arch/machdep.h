// The machine seam for host unit tests.  Physical memory is a HostArena
// (arch/host_arena.h) with a fake physical base; phys_to_virt() checks that
// an address lies in the current arena, so a physical address used as a
// pointer, or one outside RAM, fails at once.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <lib/addr.h>
#include <arch/param.h>

namespace arch {

void* phys_to_virt(PhysAddr pa);
PhysAddr virt_to_phys(const void* va);

uint64_t intr_disable();
void intr_restore(uint64_t saved);
void intr_enable();
void cpu_wait();
uint64_t read_time();
void early_putc(char c);

void tlb_flush_page(VirtAddr va, uint16_t asid);
void tlb_flush_asid(uint16_t asid);
void tlb_flush_all();

// One page cleared or copied (memset and memcpy on the host).
void pagezero(void* page);
void pagecopy(const void* from, void* to);

// Address-space switch: satp names the user table whose root is `root`
// with `asid`, or the kernel's own table for PhysAddr() (ASID 0).  With
// flush_all the whole TLB is flushed after the write (a new ASID
// generation, or a hart without ASIDs).
void set_page_table(PhysAddr root, uint16_t asid, bool flush_all);
// The hart's ASID width, as probed at boot (0: none).
unsigned asid_bits();
// Kernel access to user addresses (sstatus.SUM) on or off; the access
// itself may fault, and vmspace_fault resolves that (copyin's path).
void user_access_begin();
void user_access_end();

// Copies between kernel and user memory, the primitives under copyin and
// copyout (mm/copyio.h checks the user range first): with SUM on, a fault
// the VM resolves is retried, one it cannot ends the copy with Fault.
Errno copy_from_user(void* kdst, uint64_t usrc, size_t len);
Errno copy_to_user(uint64_t udst, const void* ksrc, size_t len);
// A NUL-terminated string of at most maxlen bytes, NUL included; *copied
// gets the bytes copied.  NameTooLong when maxlen bytes hold no NUL.
Errno copy_str_from_user(char* kdst, uint64_t usrc, size_t maxlen, size_t* copied);

// The kernel stack the running thread is on: [lo, hi), with an unmapped
// guard page just below lo.  The scheduler calls this on every switch;
// lo = 0 means unknown (no check).  A trap taken in the kernel with sp in
// the guard, or too close above lo to push a trap frame, ends in a panic
// "kernel stack overflow in thread <name>" instead of a double fault.
// name must stay valid while the stack is current.
void set_current_stack(VirtAddr lo, VirtAddr hi, const char* name);
// Runs fn(arg) on the stack whose top (16-byte aligned) is `top`, and
// returns on the caller's stack.  Kernel only: panics on the host.
void call_on_stack(void* top, void (*fn)(void*), void* arg);

void panic_report();
[[noreturn]] void halt(bool failure);

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

} // namespace arch
