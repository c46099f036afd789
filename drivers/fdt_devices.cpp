// The devices boot code needs from the tree: the console UART and the PLIC
// with the boot hart's S-mode context.
#include <drivers/fdt_platform.h>

#include <string.h>

namespace {

struct UartMatch {
    const char* compatible;
    FdtUartKind kind;
};
constexpr UartMatch kUarts[] = {
    {"ns16550a", FdtUartKind::Ns16550},
    {"ns16550", FdtUartKind::Ns16550},
    {"snps,dw-apb-uart", FdtUartKind::DesignWare},
    {"sifive,uart0", FdtUartKind::Sifive},
};

// The first entry of n's compatible list (most specific first) that this
// kernel drives.
const UartMatch* uart_match(const Fdt& fdt, FdtNode n)
{
    const FdtProp compat = fdt.property(n, "compatible");
    for (uint32_t i = 0; const char* c = compat.string_at(i); i++)
        for (const UartMatch& m : kUarts)
            if (strcmp(c, m.compatible) == 0) return &m;
    return nullptr;
}

bool usable_uart(const Fdt& fdt, FdtNode n)
{
    return n.valid() && fdt.is_enabled(n) && uart_match(fdt, n) != nullptr;
}

FdtResult<uint32_t> u32_or(const Fdt& fdt, FdtNode n, const char* name, uint32_t dflt)
{
    const FdtProp p = fdt.property(n, name);
    return p.present() ? p.u32() : FdtResult<uint32_t>(dflt);
}

// The first interrupt of n: interrupts-extended = <phandle irq ...>, or
// interrupts = <irq ...> with the (inherited) interrupt-parent.
FdtResult<void> read_uart_irq(const Fdt& fdt, FdtNode n, FdtUart& uart)
{
    const FdtProp ext = fdt.property(n, "interrupts-extended");
    if (ext.present()) {
        FdtCells cells(ext);
        uart.irq_parent = uint32_t(FDT_TRY(cells.read(1)));
        uart.irq = uint32_t(FDT_TRY(cells.read(1)));
        uart.has_irq = true;
        return {};
    }
    const FdtProp irqs = fdt.property(n, "interrupts");
    if (!irqs.present()) return {};
    FdtCells cells(irqs);
    uart.irq = uint32_t(FDT_TRY(cells.read(1)));
    uart.has_irq = true;
    auto parent = fdt.interrupt_parent(n);
    if (parent.ok()) uart.irq_parent = fdt.phandle(parent.value());
    else if (parent.error() != Errno::NoEnt) return parent.fdt_error();
    return {};
}

FdtResult<FdtUart> describe_uart(const Fdt& fdt, FdtNode n)
{
    FdtUart uart;
    const UartMatch* m = uart_match(fdt, n);
    KASSERT(m != nullptr, "describe_uart of an unsupported node");
    uart.kind = m->kind;
    uart.compatible = m->compatible;
    uart.node = n;
    const FdtRegion r = FDT_TRY(fdt.reg_translated(n, 0));
    uart.base = PhysAddr(r.addr);
    uart.size = r.size;
    uart.reg_shift = FDT_TRY(u32_or(fdt, n, "reg-shift", 0));
    uart.reg_io_width = FDT_TRY(u32_or(fdt, n, "reg-io-width", 1));
    if (uart.reg_shift > 4) return fdt_error("reg-shift larger than 4", n);
    if (uart.reg_io_width != 1 && uart.reg_io_width != 2 && uart.reg_io_width != 4)
        return fdt_error("reg-io-width is not 1, 2 or 4", n);
    const FdtProp clock = fdt.property(n, "clock-frequency");
    if (clock.present()) uart.clock_hz = FDT_TRY(clock.u32_or_u64());
    FDT_TRY(read_uart_irq(fdt, n, uart));
    return uart;
}

bool is_plic(const Fdt& fdt, FdtNode n)
{
    return fdt.is_compatible(n, "riscv,plic0") || fdt.is_compatible(n, "sifive,plic-1.0.0");
}

// The phandle of the cpu's own interrupt controller (riscv,cpu-intc), 0 if none.
uint32_t hart_intc(const Fdt& fdt, FdtNode cpu)
{
    for (FdtNode c : fdt.children(cpu))
        if (fdt.has_property(c, "interrupt-controller")) return fdt.phandle(c);
    return 0;
}

// PLIC contexts are the entries of interrupts-extended, in order: each is a
// controller phandle followed by that controller's #interrupt-cells cells.
// The boot hart's S-mode context is the entry naming its hart controller
// with interrupt 9 (supervisor external).
FdtResult<void> find_context(const Fdt& fdt, FdtNode cpu, FdtPlic& plic)
{
    const uint32_t intc = hart_intc(fdt, cpu);
    const FdtProp ext = fdt.property(plic.node, "interrupts-extended");
    if (intc == 0 || !ext.present()) return {};
    FdtCells cells(ext);
    for (uint32_t context = 0; cells.remaining() > 0; context++) {
        const uint32_t ph = uint32_t(FDT_TRY(cells.read(1)));
        const FdtNode ctrl = fdt.find_phandle(ph);
        if (!ctrl.valid()) return fdt_error("interrupts-extended names no node", plic.node);
        if (!fdt.has_property(ctrl, "#interrupt-cells"))
            return fdt_error("interrupt controller without #interrupt-cells", ctrl);
        const uint32_t ncells = FDT_TRY(fdt.u32_property(ctrl, "#interrupt-cells"));
        if (ncells == 0)
            return fdt_error("hart interrupt controller with #interrupt-cells 0", ctrl);
        const uint64_t irq = FDT_TRY(cells.read(1));
        for (uint32_t i = 1; i < ncells; i++) FDT_TRY(cells.read(1));
        if (ph == intc && irq == 9) {
            plic.context = context;
            plic.has_context = true;
            return {};
        }
    }
    return {};
}

} // namespace

FdtResult<FdtUart> fdt_find_uart(const Fdt& fdt, FdtNode preferred)
{
    if (usable_uart(fdt, preferred)) return describe_uart(fdt, preferred);
    for (FdtNode n = fdt.root(); n.valid(); n = fdt.next_node(n))
        if (usable_uart(fdt, n)) return describe_uart(fdt, n);
    return FdtUart{};
}

FdtResult<FdtPlic> fdt_find_plic(const Fdt& fdt, FdtNode cpu)
{
    FdtPlic plic;
    for (FdtNode n = fdt.root(); n.valid() && !plic.present; n = fdt.next_node(n))
        if (is_plic(fdt, n) && fdt.is_enabled(n)) {
            plic.node = n;
            plic.present = true;
        }
    if (!plic.present) return plic;
    const FdtRegion r = FDT_TRY(fdt.reg_translated(plic.node, 0));
    plic.base = PhysAddr(r.addr);
    plic.size = r.size;
    if (!fdt.has_property(plic.node, "riscv,ndev"))
        return fdt_error("PLIC without riscv,ndev", plic.node);
    plic.ndev = FDT_TRY(fdt.u32_property(plic.node, "riscv,ndev"));
    plic.phandle = fdt.phandle(plic.node);
    FDT_TRY(find_context(fdt, cpu, plic));
    return plic;
}
