// The kernel's virtual memory layout on Sv39 (see docs/memory.md).
//
//   0x0000_0000_0000_0000 .. 0x0000_003f_ffff_ffff   user (256 GiB)
//   0xffff_ffc0_0000_0000 .. 0xffff_ffdf_ffff_ffff   direct map of RAM (128 GiB)
//   0xffff_ffe0_0000_0000 .. 0xffff_ffe3_ffff_ffff   kernel stacks, with guards
//   0xffff_ffe4_0000_0000 .. 0xffff_ffe7_ffff_ffff   device (MMIO) mappings
//   0xffff_ffff_8000_0000 ..                         kernel image (KERNBASE)
#pragma once

#include <stdint.h>
#include <arch/pte.h>

namespace arch {

inline constexpr uint64_t USER_TOP = uint64_t{1} << (VA_BITS - 1);
inline constexpr uint64_t DMAP_BASE = 0xffffffc000000000;
inline constexpr uint64_t DMAP_SIZE = uint64_t{128} << 30;
inline constexpr uint64_t KSTACK_REGION = 0xffffffe000000000;
inline constexpr uint64_t KSTACK_REGION_SIZE = uint64_t{16} << 30;
inline constexpr uint64_t MMIO_REGION = 0xffffffe400000000;
inline constexpr uint64_t MMIO_REGION_SIZE = uint64_t{16} << 30;
inline constexpr uint64_t KERNBASE = 0xffffffff80000000;

// Kernel images are loaded at a 2 MiB boundary (the booti convention).
inline constexpr uint64_t KERNEL_ALIGN = uint64_t{2} << 20;

} // namespace arch
