/*
 * __sysctl from user mode (the boot self-test runs it): looks up
 * "kern.lastpid" by name ({0, 3}), forks a child (which exits at once),
 * reads kern.lastpid by the number it got and expects the child's pid,
 * then reads it into a 2-byte buffer and expects ENOMEM with the length
 * needed (4).  Exits 50 when all is well, with the failing step's number
 * below 50 otherwise.
 */
    .option norelax         /* no gp: this program never sets it */
    .section .text
    .globl _start
_start:
    /* {0, 3}: name to number. */
    lla     a0, mib_name2oid
    li      a1, 2
    lla     a2, oid
    lla     a3, oidlen
    lla     a4, name
    li      a5, 12              /* strlen("kern.lastpid") */
    li      t0, 202             /* SYS___sysctl */
    ecall
    li      a7, 1
    bnez    t0, fail            /* 1: the lookup failed */
    ld      t1, oidlen
    li      t2, 8
    li      a7, 2
    bne     t1, t2, fail        /* 2: not two ints */

    li      t0, 2               /* SYS_fork */
    ecall
    li      a7, 3
    bnez    t0, fail            /* 3: fork failed */
    bnez    a1, child
    mv      s0, a0
    li      a1, 0
    li      a2, 0
    li      a3, 0
    li      t0, 7               /* SYS_wait4 */
    ecall
    li      a7, 4
    bne     a0, s0, fail        /* 4: wait4 */

    /* kern.lastpid by number. */
    li      t1, 4
    sd      t1, vallen, t2
    lla     a0, oid
    li      a1, 2
    lla     a2, val
    lla     a3, vallen
    li      a4, 0
    li      a5, 0
    li      t0, 202
    ecall
    li      a7, 5
    bnez    t0, fail            /* 5: the read failed */
    lw      t1, val
    li      a7, 6
    bne     t1, s0, fail        /* 6: kern.lastpid is not the child's pid */

    /* A buffer too short: ENOMEM, and the length needed. */
    li      t1, 2
    sd      t1, vallen, t2
    lla     a0, oid
    li      a1, 2
    lla     a2, val
    lla     a3, vallen
    li      a4, 0
    li      a5, 0
    li      t0, 202
    ecall
    li      a7, 7
    beqz    t0, fail            /* 7: no error */
    li      t1, 12
    li      a7, 8
    bne     a0, t1, fail        /* 8: not ENOMEM */
    ld      t1, vallen
    li      t2, 4
    li      a7, 9
    bne     t1, t2, fail        /* 9: not the length needed */

    li      a0, 50
    li      t0, 1               /* SYS_exit */
    ecall

child:
    li      a0, 0
    li      t0, 1
    ecall

fail:
    mv      a0, a7
    li      t0, 1
    ecall

    .section .rodata
    .balign 4
mib_name2oid:
    .word   0, 3
name:
    .ascii  "kern.lastpid"

    .section .data
    .balign 8
oidlen:
    .dword  96
vallen:
    .dword  4
oid:
    .space  96
val:
    .word   0
