/*
 * Whole-page clear and copy (arch::pagezero, arch::pagecopy; the MI code
 * calls them as pmap_zero_page / pmap_copy_page, mm/page_copy.h):
 *
 *   void pagezero(void *page)
 *   void pagecopy(const void *from, void *to)
 *
 * Both pages are 4 KiB aligned, so every access is an aligned doubleword
 * (the U74 traps misaligned ones).  The clear is 512 stores in a row from
 * the page's middle, 515 instructions: it is most of a zero-fill fault,
 * and a loop would add two a turn for nothing (2 KiB of code).  The copy is
 * unrolled to 1 KiB a turn, 4 turns of 128 loads and 128 stores, about
 * 1,040 instructions; each offset stays inside a 12-bit immediate.
 * Loads are grouped eight ahead of their stores so that an in-order core
 * does not wait on each one.
 */

    /* Eight doubleword stores of zero at off .. off+56 from base. */
    .macro ZERO64 off, base
    sd      zero, \off+0(\base)
    sd      zero, \off+8(\base)
    sd      zero, \off+16(\base)
    sd      zero, \off+24(\base)
    sd      zero, \off+32(\base)
    sd      zero, \off+40(\base)
    sd      zero, \off+48(\base)
    sd      zero, \off+56(\base)
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
    /* a1 = the page's middle, so that every offset fits in 12 bits. */
    addi    a1, a0, 2047
    addi    a1, a1, 1
    .irp off, -2048,-1984,-1920,-1856,-1792,-1728,-1664,-1600,-1536,-1472,-1408,-1344,-1280,-1216,-1152,-1088,-1024,-960,-896,-832,-768,-704,-640,-576,-512,-448,-384,-320,-256,-192,-128,-64
    ZERO64  \off, a1
    .endr
    .irp off, 0,64,128,192,256,320,384,448,512,576,640,704,768,832,896,960,1024,1088,1152,1216,1280,1344,1408,1472,1536,1600,1664,1728,1792,1856,1920,1984
    ZERO64  \off, a1
    .endr
    ret

    .balign 4
    .globl pagecopy
pagecopy:
    li      t0, 4096
    add     t0, a0, t0
1:
    .irp off, 0,64,128,192,256,320,384,448,512,576,640,704,768,832,896,960
    COPY64  \off
    .endr
    addi    a0, a0, 1024
    addi    a1, a1, 1024
    bne     a0, t0, 1b
    ret
