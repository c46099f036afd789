/*
 * The user-copy primitives under copyin/copyout (arch::copy_from_user,
 * copy_to_user, copy_str_from_user), with fault recovery:
 *
 *   int riscv_copy_user(void *dst, const void *src, size_t len,
 *                       uint64_t *onfault)
 *   int riscv_copy_user_str(char *dst, const void *src, size_t maxlen,
 *                           size_t *copied, uint64_t *onfault)
 *
 * Each stores its recovery address in *onfault (the running thread's
 * md_onfault) and turns SUM on.  A fault the VM resolves is retried by
 * the trap handler; one it cannot resolve resumes at the recovery label
 * with every register as it was at the fault, which returns EFAULT.
 * Byte at a time: simple and enough until a system call copies much.
 */
#include <assym.h>

    .section .text
    .balign 4
    .globl riscv_copy_user
riscv_copy_user:
    la      t0, 3f
    sd      t0, 0(a3)
    li      t1, SSTATUS_SUM
    csrs    sstatus, t1
1:  beqz    a2, 2f
    lbu     t2, 0(a1)
    sb      t2, 0(a0)
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    a2, a2, -1
    j       1b
2:  csrc    sstatus, t1
    sd      zero, 0(a3)
    li      a0, 0
    ret
3:  li      t1, SSTATUS_SUM
    csrc    sstatus, t1
    sd      zero, 0(a3)
    li      a0, EFAULT
    ret

    .balign 4
    .globl riscv_copy_user_str
riscv_copy_user_str:
    la      t0, 4f
    sd      t0, 0(a4)
    li      t1, SSTATUS_SUM
    csrs    sstatus, t1
    li      t3, 0                   /* bytes copied */
1:  beq     t3, a2, 2f
    add     t4, a1, t3
    lbu     t2, 0(t4)
    add     t5, a0, t3
    sb      t2, 0(t5)
    addi    t3, t3, 1
    bnez    t2, 1b
    li      a0, 0
    j       3f
2:  li      a0, ENAMETOOLONG
3:  csrc    sstatus, t1
    sd      zero, 0(a4)
    sd      t3, 0(a3)
    ret
4:  li      t1, SSTATUS_SUM
    csrc    sstatus, t1
    sd      zero, 0(a4)
    sd      t3, 0(a3)
    li      a0, EFAULT
    ret
