/*
 * Kernel entry from OpenSBI (or U-Boot's booti): S-mode, MMU off,
 * a0 = hart id, a1 = physical address of the device tree.
 *
 * The image may sit at any 2 MiB-aligned physical address, so this code
 * uses only PC-relative addressing until paging is on.  It builds a
 * throw-away boot page table in .bss:
 *   - an identity gigapage over the load address (to survive turning the
 *     MMU on),
 *   - the direct map of the first 128 GiB of physical space as gigapages
 *     (so C++ can read the device tree and allocate memory through
 *     arch::phys_to_virt before the real tables exist),
 *   - KERNBASE -> load address in 2 MiB pages.
 * These boot mappings are RWX; init_riscv() replaces them with the real
 * kernel table (per-section permissions) before doing anything else.
 */
#include <assym.h>

/* The boot stack, for this file alone. */
#define BOOT_STACK_SIZE (16 * 1024)

    .section .text.boot, "ax"
    .globl _start
_start:
    /* The RISC-V boot image header (Linux's Documentation/riscv/boot-image-header),
     * which U-Boot's booti checks.  code0/code1 jump over it.  The jump must
     * be a full 4-byte one: a compressed c.j would shift every field below
     * off its offset (tools/check_image_header.py checks them in the build). */
    .option push
    .option norvc
    j       real_start                  /* code0 */
    .option pop
    .word   0                           /* code1 */
    .dword  0x200000                    /* text_offset */
    .dword  _image_size                 /* image_size, .bss included */
    .dword  0                           /* flags: little endian */
    .word   2                           /* version 0.2 */
    .word   0
    .dword  0
    .ascii  "RISCV\0\0\0"               /* magic (deprecated) */
    .ascii  "RSC\x05"                   /* magic2 */
    .word   0

real_start:
    csrw    sie, zero
    csrw    sip, zero
    /* The kernel never uses the FPU: with FS = Off a stray FP instruction traps. */
    li      t0, SSTATUS_FS | SSTATUS_SUM
    csrc    sstatus, t0
    mv      s0, a0                      /* hart id */
    mv      s1, a1                      /* device tree (physical) */
    lla     s2, _start                  /* where we were loaded */

    /* Clear .bss (physical addresses: the MMU is off). */
    lla     t0, _sbss
    lla     t1, _ebss
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    lla     s3, boot_pt_root

    /* Identity gigapage over the load address. */
    srli    t0, s2, 30
    slli    t1, t0, 3
    add     t1, s3, t1
    slli    t2, t0, 28                  /* PPN(gig << 30) << 10 */
    ori     t2, t2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    sd      t2, 0(t1)

    /* Direct map: root[256 + i] = gigapage i, i = 0 .. 127. */
    li      t0, 0
    li      t3, 128
    li      t1, 256 * 8
    add     t1, s3, t1
3:  slli    t2, t0, 28
    ori     t2, t2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    sd      t2, 0(t1)
    addi    t0, t0, 1
    addi    t1, t1, 8
    bltu    t0, t3, 3b

    /* root[510] -> boot_pt_kernel, whose entries map KERNBASE + i * 2 MiB
     * to load + i * 2 MiB for the whole image (up to 1 GiB). */
    lla     t0, boot_pt_kernel
    srli    t1, t0, 12
    slli    t1, t1, 10
    ori     t1, t1, PTE_V
    li      t2, 510 * 8
    add     t2, s3, t2
    sd      t1, 0(t2)
    lla     t4, _end
    sub     t4, t4, s2                  /* image size in bytes */
    li      t5, 0x200000
    add     t4, t4, t5
    addi    t4, t4, -1
    srli    t4, t4, 21                  /* number of 2 MiB pages */
    li      t3, 0
    mv      t1, t0
4:  slli    t2, t3, 21
    add     t2, t2, s2
    srli    t2, t2, 12
    slli    t2, t2, 10
    ori     t2, t2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    sd      t2, 0(t1)
    addi    t3, t3, 1
    addi    t1, t1, 8
    bltu    t3, t4, 4b

    /* Paging on. */
    srli    t0, s3, 12
    li      t1, SATP_MODE_SV39
    or      t0, t0, t1
    sfence.vma
    csrw    satp, t0
    sfence.vma

    /* Jump to the same code at its linked (high) address. */
    lla     t0, 5f
    sub     t0, t0, s2
    li      t1, KERNBASE
    add     t0, t0, t1
    jr      t0
5:
    lla     sp, boot_stack_top          /* now a high address */
    csrw    sscratch, zero              /* "in the kernel" for the trap vector */
    mv      a0, s0
    mv      a1, s1
    mv      a2, s2
    mv      fp, zero                    /* ends backtraces (fp is s0: last) */
    call    init_riscv
6:  wfi
    j       6b

    .section .bss
    .balign 4096
    .globl boot_pt_root, boot_stack, boot_stack_top
boot_pt_root:
    .space  4096
boot_pt_kernel:
    .space  4096
boot_stack:
    .space  BOOT_STACK_SIZE
boot_stack_top:
