/*
 * riscv_cpu_switch(Context* from, Context* to) (arch::cpu_switch) and the
 * first-run trampoline.
 * The Context layout is arch/riscv/include/arch/context.h's; its offsets
 * (CTX_*) come from there through genassym.
 * gp and tp are the thread's user values (the kernel never writes them):
 * a system call that sleeps returns to user mode without loading them.
 */
#include <assym.h>

    .section .text
    .balign 4
    .globl riscv_cpu_switch
riscv_cpu_switch:
    sd      ra, CTX_RA(a0)
    sd      sp, CTX_SP(a0)
    sd      s0, CTX_S + 0*8(a0)
    sd      s1, CTX_S + 1*8(a0)
    sd      s2, CTX_S + 2*8(a0)
    sd      s3, CTX_S + 3*8(a0)
    sd      s4, CTX_S + 4*8(a0)
    sd      s5, CTX_S + 5*8(a0)
    sd      s6, CTX_S + 6*8(a0)
    sd      s7, CTX_S + 7*8(a0)
    sd      s8, CTX_S + 8*8(a0)
    sd      s9, CTX_S + 9*8(a0)
    sd      s10, CTX_S + 10*8(a0)
    sd      s11, CTX_S + 11*8(a0)
    sd      gp, CTX_GP(a0)
    sd      tp, CTX_TP(a0)
    ld      ra, CTX_RA(a1)
    ld      sp, CTX_SP(a1)
    ld      s0, CTX_S + 0*8(a1)
    ld      s1, CTX_S + 1*8(a1)
    ld      s2, CTX_S + 2*8(a1)
    ld      s3, CTX_S + 3*8(a1)
    ld      s4, CTX_S + 4*8(a1)
    ld      s5, CTX_S + 5*8(a1)
    ld      s6, CTX_S + 6*8(a1)
    ld      s7, CTX_S + 7*8(a1)
    ld      s8, CTX_S + 8*8(a1)
    ld      s9, CTX_S + 9*8(a1)
    ld      s10, CTX_S + 10*8(a1)
    ld      s11, CTX_S + 11*8(a1)
    ld      gp, CTX_GP(a1)
    ld      tp, CTX_TP(a1)
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
