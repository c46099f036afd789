// What every console UART driver shares, whatever its registers: the
// console output (with "\r\n" for '\n'), its "<model>@0x<phys>" name, the
// bounded transmit poll and receive drain, their counters, and the shape of
// a PLIC handler.  A CRTP base, so each driver stays a plain final class and
// nothing here costs an indirect call.
//
// The driver (Uart) provides:
//   void putc(char c);  // sends one byte as it is, through tx_wait()
//   void intr();        // its receive interrupt, through rx_drain()
#pragma once

#include <drivers/console_dev.h>
#include <lib/addr.h>
#include <lib/format.h>
#include <stddef.h>
#include <stdint.h>

struct ConsoleUartStats {
    uint64_t rx = 0;            // characters handed to the receive callback
    uint64_t rx_budget_hit = 0; // interrupts that stopped at RX_BUDGET
    uint64_t tx_dropped = 0;    // characters dropped: the transmitter never had room
};

template <class Uart, class StatsT = ConsoleUartStats>
class ConsoleUart {
public:
    using Stats = StatsT;

    // Characters taken per interrupt at most: a receiver that always
    // reports data cannot hold the hart; a level interrupt comes back for
    // the rest.
    static constexpr size_t RX_BUDGET = 64;
    // Status polls per character before giving up on a wedged transmitter
    // (about ten milliseconds of MMIO reads on the boards).
    static constexpr size_t TX_SPINS = 100000;

    ConsoleUart(const ConsoleUart&) = delete;
    ConsoleUart& operator=(const ConsoleUart&) = delete;

    // The driver's intr() in the shape of a PLIC handler (ctx is the Uart).
    static void intr_handler(void* self) { static_cast<Uart*>(self)->intr(); }

    // Console output that turns '\n' into "\r\n"; valid after init().
    const ConsoleOutput* console() const { return &console_; }
    // "<model>@0x10000000", or the model alone without a physical address.
    const char* name() const { return name_; }
    uint32_t clock_hz() const { return clock_hz_; }
    const Stats& stats() const { return stats_; }

protected:
    ConsoleUart() = default;
    ~ConsoleUart() = default;

    // For the driver's init(), once the device is known to be usable:
    // zeroes the counters and sets the name, clock, console output and
    // where received characters go (nullptr: they are read and dropped).
    void console_attach(const char* model, PhysAddr phys, uint32_t clock_hz, ConsoleRx rx)
    {
        stats_ = {};
        clock_hz_ = clock_hz;
        rx_ = rx;
        if (phys.value() != 0)
            snformat(name_, sizeof(name_), "%s@%#lx", model,
                     static_cast<unsigned long>(phys.value()));
        else
            snformat(name_, sizeof(name_), "%s", model);
        console_ = {name_, console_putc, static_cast<Uart*>(this)};
    }

    // Polls tx_busy() (one status read per call) until it reports room.
    // False, with the byte counted as dropped, after TX_SPINS busy polls
    // beyond the first.
    template <class TxBusy>
    bool tx_wait(TxBusy tx_busy)
    {
        for (size_t spins = 0; tx_busy(); spins++) {
            if (spins == TX_SPINS) {
                stats_.tx_dropped++;
                return false;
            }
        }
        return true;
    }

    // Hands up to RX_BUDGET characters to the receive callback (a level
    // interrupt must be drained even when nobody listens): rx_getc() returns
    // the next received byte, or a negative value when none waits (and is
    // not called again in this drain).
    template <class RxGetc>
    void rx_drain(RxGetc rx_getc)
    {
        size_t n = 0;
        for (; n < RX_BUDGET; n++) {
            int c = rx_getc();
            if (c < 0) break;
            if (rx_ != nullptr) rx_(static_cast<char>(c));
        }
        stats_.rx += n;
        if (n == RX_BUDGET) stats_.rx_budget_hit++;
    }

    Stats stats_;

private:
    static void console_putc(void* self, char c)
    {
        auto* uart = static_cast<Uart*>(self);
        if (c == '\n') uart->putc('\r');
        uart->putc(c);
    }

    uint32_t clock_hz_ = 0;
    ConsoleRx rx_ = nullptr;
    char name_[40] = {};
    ConsoleOutput console_ = {};
};
