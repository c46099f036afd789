// Device register access.  RISC-V orders I/O accesses only with fences, so
// a read is followed by `fence i,ir` (later reads see the device after it)
// and a write is preceded by `fence w,o` (memory writes the device may
// read land first), the usual pattern for memory-mapped devices.
#pragma once

#include <stdint.h>

namespace arch {

inline uint32_t mmio_read32(const volatile void* addr)
{
    uint32_t v = *static_cast<const volatile uint32_t*>(addr);
    __asm__ volatile("fence i, ir" ::: "memory");
    return v;
}
inline uint8_t mmio_read8(const volatile void* addr)
{
    uint8_t v = *static_cast<const volatile uint8_t*>(addr);
    __asm__ volatile("fence i, ir" ::: "memory");
    return v;
}
inline void mmio_write32(volatile void* addr, uint32_t v)
{
    __asm__ volatile("fence w, o" ::: "memory");
    *static_cast<volatile uint32_t*>(addr) = v;
}
inline void mmio_write8(volatile void* addr, uint8_t v)
{
    __asm__ volatile("fence w, o" ::: "memory");
    *static_cast<volatile uint8_t*>(addr) = v;
}

} // namespace arch
