/*
 * Whole-page clear and copy (arch::pagezero, arch::pagecopy; the MI code
 * calls them as pmap_zero_page / pmap_copy_page, mm/page_copy.h):
 *
 *   void pagezero(void *page)
 *   void pagecopy(const void *from, void *to)
 *
 * Both pages are 4 KiB aligned, so every access is an aligned doubleword
 * (the U74 traps misaligned ones).  Unrolled to 128 bytes a turn: the
 * clear is 32 turns of 16 stores, about 600 instructions; the copy 32
 * turns of 16 loads and 16 stores, about 1,100.  Loads are grouped ahead
 * of their stores so that an in-order core does not wait on each one.
 */
    .section .text
    .balign 4
    .globl pagezero
pagezero:
    li      t0, 4096
    add     t0, a0, t0
1:  sd      zero, 0(a0)
    sd      zero, 8(a0)
    sd      zero, 16(a0)
    sd      zero, 24(a0)
    sd      zero, 32(a0)
    sd      zero, 40(a0)
    sd      zero, 48(a0)
    sd      zero, 56(a0)
    sd      zero, 64(a0)
    sd      zero, 72(a0)
    sd      zero, 80(a0)
    sd      zero, 88(a0)
    sd      zero, 96(a0)
    sd      zero, 104(a0)
    sd      zero, 112(a0)
    sd      zero, 120(a0)
    addi    a0, a0, 128
    bne     a0, t0, 1b
    ret

    .balign 4
    .globl pagecopy
pagecopy:
    li      t0, 4096
    add     t0, a0, t0
1:  ld      a2, 0(a0)
    ld      a3, 8(a0)
    ld      a4, 16(a0)
    ld      a5, 24(a0)
    ld      a6, 32(a0)
    ld      a7, 40(a0)
    ld      t1, 48(a0)
    ld      t2, 56(a0)
    sd      a2, 0(a1)
    sd      a3, 8(a1)
    sd      a4, 16(a1)
    sd      a5, 24(a1)
    sd      a6, 32(a1)
    sd      a7, 40(a1)
    sd      t1, 48(a1)
    sd      t2, 56(a1)
    ld      a2, 64(a0)
    ld      a3, 72(a0)
    ld      a4, 80(a0)
    ld      a5, 88(a0)
    ld      a6, 96(a0)
    ld      a7, 104(a0)
    ld      t1, 112(a0)
    ld      t2, 120(a0)
    sd      a2, 64(a1)
    sd      a3, 72(a1)
    sd      a4, 80(a1)
    sd      a5, 88(a1)
    sd      a6, 96(a1)
    sd      a7, 104(a1)
    sd      t1, 112(a1)
    sd      t2, 120(a1)
    addi    a0, a0, 128
    addi    a1, a1, 128
    bne     a0, t0, 1b
    ret
