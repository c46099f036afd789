/*
 * _start: where exec leaves a program, with sp (and a0) at argc, then
 * argv[], NULL, envp[], NULL, auxv.  Sets gp before any C++ code can use
 * it for gp-relative addressing, aligns the stack for the calling
 * convention, and hands the argument block to __sprig_start.
 */
    .section .text.start, "ax"
    .globl  _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    mv      a0, sp
    andi    sp, sp, -16
    li      ra, 0               /* the outermost frame: backtraces stop here */
    call    __sprig_start
1:  j       1b                  /* __sprig_start does not return */
