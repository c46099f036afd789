/* Kernel-stack overflow detection, shared by trapvec.S and kstack_guard.cpp.
 *
 * On a trap from the kernel, trap_vector compares sp with the current
 * stack's lowest address `lo` (arch::set_current_stack) before it pushes
 * anything: when sp lies in the guard page below lo, or so close above lo
 * that the trap frame and its frame record would reach the guard, pushing
 * would fault again, and again.  It switches to a static emergency stack
 * instead and calls kstack_overflow(), which panics naming the thread.
 *
 * The vector reads kstack_guard_base = lo - KSTACK_GUARD_SIZE (0: no
 * check) and tests  sp - base < KSTACK_CHECK_SPAN  with one unsigned
 * compare, scaled down by 16 to fit sltiu's immediate. */
#pragma once

#define KSTACK_GUARD_SIZE 4096
/* The trap frame (36 * 8: genassym's TF_SIZE) plus the 16-byte frame
 * record trap_vector pushes; a literal, as kstack_guard.cpp reads it too. */
#define KSTACK_TRAP_PUSH (36 * 8 + 16)
#define KSTACK_CHECK_SPAN (KSTACK_GUARD_SIZE + KSTACK_TRAP_PUSH)
#define KSTACK_EMERGENCY_SIZE (16 * 1024)

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <arch/frame.h>

static_assert(KSTACK_TRAP_PUSH == sizeof(arch::TrapFrame) + 16);
static_assert(KSTACK_CHECK_SPAN % 16 == 0 && KSTACK_CHECK_SPAN / 16 < 2048,
              "the span must fit sltiu's immediate once divided by 16");

extern "C" {
/* lo - KSTACK_GUARD_SIZE of the current stack, or 0 (read by trap_vector). */
extern uint64_t kstack_guard_base;
/* The emergency stack (trapvec.S). */
extern char kstack_emergency[], kstack_emergency_top[];
/* Called on the emergency stack with the frame of the overflowing trap. */
[[noreturn]] void kstack_overflow(arch::TrapFrame* tf);
}
#endif
