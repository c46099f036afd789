// The RISC-V Platform-Level Interrupt Controller (riscv,plic0,
// sifive,plic-1.0.0), seen from one context: the S-mode context of the boot
// hart, whose index the caller reads from the device tree
// (interrupts-extended: the entry with interrupt 9).  Never compute it
// from a hart id: it is 2h+1 on QEMU virt but 2h on the JH7110 (BOARDS.md).
//
// Besides the registers, a small dispatch table: one handler per source,
// called from handle_external() when the hart takes a supervisor external
// interrupt.
#pragma once

#include <lib/result.h>
#include <stddef.h>
#include <stdint.h>

using IrqHandler = void (*)(void* ctx);

class Plic {
public:
    // The specification's limits: sources 1..1023, 15872 contexts.
    static constexpr uint32_t MAX_SOURCES = 1023;
    static constexpr uint32_t MAX_CONTEXTS = 15872;
    // Claims served per handle_external() call at most: a source that
    // never goes quiet cannot hold the hart; what is left interrupts again.
    static constexpr size_t CLAIM_BUDGET = 64;

    struct Stats {
        uint64_t handled = 0;  // claims passed to a handler
        uint64_t spurious = 0; // claims of a source without a handler
    };

    Plic() = default;
    Plic(const Plic&) = delete;
    Plic& operator=(const Plic&) = delete;

    // Takes the mapped register block, the number of sources (riscv,ndev)
    // and this hart's S-mode context.  Disables every source for the
    // context and sets its threshold to 0 (any priority above 0 gets
    // through); priorities are left for enable().  Errno::Inval: no base,
    // ndev 0 or above MAX_SOURCES, context at or above MAX_CONTEXTS.
    Result<void> init(volatile void* base, uint32_t ndev, uint32_t context);

    // Sets the source's priority (1 or more; the hardware may keep fewer
    // bits) and enables it for this context.  Errno::Inval: irq 0 or above
    // ndev, priority 0.
    Result<void> enable(uint32_t irq, uint32_t priority);
    // Masks the source for this context.  Errno::Inval: irq 0 or above ndev.
    Result<void> disable(uint32_t irq);
    bool is_enabled(uint32_t irq) const;
    // The source's pending bit (shared by all contexts).
    bool is_pending(uint32_t irq) const;

    // The highest-priority pending source, which the PLIC then holds until
    // complete(); 0 when none.
    uint32_t claim();
    // Ends the claim of irq (the value claim() returned).
    void complete(uint32_t irq);

    // Installs fn(ctx) as the handler of irq.  Errno::Inval: irq out of
    // range or no fn; Errno::Exist: irq has a handler already.
    Result<void> register_handler(uint32_t irq, IrqHandler fn, void* ctx);

    // Serves the supervisor external interrupt: claims, calls the handler,
    // completes, until claim() returns 0 (or CLAIM_BUDGET claims).  A claim
    // without a handler is counted as spurious and the source disabled, so
    // that a level-triggered line nobody serves cannot storm.  Called with
    // interrupts off.
    void handle_external();

    uint32_t ndev() const { return ndev_; }
    uint32_t context() const { return context_; }
    const Stats& stats() const { return stats_; }

private:
    struct Handler {
        IrqHandler fn = nullptr;
        void* ctx = nullptr;
    };

    bool valid_irq(uint32_t irq) const { return irq >= 1 && irq <= ndev_; }
    volatile uint8_t* reg(size_t offset) const;
    volatile uint8_t* enable_word(uint32_t irq) const;
    void set_enable(uint32_t irq, bool on);

    volatile uint8_t* base_ = nullptr;
    uint32_t ndev_ = 0;
    uint32_t context_ = 0;
    Stats stats_;
    Handler handlers_[MAX_SOURCES + 1];
};
