/*
 * fork, vfork and wait4 from user mode (the boot self-test runs it): the
 * fork child exits 7, the vfork child 5 (at once: it runs on its
 * parent's stack), the parent wait4s for each and exits with
 * 10 * 7 + 5 = 75.  A child is told apart by a1 = 1 (a0 = 0), the parent
 * gets the child's pid in a0 and a1 = 0.  Any other outcome exits with a
 * code below 70 saying which step went wrong.
 */
    .section .text
    .globl _start
_start:
    addi    sp, sp, -16         /* 0(sp): wait4's status word */
    li      t0, 2               /* SYS_fork */
    ecall
    li      a7, 1
    bnez    t0, fail            /* 1: fork failed */
    bnez    a1, fork_child
    li      a7, 2
    blez    a0, fail            /* 2: no pid for the parent */
    jal     reap                /* a0 = the child's exit status */
    li      t1, 10
    mul     s1, a0, t1
    li      t0, 66              /* SYS_vfork */
    ecall
    li      a7, 3
    bnez    t0, fail            /* 3: vfork failed */
    bnez    a1, vfork_child
    jal     reap
    add     a0, s1, a0
    li      t0, 1               /* SYS_exit */
    ecall

/* wait4(a0, sp, 0, NULL) for the child whose pid is in a0; its exit
 * status in a0. */
reap:
    mv      s0, a0
    mv      a1, sp
    li      a2, 0
    li      a3, 0
    li      t0, 7               /* SYS_wait4 */
    ecall
    li      a7, 4
    bnez    t0, fail            /* 4: wait4 failed */
    li      a7, 5
    bne     a0, s0, fail        /* 5: wait4 returned another pid */
    lw      a0, 0(sp)
    srli    a0, a0, 8           /* WEXITSTATUS */
    andi    a0, a0, 0xff
    ret

fork_child:
    li      a7, 6
    bnez    a0, fail            /* 6: the child got a pid, not 0 */
    li      a0, 7
    li      t0, 1
    ecall

vfork_child:
    li      a7, 6
    bnez    a0, fail
    li      a0, 5
    li      t0, 1
    ecall

fail:
    mv      a0, a7
    li      t0, 1
    ecall
