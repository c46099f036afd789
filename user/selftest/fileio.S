/*
 * The file system calls from user mode (the boot self-test runs it with
 * the console as descriptors 0, 1 and 2): a line through write(1); a
 * pipe (FreeBSD 8's pipe: both descriptors in a0/a1) carrying two bytes,
 * then end of file once its write end is closed; an initrd file opened,
 * read ("\177ELF": this very program) and its offset asked with lseek; a
 * missing path refused with ENOENT.  Exits 0, or the number of the step
 * that went wrong.  No C library.
 */
    .section .rodata
msg:
    .ascii  "fileio: hello through write(1)\n"
    .set    msg_len, . - msg
ab:
    .ascii  "ab"
path:
    .asciz  "/usr/tests/selftest/fileio"
missing:
    .asciz  "/no/such/file"

    .section .text
    .globl _start
_start:
    addi    sp, sp, -16         /* a buffer */

    li      s0, 1               /* write(1, msg, msg_len) == msg_len */
    li      a0, 1
    la      a1, msg
    li      a2, msg_len
    li      t0, 4               /* SYS_write */
    ecall
    bnez    t0, fail
    li      t1, msg_len
    bne     a0, t1, fail

    li      s0, 2               /* pipe(): read end in a0, write end in a1 */
    li      t0, 42              /* SYS_pipe */
    ecall
    bnez    t0, fail
    mv      s1, a0
    mv      s2, a1

    li      s0, 3               /* write(w, "ab", 2) */
    mv      a0, s2
    la      a1, ab
    li      a2, 2
    li      t0, 4
    ecall
    bnez    t0, fail

    li      s0, 4               /* read(r, buf, 16) == 2, "ab" */
    mv      a0, s1
    mv      a1, sp
    li      a2, 16
    li      t0, 3               /* SYS_read */
    ecall
    bnez    t0, fail
    li      t1, 2
    bne     a0, t1, fail
    lhu     t1, 0(sp)
    li      t2, 0x6261          /* "ab", little-endian */
    bne     t1, t2, fail

    li      s0, 5               /* close(w); read(r) == 0: end of file */
    mv      a0, s2
    li      t0, 6               /* SYS_close */
    ecall
    bnez    t0, fail
    mv      a0, s1
    mv      a1, sp
    li      a2, 16
    li      t0, 3
    ecall
    bnez    t0, fail
    bnez    a0, fail

    li      s0, 6               /* open("/usr/tests/selftest/fileio", O_RDONLY) */
    la      a0, path
    li      a1, 0
    li      a2, 0
    li      t0, 5               /* SYS_open */
    ecall
    bnez    t0, fail
    mv      s3, a0

    li      s0, 7               /* read(fd, buf, 4) == 4, "\177ELF" */
    mv      a0, s3
    mv      a1, sp
    li      a2, 4
    li      t0, 3
    ecall
    bnez    t0, fail
    li      t1, 4
    bne     a0, t1, fail
    lw      t1, 0(sp)
    li      t2, 0x464c457f
    bne     t1, t2, fail

    li      s0, 8               /* lseek(fd, 0, SEEK_CUR) == 4 */
    mv      a0, s3
    li      a1, 0
    li      a2, 1
    li      t0, 478             /* SYS_lseek */
    ecall
    bnez    t0, fail
    li      t1, 4
    bne     a0, t1, fail

    li      s0, 9               /* open of a missing path: t0 = 1, a0 = ENOENT */
    la      a0, missing
    li      a1, 0
    li      a2, 0
    li      t0, 5
    ecall
    li      t1, 1
    bne     t0, t1, fail
    li      t1, 2
    bne     a0, t1, fail

    li      a0, 0
    li      t0, 1               /* SYS_exit */
    ecall

fail:
    mv      a0, s0
    li      t0, 1
    ecall
