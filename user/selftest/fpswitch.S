/*
 * User FP state across context switches and exec.  The boot self-test
 * runs two of these at once.  Each first checks that exec left f0..f31
 * and fcsr zero, then fills f0..f31 with values made from its pid and
 * sets a rounding mode, spins long enough for the clock to switch to the
 * other one several times (reading the time CSR), and checks that every
 * register and fcsr came back.  exit(0) on success; 1: the registers were
 * not clean after exec; 2: a register changed; 3: fcsr changed.
 */
    .section .text
    .globl _start
_start:
    /* clean after exec */
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fmv.x.d t1, f\r
    bnez    t1, not_clean
    .endr
    frcsr   t1
    bnez    t1, not_clean
    li      t0, 20              /* SYS_getpid */
    ecall
    mv      s1, a0
    /* f_i = pid * 2^20 + i, as 64-bit patterns */
    slli    s2, s1, 20
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    addi    t1, s2, \r
    fmv.d.x f\r, t1
    .endr
    andi    s3, s1, 3           /* rounding mode 0..3 */
    addi    s3, s3, 1           /* 1..4: RTZ, RDN, RUP, RMM */
    fsrm    s3
    /* spin for a fifth of a second of timebase (10 MHz on QEMU virt) */
    rdtime  s4
    li      t1, 2000000
    add     s4, s4, t1
1:  rdtime  t1
    bltu    t1, s4, 1b
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    addi    t1, s2, \r
    fmv.x.d t2, f\r
    bne     t1, t2, changed
    .endr
    frrm    t1
    bne     t1, s3, fcsr_changed
    li      a0, 0
    j       out
not_clean:
    li      a0, 1
    j       out
changed:
    li      a0, 2
    j       out
fcsr_changed:
    li      a0, 3
out:
    li      t0, 1               /* SYS_exit */
    ecall
