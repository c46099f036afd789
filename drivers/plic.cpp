#include <drivers/plic.h>

#include <arch/mmio.h>

namespace {

// Register layout (RISC-V PLIC specification, "Memory Map").
constexpr size_t PRIORITY_BASE = 0x0;       // 4 bytes per source
constexpr size_t PENDING_BASE = 0x1000;     // 1 bit per source
constexpr size_t ENABLE_BASE = 0x2000;      // 1 bit per source, per context:
constexpr size_t ENABLE_STRIDE = 0x80;
constexpr size_t CONTEXT_BASE = 0x200000;   // per context:
constexpr size_t CONTEXT_STRIDE = 0x1000;
constexpr size_t THRESHOLD_OFF = 0x0;       //   priority threshold
constexpr size_t CLAIM_OFF = 0x4;           //   claim (read) / complete (write)

constexpr uint32_t word_of(uint32_t irq) { return irq / 32; }
constexpr uint32_t bit_of(uint32_t irq) { return 1u << (irq % 32); }

} // namespace

volatile uint8_t* Plic::reg(size_t offset) const { return base_ + offset; }

volatile uint8_t* Plic::enable_word(uint32_t irq) const
{
    return reg(ENABLE_BASE + ENABLE_STRIDE * context_ + 4 * word_of(irq));
}

Result<void> Plic::init(volatile void* base, uint32_t ndev, uint32_t context)
{
    if (!base || ndev == 0 || ndev > MAX_SOURCES || context >= MAX_CONTEXTS)
        return Errno::Inval;
    base_ = static_cast<volatile uint8_t*>(base);
    ndev_ = ndev;
    context_ = context;
    stats_ = {};
    for (auto& h : handlers_) h = {};

    // Firmware may have left sources enabled for this context; start from
    // none, so only the ones with a handler are let through.
    for (uint32_t w = 0; w <= word_of(ndev); w++)
        arch::mmio_write32(reg(ENABLE_BASE + ENABLE_STRIDE * context + 4 * w), 0);
    arch::mmio_write32(reg(CONTEXT_BASE + CONTEXT_STRIDE * context + THRESHOLD_OFF), 0);
    return {};
}

void Plic::set_enable(uint32_t irq, bool on)
{
    KASSERT(valid_irq(irq), "irq %u of %u", irq, ndev_);
    volatile uint8_t* w = enable_word(irq);
    uint32_t v = arch::mmio_read32(w);
    arch::mmio_write32(w, on ? v | bit_of(irq) : v & ~bit_of(irq));
}

Result<void> Plic::enable(uint32_t irq, uint32_t priority)
{
    if (!valid_irq(irq) || priority == 0) return Errno::Inval;
    // Priority first: the source must not arrive with a stale one.
    arch::mmio_write32(reg(PRIORITY_BASE + 4 * irq), priority);
    set_enable(irq, true);
    return {};
}

Result<void> Plic::disable(uint32_t irq)
{
    if (!valid_irq(irq)) return Errno::Inval;
    set_enable(irq, false);
    return {};
}

bool Plic::is_enabled(uint32_t irq) const
{
    return valid_irq(irq) && (arch::mmio_read32(enable_word(irq)) & bit_of(irq));
}

bool Plic::is_pending(uint32_t irq) const
{
    if (!valid_irq(irq)) return false;
    return arch::mmio_read32(reg(PENDING_BASE + 4 * word_of(irq))) & bit_of(irq);
}

uint32_t Plic::claim()
{
    KASSERT(base_ != nullptr, "claim before init");
    return arch::mmio_read32(reg(CONTEXT_BASE + CONTEXT_STRIDE * context_ + CLAIM_OFF));
}

void Plic::complete(uint32_t irq)
{
    KASSERT(base_ != nullptr, "complete before init");
    arch::mmio_write32(reg(CONTEXT_BASE + CONTEXT_STRIDE * context_ + CLAIM_OFF), irq);
}

Result<void> Plic::register_handler(uint32_t irq, IrqHandler fn, void* ctx)
{
    if (!valid_irq(irq) || !fn) return Errno::Inval;
    if (handlers_[irq].fn) return Errno::Exist;
    handlers_[irq] = {fn, ctx};
    return {};
}

void Plic::handle_external()
{
    for (size_t n = 0; n < CLAIM_BUDGET; n++) {
        uint32_t irq = claim();
        if (irq == 0) return;
        if (valid_irq(irq) && handlers_[irq].fn) {
            handlers_[irq].fn(handlers_[irq].ctx);
            stats_.handled++;
            complete(irq);
            continue;
        }
        stats_.spurious++;
        // Complete before masking: the PLIC ignores a completion for a
        // source not enabled in this context, and the source would stay
        // claimed, silent even after a later enable().
        complete(irq);
        if (valid_irq(irq)) set_enable(irq, false);
    }
}
