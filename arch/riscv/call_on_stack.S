/*
 * riscv_call_on_stack(void* top, void (*fn)(void*), void* arg)
 * (arch::call_on_stack)
 *
 * Runs fn(arg) with sp = top and returns on the caller's stack.  The new
 * stack starts with a frame record {ra, s0} and the caller's sp, so that
 * backtraces walk from fn back into the caller's stack.
 */
    .section .text
    .balign 4
    .globl riscv_call_on_stack
riscv_call_on_stack:
    andi    a0, a0, -16
    addi    a0, a0, -32
    sd      ra, 24(a0)
    sd      s0, 16(a0)
    sd      sp, 8(a0)
    mv      sp, a0
    addi    s0, sp, 32
    mv      t0, a1
    mv      a0, a2
    jalr    t0
    ld      ra, 24(sp)
    ld      s0, 16(sp)
    ld      sp, 8(sp)
    ret
