/*
 * A signal delivered on the way back from a clock interrupt: this
 * program catches SIGUSR1 (a plain handler) and spins without a system
 * call until the handler has run; the boot self-test sends the signal.
 * The handler clobbers s1 and f1, which must be back afterwards.
 * exit(0) on success; 1: no signal within the time limit; 2: s1 or f1
 * not restored; 3: the handler's a0 was not SIGUSR1.
 */
    .section .text
    .globl _start
_start:
    li      a0, 30              /* SIGUSR1 */
    la      a1, act
    li      a2, 0
    li      t0, 416             /* SYS_sigaction */
    ecall
    li      s1, 0x1234
    fmv.d.x f1, s1
    rdtime  s2
    li      t1, 100000000       /* 10 s of QEMU virt's 10 MHz timebase */
    add     s2, s2, t1
1:  la      t0, got
    ld      t0, 0(t0)
    bnez    t0, 2f
    rdtime  t1
    bltu    t1, s2, 1b
    li      a0, 1
    j       out
2:  li      t1, 30
    li      a0, 3
    bne     t0, t1, out
    li      a0, 2
    li      t1, 0x1234
    bne     s1, t1, out
    fmv.x.d t2, f1
    bne     t2, t1, out
    li      a0, 0
out:
    li      t0, 1               /* SYS_exit */
    ecall
handler:
    la      t0, got
    sd      a0, 0(t0)
    li      s1, 0
    fmv.d.x f1, zero
    ret

    .section .data
    .balign 8
act:
    .dword  handler
    .word   0, 0, 0, 0, 0, 0
got:
    .dword  0
