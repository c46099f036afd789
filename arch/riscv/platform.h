// What the kernel learns about the machine at boot, all of it from the
// device tree (never from constants): RAM, the firmware's reserved
// regions, the console UART, the PLIC, the timebase, the boot hart's ISA.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/addr.h>

namespace riscv {

enum class UartKind { None, Ns16550a, DwApb, Sifive };

struct Platform {
    static constexpr size_t MAX_RANGES = 32;

    PhysRange ram[MAX_RANGES];
    size_t nram = 0;
    PhysRange reserved[MAX_RANGES]; // /reserved-memory and /memreserve/
    size_t nreserved = 0;
    PhysRange dtb;                  // the blob itself
    PhysRange initrd;               // size 0: none

    const char* bootargs = "";
    const char* isa = "";
    uint64_t timebase_hz = 0;

    struct Uart {
        UartKind kind = UartKind::None;
        const char* compatible = "";
        PhysAddr base;
        uint64_t size = 0;
        uint32_t reg_shift = 0;
        uint32_t reg_io_width = 1;
        uint32_t clock_hz = 0;
        uint32_t irq = 0;
    } uart;

    struct Plic {
        bool present = false;
        PhysAddr base;
        uint64_t size = 0;
        uint32_t ndev = 0;
        uint32_t context = 0; // S-mode context of the boot hart
    } plic;
};

// Reads the device tree at dtb_pa (through the boot direct map); panics
// with the reader's reason when the blob is corrupt or lacks what the
// kernel cannot do without (memory, timebase).
void platform_from_fdt(PhysAddr dtb_pa, uint64_t hartid, Platform& out);

} // namespace riscv
