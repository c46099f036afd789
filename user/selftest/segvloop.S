/*
 * A fault whose signal is blocked must not fault forever (FreeBSD's
 * trapsignal rule): this program catches SIGSEGV, blocks it, and stores
 * to address 0.  The kernel resets the action to the default and
 * unblocks it, so the process dies of SIGSEGV; the boot self-test checks
 * the status.  Exits 1 should the store ever return.
 */
    .section .text
    .globl _start
_start:
    li      a0, 11              /* SIGSEGV */
    la      a1, act
    li      a2, 0
    li      t0, 416             /* SYS_sigaction */
    ecall
    li      a0, 1               /* SIG_BLOCK */
    la      a1, set
    li      a2, 0
    li      t0, 340             /* SYS_sigprocmask */
    ecall
    sd      zero, 0(zero)
    li      a0, 1
    li      t0, 1               /* SYS_exit */
    ecall
handler:
    ret

    .section .data
    .balign 8
act:
    .dword  handler
    .word   0, 0, 0, 0, 0, 0
set:
    .word   1 << 10, 0, 0, 0
