/*
 * The trap vector (stvec, direct mode).  Saves a full TrapFrame on the
 * kernel stack, calls trap_handler(frame), restores and returns with sret.
 *
 * sscratch tells where the trap came from: 0 while running in the kernel;
 * the kernel stack top of the current thread while in user mode (set on
 * the way out to user space).  Swapping sp with sscratch therefore gives
 * either the kernel stack (from user) or 0 (from the kernel, and then sp
 * is swapped back).
 */
#include <arch/asm.h>

#define TF_SIZE     (36 * 8)
#define TF_SEPC     (32 * 8)
#define TF_SSTATUS  (33 * 8)
#define TF_SCAUSE   (34 * 8)
#define TF_STVAL    (35 * 8)

    .section .text
    .balign 4
    .globl trap_vector
trap_vector:
    csrrw   sp, sscratch, sp
    bnez    sp, 1f
    /* From the kernel: take sp back, sscratch is 0 again. */
    csrrw   sp, sscratch, sp
1:
    addi    sp, sp, -TF_SIZE
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x4, 4*8(sp)
    sd      x5, 5*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
    /* The interrupted sp: sscratch holds it (user) or sp + TF_SIZE (kernel). */
    csrrw   t0, sscratch, zero
    bnez    t0, 2f
    addi    t0, sp, TF_SIZE
2:  sd      t0, 2*8(sp)
    csrr    t0, sepc
    sd      t0, TF_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)
    csrr    t0, scause
    sd      t0, TF_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, TF_STVAL(sp)

    /* A frame record so backtraces walk from the handler into the
     * interrupted code: fp points just above {ra = sepc, fp = old s0}. */
    addi    sp, sp, -16
    ld      t0, 16 + TF_SEPC(sp)
    sd      t0, 8(sp)
    sd      s0, 0(sp)
    addi    s0, sp, 16

    addi    a0, sp, 16
    call    trap_handler
    addi    sp, sp, 16

    .globl trap_return
trap_return:
    ld      t0, TF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, TF_SSTATUS(sp)
    csrw    sstatus, t0
    /* Back to user: sscratch gets this thread's kernel stack top again. */
    andi    t0, t0, SSTATUS_SPP
    bnez    t0, 3f
    addi    t0, sp, TF_SIZE
    csrw    sscratch, t0
3:
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    ld      x2, 2*8(sp)
    sret
