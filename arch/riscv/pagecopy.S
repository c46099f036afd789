/*
 * Whole-page clear and copy (arch::pagezero, arch::pagecopy; the MI code
 * calls them as pmap_zero_page / pmap_copy_page, mm/page_copy.h):
 *
 *   void pagezero(void *page)
 *   void pagecopy(const void *from, void *to)
 *
 * Both pages are 4 KiB aligned, so every access is an aligned doubleword
 * (the U74 traps misaligned ones).  Unrolled to 512 bytes a turn, so the
 * loop's own add-add-branch is paid 8 times a page instead of 32: the
 * clear is 8 turns of 64 stores, about 530 instructions; the copy 8 turns
 * of 64 loads and 64 stores, about 1,050.  Loads are grouped eight ahead
 * of their stores so that an in-order core does not wait on each one.
 * Every offset stays below 512, well inside a 12-bit immediate.
 */

    /* Eight doubleword stores of zero at off .. off+56 from a0. */
    .macro ZERO64 off
    sd      zero, \off+0(a0)
    sd      zero, \off+8(a0)
    sd      zero, \off+16(a0)
    sd      zero, \off+24(a0)
    sd      zero, \off+32(a0)
    sd      zero, \off+40(a0)
    sd      zero, \off+48(a0)
    sd      zero, \off+56(a0)
    .endm

    /* 64 bytes at off from a0 to a1: eight loads, then eight stores. */
    .macro COPY64 off
    ld      a2, \off+0(a0)
    ld      a3, \off+8(a0)
    ld      a4, \off+16(a0)
    ld      a5, \off+24(a0)
    ld      a6, \off+32(a0)
    ld      a7, \off+40(a0)
    ld      t1, \off+48(a0)
    ld      t2, \off+56(a0)
    sd      a2, \off+0(a1)
    sd      a3, \off+8(a1)
    sd      a4, \off+16(a1)
    sd      a5, \off+24(a1)
    sd      a6, \off+32(a1)
    sd      a7, \off+40(a1)
    sd      t1, \off+48(a1)
    sd      t2, \off+56(a1)
    .endm

    .section .text
    .balign 4
    .globl pagezero
pagezero:
    li      t0, 4096
    add     t0, a0, t0
1:
    .irp off, 0, 64, 128, 192, 256, 320, 384, 448
    ZERO64  \off
    .endr
    addi    a0, a0, 512
    bne     a0, t0, 1b
    ret

    .balign 4
    .globl pagecopy
pagecopy:
    li      t0, 4096
    add     t0, a0, t0
1:
    .irp off, 0, 64, 128, 192, 256, 320, 384, 448
    COPY64  \off
    .endr
    addi    a0, a0, 512
    addi    a1, a1, 512
    bne     a0, t0, 1b
    ret
