/*
 * Tries execve("/bin/nope"), which must fail with ENOENT (t0 = 1,
 * a0 = 2) and return; then execve("/usr/tests/selftest/argc", {"argc", "x"}, NULL),
 * which replaces it: /usr/tests/selftest/argc exits with 40 + 2.  Exits with 1 if the
 * failing call did not fail as it should, or the good one returned.
 */
    .section .text
    .globl _start
_start:
    la      a0, missing
    li      a1, 0
    li      a2, 0
    li      t0, 59              /* SYS_execve */
    ecall
    li      t1, 1
    bne     t0, t1, 1f          /* it must fail ... */
    li      t1, 2
    bne     a0, t1, 1f          /* ... with ENOENT */
    la      a0, path
    la      a1, argv
    li      a2, 0
    li      t0, 59
    ecall                       /* never returns */
1:  li      a0, 1
    li      t0, 1               /* SYS_exit */
    ecall

    .section .rodata
    .balign 8
argv:
    .dword  arg0, arg1, 0
arg0:
    .asciz  "argc"
arg1:
    .asciz  "x"
path:
    .asciz  "/usr/tests/selftest/argc"
missing:
    .asciz  "/bin/nope"
