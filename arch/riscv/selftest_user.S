/*
 * Two tiny user programs for the process self-test (selftest_user.cpp
 * hands them out); the kernel copies them into a user page and runs them
 * in user mode.
 */
    .section .rodata
    .balign 4

/* a0: the first page, a1: how many.  Writes a word into each page (each
 * a first touch: a zero-fill fault), then exits with getpid() & 0xff. */
    .globl selftest_user_touch, selftest_user_touch_end
selftest_user_touch:
    lui     t1, 1
1:  sd      a1, 0(a0)
    add     a0, a0, t1
    addi    a1, a1, -1
    bnez    a1, 1b
    li      t0, 20          /* SYS_getpid */
    ecall
    li      t0, 1           /* SYS_exit(getpid()) */
    ecall
selftest_user_touch_end:

/* Stores to address 8, which nothing maps: the process dies of SIGSEGV. */
    .balign 4
    .globl selftest_user_segv, selftest_user_segv_end
selftest_user_segv:
    li      t2, 8
    sd      t2, 0(t2)
    li      t0, 1
    ecall
selftest_user_segv_end:

/* Spins forever without a system call: only a signal ends it. */
    .balign 4
    .globl selftest_user_spin, selftest_user_spin_end
selftest_user_spin:
1:  j       1b
selftest_user_spin_end:
