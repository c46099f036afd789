// The machine seam: what machine-independent code (kernel/, mm/,
// drivers/) calls in arch/, declared once; each machine defines it
// (arch/riscv for the kernel, arch/host for the host tests).
// <arch/machdep.h>, included here, holds only what differs between them:
// the direct map and the interrupt enable state (inline on RISC-V, where
// every sleep and critical section pays for them) and the host's test
// hooks.  The thread half of the seam (cpu_fork and friends) is
// kernel/proc/vm_machdep.h, the signal half kernel/proc/sig_machdep.h,
// the self-test's user programs kernel/debug/selftest_user.h.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <arch/machdep.h>
#include <lib/addr.h>

namespace arch {

// Wait for an interrupt (wfi); returns after one arrived.
void cpu_wait();

// Time since boot in timebase ticks (the `time` CSR).
uint64_t read_time();

// Output of last resort: the SBI console, which works before any driver.
void early_putc(char c);

// TLB shootdown on this hart (sfence.vma).  ASID 0 is the kernel's: a
// flush naming it also drops global entries (the kernel's mappings).
void tlb_flush_page(VirtAddr va, uint16_t asid);
void tlb_flush_asid(uint16_t asid);
void tlb_flush_all();

// One page (4 KiB, page aligned) cleared or copied: on RISC-V unrolled
// aligned 64-bit stores and loads (arch/riscv/pagecopy.S), about 515 and
// 1,040 instructions; memset and memcpy on the host.  The MI code calls
// them through mm/page_copy.h.
extern "C" void pagezero(void* page);
extern "C" void pagecopy(const void* from, void* to);

// Makes instructions the kernel just wrote into memory visible to
// instruction fetch (fence.i), before user code runs them.
void sync_icache();

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

// After the panic message: registers and backtrace of the panicking context.
void panic_report();
// Power off (SBI system reset), or halt in wfi where that is not possible.
[[noreturn]] void halt(bool failure);

} // namespace arch
