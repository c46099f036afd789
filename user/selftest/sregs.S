/*
 * The callee-saved registers s0..s11 across system calls (the boot
 * self-test runs it and wants exit(0); any other status names the step
 * that failed).  The kernel's short way back from a call does not load
 * s1..s11 from the trap frame (the C code kept them in the CPU), and fork
 * copies the frame into the child: every way back must give user mode its
 * own values, checked here after
 *   1-3. a call on the short way (getppid), and one that fails (ENOSYS);
 *   4-6. calls that switch away and back: sched_yield, nanosleep;
 *   7-10. fork: the child (step 30) and the parent, before and after wait4;
 *   11-14. vfork: the child (31) on the parent's stack, the parent after;
 *   15-18. rfork(RFPROC | RFMEM): the child (32), the parent.
 * A child's failing step comes back as the parent's exit status.
 * Signal delivery and sigreturn keep them too: sigtest.S checks that.
 */
    .option norelax         /* no gp: this program never sets it */

#define SYS_exit        1
#define SYS_fork        2
#define SYS_wait4       7
#define SYS_getppid     39
#define SYS_vfork       66
#define SYS_nanosleep   240
#define SYS_rfork       251
#define SYS_sched_yield 331
#define NO_SUCH_CALL    9999
#define RFPROC          (1 << 4)
#define RFMEM           (1 << 5)

/* A value of its own in each of s0 (x8), s1 (x9) and s2..s11 (x18..x27),
 * with bits above 32 set. */
#define SVAL(r)         (0x5e5e00000000 + 0x101 * (r))

.macro SET_S
    .irp r, 8,9,18,19,20,21,22,23,24,25,26,27
    li      x\r, SVAL(\r)
    .endr
.endm

/* Exits with step unless every s register holds its value. */
.macro CHECK_S step
    li      a7, \step
    .irp r, 8,9,18,19,20,21,22,23,24,25,26,27
    li      t1, SVAL(\r)
    bne     x\r, t1, fail
    .endr
.endm

    .section .text
    .globl _start
_start:
    addi    sp, sp, -32         /* 0(sp): a timespec; 16(sp): wait4's status */
    SET_S
    li      t0, SYS_getppid
    ecall
    CHECK_S 1
    li      t0, NO_SUCH_CALL
    ecall
    li      a7, 2
    beqz    t0, fail            /* 2: an unknown call succeeded */
    CHECK_S 3
    li      t0, SYS_sched_yield
    ecall
    CHECK_S 4
    sd      zero, 0(sp)         /* 2 ms */
    li      t1, 2000000
    sd      t1, 8(sp)
    mv      a0, sp
    li      a1, 0
    li      t0, SYS_nanosleep
    ecall
    li      a7, 5
    bnez    t0, fail            /* 5: nanosleep failed */
    CHECK_S 6

    li      t0, SYS_fork
    ecall
    li      a7, 7
    bnez    t0, fail            /* 7: fork failed */
    bnez    a1, fork_child
    CHECK_S 8
    jal     reap
    CHECK_S 10

    li      t0, SYS_vfork
    ecall
    li      a7, 11
    bnez    t0, fail            /* 11: vfork failed */
    bnez    a1, vfork_child
    CHECK_S 12
    jal     reap
    CHECK_S 14

    li      a0, RFPROC | RFMEM
    li      t0, SYS_rfork
    ecall
    li      a7, 15
    bnez    t0, fail            /* 15: rfork failed */
    bnez    a1, rfork_child
    CHECK_S 16
    jal     reap
    CHECK_S 18

    li      a0, 0
    li      t0, SYS_exit
    ecall

/* wait4(a0, 16(sp), 0, NULL); a child that did not exit 0 ends this
 * program with the child's status (its failing step), a failed wait4
 * with step 9. */
reap:
    mv      t2, a0
    addi    a1, sp, 16
    li      a2, 0
    li      a3, 0
    li      t0, SYS_wait4
    ecall
    li      a7, 9
    bnez    t0, fail
    bne     a0, t2, fail
    lw      a7, 16(sp)
    bnez    a7, fail            /* the child's W_EXITCODE: exit(step) */
    ret

/* The children use no stack: vfork's and rfork's share the parent's. */
fork_child:
    CHECK_S 30
    j       exit0
vfork_child:
    CHECK_S 31
    j       exit0
rfork_child:
    CHECK_S 32
exit0:
    li      a0, 0
    li      t0, SYS_exit
    ecall

fail:
    andi    a0, a7, 0xff
    bnez    a0, 1f
    srli    a0, a7, 8           /* a child's exit status: its step */
1:  li      t0, SYS_exit
    ecall
