#include <drivers/uart_sifive.h>

#include <arch/mmio.h>

namespace {

constexpr uint32_t TXDATA_FULL = 1u << 31;
constexpr uint32_t RXDATA_EMPTY = 1u << 31;
constexpr uint32_t RXDATA_BYTE = 0xff;
constexpr uint32_t TXCTRL_TXEN = 1u << 0;
// rxen with rxcnt = 0: the watermark interrupt is pending while the
// receive FIFO holds more than 0 entries.
constexpr uint32_t RXCTRL_RXEN_WM0 = 1u << 0;
constexpr uint32_t IE_RXWM = 1u << 1;

} // namespace

uint32_t SifiveUart::read(Reg r) const
{
    return arch::mmio_read32(base_ + static_cast<uint32_t>(r));
}

void SifiveUart::write(Reg r, uint32_t v)
{
    KASSERT(r != Reg::Div, "the divisor belongs to the firmware");
    arch::mmio_write32(base_ + static_cast<uint32_t>(r), v);
}

Result<void> SifiveUart::init(const Config& cfg)
{
    if (!cfg.base || reinterpret_cast<uintptr_t>(cfg.base) % 4 != 0) return Errno::Inval;
    base_ = static_cast<volatile uint8_t*>(cfg.base);
    console_attach("sifive-uart", cfg.phys, cfg.clock_hz, cfg.rx);

    write(Reg::TxCtrl, read(Reg::TxCtrl) | TXCTRL_TXEN);
    write(Reg::RxCtrl, RXCTRL_RXEN_WM0);
    write(Reg::Ie, IE_RXWM);
    return {};
}

void SifiveUart::putc(char c)
{
    KASSERT(base_ != nullptr, "putc before init");
    // Reading txdata returns the full flag and zeroes in the data field.
    if (tx_wait([this] { return (read(Reg::TxData) & TXDATA_FULL) != 0; }))
        write(Reg::TxData, static_cast<uint8_t>(c));
}

void SifiveUart::intr()
{
    KASSERT(base_ != nullptr, "interrupt before init");
    // Each read of rxdata pops the FIFO: keep the byte of every read whose
    // empty flag is clear.
    rx_drain([this] {
        uint32_t v = read(Reg::RxData);
        return (v & RXDATA_EMPTY) ? -1 : static_cast<int>(v & RXDATA_BYTE);
    });
}
