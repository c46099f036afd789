// Host tests drive drivers against plain memory posing as registers.
#pragma once

#include <stdint.h>

namespace arch {

inline uint32_t mmio_read32(const volatile void* a) { return *static_cast<const volatile uint32_t*>(a); }
inline uint8_t mmio_read8(const volatile void* a) { return *static_cast<const volatile uint8_t*>(a); }
inline void mmio_write32(volatile void* a, uint32_t v) { *static_cast<volatile uint32_t*>(a) = v; }
inline void mmio_write8(volatile void* a, uint8_t v) { *static_cast<volatile uint8_t*>(a) = v; }

} // namespace arch
