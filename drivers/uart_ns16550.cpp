#include <drivers/uart_ns16550.h>

#include <arch/mmio.h>
#include <string.h>

namespace {

constexpr uint32_t IER_ERBFI = 1u << 0; // receive data available interrupt
constexpr uint32_t FCR_FIFOE = 1u << 0; // FIFOs on, receive trigger at 1 byte
constexpr uint32_t LCR_DLAB = 1u << 7;
constexpr uint32_t LSR_DR = 1u << 0;   // data ready
constexpr uint32_t LSR_THRE = 1u << 5; // transmit holding register empty
constexpr uint32_t IIR_ID_MASK = 0x0f;
constexpr uint32_t IIR_BUSY_DETECT = 0x07; // DesignWare: LCR written while busy

constexpr uint32_t MAX_REG_SHIFT = 4;

} // namespace

Result<Ns16550::Kind> Ns16550::kind_for(const char* compatible)
{
    if (strcmp(compatible, "ns16550a") == 0 || strcmp(compatible, "ns16550") == 0)
        return Kind::Ns16550a;
    if (strcmp(compatible, "snps,dw-apb-uart") == 0) return Kind::DwApb;
    return Errno::NoDev;
}

uint32_t Ns16550::read(Reg r) const
{
    volatile uint8_t* a = base_ + (static_cast<uint32_t>(r) << shift_);
    return width_ == 4 ? arch::mmio_read32(a) : arch::mmio_read8(a);
}

void Ns16550::write(Reg r, uint32_t v)
{
    KASSERT(r != Reg::Lcr, "the line settings belong to the firmware");
    volatile uint8_t* a = base_ + (static_cast<uint32_t>(r) << shift_);
    if (width_ == 4)
        arch::mmio_write32(a, v);
    else
        arch::mmio_write8(a, static_cast<uint8_t>(v));
}

Result<void> Ns16550::init(const Config& cfg)
{
    if (!cfg.base || (cfg.reg_io_width != 1 && cfg.reg_io_width != 4) ||
        cfg.reg_shift > MAX_REG_SHIFT)
        return Errno::Inval;
    auto addr = reinterpret_cast<uintptr_t>(cfg.base);
    if (addr % cfg.reg_io_width != 0) return Errno::Inval;

    base_ = static_cast<volatile uint8_t*>(cfg.base);
    kind_ = cfg.kind;
    shift_ = cfg.reg_shift;
    width_ = cfg.reg_io_width;

    // With DLAB set, IER's slot is the divisor's high byte: writing it
    // would change the baud rate.  Only the firmware could have left it so.
    if (read(Reg::Lcr) & LCR_DLAB) {
        base_ = nullptr; // unusable: putc and intr would KASSERT
        return Errno::Io;
    }

    console_attach(kind_ == Kind::DwApb ? "dw-apb-uart" : "ns16550a", cfg.phys, cfg.clock_hz, cfg.rx);
    write(Reg::IirFcr, FCR_FIFOE);
    write(Reg::Ier, IER_ERBFI);
    return {};
}

void Ns16550::putc(char c)
{
    KASSERT(base_ != nullptr, "putc before init");
    if (tx_wait([this] { return !(read(Reg::Lsr) & LSR_THRE); }))
        write(Reg::RbrThr, static_cast<uint8_t>(c));
}

void Ns16550::intr()
{
    KASSERT(base_ != nullptr, "interrupt before init");
    // Reading IIR is harmless on a plain 16550 (it only acknowledges a
    // transmitter-empty interrupt, which is never enabled here).
    uint32_t iir = read(Reg::IirFcr);
    if (kind_ == Kind::DwApb && (iir & IIR_ID_MASK) == IIR_BUSY_DETECT) {
        // Only reading USR clears busy detect: otherwise it fires forever.
        (void)read(Reg::Usr);
        stats_.busy_detect++;
    }
    // Reading LSR also clears a line-status (overrun, framing) interrupt.
    rx_drain([this] {
        return (read(Reg::Lsr) & LSR_DR) ? static_cast<int>(read(Reg::RbrThr) & 0xff) : -1;
    });
}
