/*
 * riscv_enter_user(TrapFrame *frame): leaves the kernel for user mode
 * through trap_return with the frame at the top of the running thread's
 * kernel stack (where trap entry from user mode will push the next one).
 * Interrupts must be off; sret turns them back on from SPIE.
 */
    .section .text
    .balign 4
    .globl riscv_enter_user
riscv_enter_user:
    mv      sp, a0
    j       trap_return
