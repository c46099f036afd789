/*
 * riscv_cpu_switch(Context* from, Context* to) (arch::cpu_switch) and the
 * first-run trampoline.
 * The Context layout is arch/riscv/include/arch/context.h's:
 *   ra at 0, sp at 8, s0..s11 from 16, gp at 112, tp at 120.
 * gp and tp are the thread's user values (the kernel never writes them):
 * a system call that sleeps returns to user mode without loading them.
 */
    .section .text
    .balign 4
    .globl riscv_cpu_switch
riscv_cpu_switch:
    sd      ra, 0(a0)
    sd      sp, 8(a0)
    sd      s0, 16(a0)
    sd      s1, 24(a0)
    sd      s2, 32(a0)
    sd      s3, 40(a0)
    sd      s4, 48(a0)
    sd      s5, 56(a0)
    sd      s6, 64(a0)
    sd      s7, 72(a0)
    sd      s8, 80(a0)
    sd      s9, 88(a0)
    sd      s10, 96(a0)
    sd      s11, 104(a0)
    sd      gp, 112(a0)
    sd      tp, 120(a0)
    ld      ra, 0(a1)
    ld      sp, 8(a1)
    ld      s0, 16(a1)
    ld      s1, 24(a1)
    ld      s2, 32(a1)
    ld      s3, 40(a1)
    ld      s4, 48(a1)
    ld      s5, 56(a1)
    ld      s6, 64(a1)
    ld      s7, 72(a1)
    ld      s8, 80(a1)
    ld      s9, 88(a1)
    ld      s10, 96(a1)
    ld      s11, 104(a1)
    ld      gp, 112(a1)
    ld      tp, 120(a1)
    ret

/*
 * A new context starts here (context_init puts it in ra): s1 holds the
 * entry function, s2 its argument.  fp is 0 so backtraces end here.
 */
    .globl context_trampoline
context_trampoline:
    mv      fp, zero
    mv      a0, s2
    jalr    s1
    /* entry returned: not allowed. */
    call    context_entry_returned
1:  j       1b
