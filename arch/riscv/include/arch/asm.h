/* Constants shared by assembly and C++ (kept in step by static_asserts in
 * arch/riscv/asm_check.cpp). */
#pragma once

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_A 0x40
#define PTE_D 0x80

#define SSTATUS_SIE 0x2
#define SSTATUS_SPP 0x100
#define SSTATUS_FS 0x6000
#define SSTATUS_SUM 0x40000

#define SATP_MODE_SV39 (8 << 60)
#define KERNBASE 0xffffffff80000000

#define BOOT_STACK_SIZE (16 * 1024)
