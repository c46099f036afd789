// The 16550 family of UARTs: QEMU's ns16550a and the Synopsys DesignWare
// APB UART (snps,dw-apb-uart) of the StarFive boards.
//
// Registers are numbered as on the 16550 and sit at index << reg-shift,
// accessed reg-io-width bytes at a time (both from the device tree).  The
// firmware has already set the line (baud, 8N1): this driver never writes
// LCR or the divisor latch, since the DesignWare UART ignores LCR writes
// while busy (see docs/visionfive2.md) and QEMU does not care.  It only transmits by
// polling, and hands received characters from its interrupt to the
// receive callback the configuration names.
#pragma once

#include <drivers/console_uart.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <stddef.h>
#include <stdint.h>

struct Ns16550Stats : ConsoleUartStats {
    uint64_t busy_detect = 0; // DesignWare busy-detect interrupts cleared
};

class Ns16550 final : public ConsoleUart<Ns16550, Ns16550Stats> {
public:
    enum class Kind {
        Ns16550a, // "ns16550a", "ns16550"
        DwApb,    // "snps,dw-apb-uart": adds the USR register and busy detect
    };

    struct Config {
        volatile void* base = nullptr; // the mapped register block
        Kind kind = Kind::Ns16550a;
        uint32_t reg_shift = 0;    // reg-shift (default 0)
        uint32_t reg_io_width = 1; // reg-io-width: 1 or 4
        uint32_t clock_hz = 0;     // clock-frequency, informational only
        PhysAddr phys{};           // for the name; 0 leaves the address out
        ConsoleRx rx = nullptr;    // takes received characters
    };

    // The kind for a device-tree compatible string, or Errno::NoDev.
    static Result<Kind> kind_for(const char* compatible);

    // Checks the configuration, enables the FIFOs and the receive interrupt
    // and nothing else.  Errno::Inval: no base, reg-io-width not 1 or 4,
    // reg-shift above 4, or a base not aligned to the width.  Errno::Io:
    // the firmware left the divisor latch selected (LCR.DLAB), so IER is
    // not reachable without writing LCR.  The name is "ns16550a@0x..." or
    // "dw-apb-uart@0x...".
    Result<void> init(const Config& cfg);

    // Sends one byte as it is (no newline translation).  Polls LSR.THRE.
    void putc(char c);

    // The receive interrupt: clears a DesignWare busy detect, then passes
    // every waiting character to the receive callback.  Called with interrupts off.
    void intr();

private:
    // 16550 register indexes (before reg-shift).  DLL/DLM alias RBR/IER
    // only while LCR.DLAB is set, which this driver never does.
    enum class Reg : uint32_t {
        RbrThr = 0, // receive buffer (read) / transmit holding (write)
        Ier = 1,
        IirFcr = 2, // interrupt id (read) / FIFO control (write)
        Lcr = 3,
        Lsr = 5,
        Usr = 31, // DesignWare only: UART status; reading it ends busy detect
    };

    uint32_t read(Reg r) const;
    void write(Reg r, uint32_t v);

    volatile uint8_t* base_ = nullptr;
    Kind kind_ = Kind::Ns16550a;
    uint32_t shift_ = 0;
    uint32_t width_ = 1;
};
