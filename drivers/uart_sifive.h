// The SiFive UART (sifive,uart0) of the FU540/FU740 and QEMU's sifive_u:
// 32-bit registers, a transmit and a receive FIFO each with a watermark
// interrupt, and a divisor the firmware has already set (left alone here).
// Transmit polls txdata.full; the receive watermark interrupt hands each
// character to the receive callback the configuration names.
#pragma once

#include <drivers/console_uart.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <stddef.h>
#include <stdint.h>

class SifiveUart final : public ConsoleUart<SifiveUart> {
public:
    struct Config {
        volatile void* base = nullptr; // the mapped register block
        uint32_t clock_hz = 0;         // from the clocks, informational only
        PhysAddr phys{};               // for the name; 0 leaves the address out
        ConsoleRx rx = nullptr;        // takes received characters
    };

    // Turns the transmitter and receiver on, sets the receive watermark to
    // 0 (interrupt while any character waits) and enables that interrupt
    // alone.  Keeps the firmware's stop bits, transmit watermark and
    // divisor.  Errno::Inval: no base, or one not 4-byte aligned.  The
    // name is "sifive-uart@0x...".
    Result<void> init(const Config& cfg);

    // Sends one byte as it is (no newline translation).  Polls txdata.full.
    void putc(char c);

    // The receive interrupt: reads rxdata until it reports empty.  Called
    // with interrupts off.
    void intr();

private:
    // Byte offsets (FU540-C000 manual, chapter "UART").
    enum class Reg : uint32_t {
        TxData = 0x00, // bit 31: full (read); bits 7..0: byte to send (write)
        RxData = 0x04, // bit 31: empty; bits 7..0: received byte
        TxCtrl = 0x08, // bit 0 txen, bit 1 nstop, bits 18..16 txcnt
        RxCtrl = 0x0c, // bit 0 rxen, bits 18..16 rxcnt
        Ie = 0x10,     // bit 0 txwm, bit 1 rxwm
        Ip = 0x14,
        Div = 0x18,
    };

    uint32_t read(Reg r) const;
    void write(Reg r, uint32_t v);

    volatile uint8_t* base_ = nullptr;
};
