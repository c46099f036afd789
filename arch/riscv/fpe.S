/*
 * fpe_store(FpState *) and fpe_load(const FpState *): the user FP
 * registers to and from a save area (arch/fpe.h's FpState; FP_F and
 * FP_FCSR come from there through genassym).  The kernel runs with sstatus.FS = Off, so each turns FP
 * access on around the copy and off again.  Interrupts must be off: a
 * switch in the middle would change whose registers these are.
 */
#include <assym.h>

    .section .text
    .balign 4
    .globl fpe_store
fpe_store:
    li      t0, SSTATUS_FS
    csrs    sstatus, t0
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fsd     f\r, FP_F + \r*8(a0)
    .endr
    frcsr   t1
    sd      t1, FP_FCSR(a0)
    csrc    sstatus, t0
    ret

    .globl fpe_load
fpe_load:
    li      t0, SSTATUS_FS
    csrs    sstatus, t0
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fld     f\r, FP_F + \r*8(a0)
    .endr
    ld      t1, FP_FCSR(a0)
    fscsr   t1
    csrc    sstatus, t0
    ret
