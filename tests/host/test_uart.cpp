// The UART drivers against register blocks posing as hardware: plain
// arrays (to see exactly which bytes a write touched) and MmioSim models
// (to see reads too, and let the device react to them).
#include <doctest/doctest.h>

#include <drivers/uart_ns16550.h>
#include <drivers/uart_sifive.h>
#include <kernel/console.h>

#include "mmio_sim.h"

#include <stdint.h>
#include <string.h>
#include <string>

namespace {

// Everything the console has received and not yet handed out.
std::string drain_console()
{
    std::string s;
    for (int c; (c = cons_getc()) >= 0;) s += static_cast<char>(c);
    return s;
}

// ---- 16550: register numbers and bits, from the 16550 data sheet ----
constexpr size_t RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, LSR = 5, USR = 31;
constexpr uint8_t LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40;
constexpr uint8_t LCR_8N1 = 0x03, LCR_DLAB = 0x80;

// A 16550 (or DesignWare APB UART) serving a receive FIFO, recording what
// is sent, and flagging every access a correct driver would not make.
struct Uart16550Model : MmioSim {
    uint32_t shift, width;
    bool dw;
    std::string rx;       // waiting characters, front first
    size_t rx_pos = 0;
    bool stuck_dr = false;   // LSR.DR stays set with an empty FIFO
    bool thre = true;
    bool busy_irq = false;   // DesignWare busy detect pending
    int force_iir = -1;      // when >= 0, IIR reads return this
    std::string tx;
    uint32_t ier = 0, fcr = 0, lcr = LCR_8N1;
    int lcr_writes = 0, usr_reads = 0, bad = 0;

    Uart16550Model(uint32_t shift_, uint32_t width_, bool dw_)
        : MmioSim(4096), shift(shift_), width(width_), dw(dw_)
    {
        tx.reserve(4096);
    }

    // The register index of an access, or -1 (and a complaint) if the
    // access is not one the configured bus allows.
    long index(size_t off, unsigned w)
    {
        if (w != width || off % (size_t{1} << shift) != 0) {
            bad++;
            return -1;
        }
        return static_cast<long>(off >> shift);
    }

    bool rx_waiting() const { return rx_pos < rx.size(); }

    uint64_t on_read(size_t off, unsigned w) override
    {
        switch (index(off, w)) {
        case RBR: return rx_waiting() ? static_cast<uint8_t>(rx[rx_pos++]) : 0;
        case IER: return ier;
        case IIR:
            if (force_iir >= 0) return static_cast<uint32_t>(force_iir);
            if (dw && busy_irq) return 0xc7;
            if ((ier & 1) && rx_waiting()) return 0xc4;
            return 0xc1;
        case LCR: return lcr;
        case LSR:
            return ((rx_waiting() || stuck_dr) ? LSR_DR : 0) | (thre ? LSR_THRE | LSR_TEMT : 0);
        case USR:
            if (!dw) break;
            usr_reads++;
            busy_irq = false;
            return 0;
        }
        bad++;
        return 0;
    }

    void on_write(size_t off, unsigned w, uint64_t v) override
    {
        switch (index(off, w)) {
        case THR: tx += static_cast<char>(v); return;
        case IER: ier = static_cast<uint32_t>(v); return;
        case FCR: fcr = static_cast<uint32_t>(v); return;
        case LCR: lcr_writes++; return;
        }
        bad++;
    }
};

Ns16550::Config dw_config(volatile void* base)
{
    Ns16550::Config c;
    c.base = base;
    c.kind = Ns16550::Kind::DwApb;
    c.reg_shift = 2;
    c.reg_io_width = 4;
    c.clock_hz = 24000000;
    c.rx = console_rx;
    return c;
}

Ns16550::Config ns_config(volatile void* base)
{
    Ns16550::Config c;
    c.base = base;
    c.rx = console_rx;
    return c;
}

} // namespace

TEST_CASE("ns16550: compatible strings")
{
    CHECK(Ns16550::kind_for("ns16550a").value() == Ns16550::Kind::Ns16550a);
    CHECK(Ns16550::kind_for("ns16550").value() == Ns16550::Kind::Ns16550a);
    CHECK(Ns16550::kind_for("snps,dw-apb-uart").value() == Ns16550::Kind::DwApb);
    CHECK(Ns16550::kind_for("sifive,uart0").error() == Errno::NoDev);
}

TEST_CASE("ns16550: reg-shift 0, width 1: bytes at index offsets, nothing else touched")
{
    constexpr uint8_t S = 0xee; // sentinel
    uint8_t regs[64];
    memset(regs, S, sizeof(regs));
    regs[LCR] = LCR_8N1;
    regs[LSR] = LSR_THRE | LSR_TEMT;

    Ns16550 u;
    REQUIRE(u.init(ns_config(regs)).ok());
    uint8_t want[64];
    memset(want, S, sizeof(want));
    want[LCR] = LCR_8N1;
    want[LSR] = LSR_THRE | LSR_TEMT;
    want[IER] = 0x01; // receive interrupt only
    want[FCR] = 0x01; // FIFOs on
    CHECK(memcmp(regs, want, sizeof(regs)) == 0);

    u.putc('A');
    want[THR] = 'A';
    CHECK(memcmp(regs, want, sizeof(regs)) == 0);
    CHECK(std::string(u.name()) == "ns16550a");
}

TEST_CASE("ns16550: reg-shift 2, width 4: whole words at 4-byte strides")
{
    constexpr uint32_t S = 0xeeeeeeee;
    uint32_t regs[32];
    for (auto& r : regs) r = S;
    regs[LCR] = LCR_8N1;
    regs[LSR] = LSR_THRE | LSR_TEMT;

    Ns16550 u;
    REQUIRE(u.init(dw_config(regs)).ok());
    u.putc('A');
    uint32_t want[32];
    for (auto& r : want) r = S;
    want[LCR] = LCR_8N1;
    want[LSR] = LSR_THRE | LSR_TEMT;
    want[IER] = 0x01;
    want[FCR] = 0x01;
    want[THR] = 'A'; // a byte store would have left 0xeeeeee41
    CHECK(memcmp(regs, want, sizeof(regs)) == 0);
    CHECK(std::string(u.name()) == "dw-apb-uart");
    CHECK(u.clock_hz() == 24000000);
}

TEST_CASE("ns16550: bad configurations are refused without touching the device")
{
    uint32_t regs[32] = {};
    Ns16550 u;
    for (uint32_t w : {0u, 2u, 3u, 8u}) {
        Ns16550::Config c = dw_config(regs);
        c.reg_io_width = w;
        CHECK(u.init(c).error() == Errno::Inval);
    }
    Ns16550::Config c = dw_config(regs);
    c.reg_shift = 5;
    CHECK(u.init(c).error() == Errno::Inval);
    CHECK(u.init(dw_config(nullptr)).error() == Errno::Inval);
    CHECK(u.init(dw_config(reinterpret_cast<uint8_t*>(regs) + 2)).error() == Errno::Inval);
    for (uint32_t r : regs) CHECK(r == 0);

    // The firmware left the divisor latch open: IER would be DLM.
    regs[LCR] = LCR_8N1 | LCR_DLAB;
    CHECK(u.init(dw_config(regs)).error() == Errno::Io);
    for (size_t i = 0; i < 32; i++) CHECK(regs[i] == (i == LCR ? LCR_8N1 | LCR_DLAB : 0u));
}

TEST_CASE("ns16550: init writes IER and FCR only, at the configured width")
{
    for (bool dw : {false, true}) {
        Uart16550Model m(dw ? 2 : 0, dw ? 4 : 1, dw);
        Ns16550 u;
        REQUIRE(u.init(dw ? dw_config(m.base()) : ns_config(m.base())).ok());
        CHECK(m.ier == 0x01);
        CHECK((m.fcr & 0x01) == 0x01);
        CHECK(m.lcr_writes == 0);
        CHECK(m.bad == 0);
        size_t writes = 0;
        for (size_t i = 0; i < m.log_size(); i++) writes += m.log(i).write;
        CHECK(writes == 2);
        CHECK(m.count_width_not(dw ? 4 : 1) == 0);
    }
}

TEST_CASE("ns16550: console output turns \\n into \\r\\n and waits for THRE")
{
    Uart16550Model m(2, 4, true);
    Ns16550 u;
    Ns16550::Config c = dw_config(m.base());
    c.phys = PhysAddr(0x10000000);
    REQUIRE(u.init(c).ok());
    const ConsoleOutput* out = u.console();
    CHECK(std::string(out->name) == "dw-apb-uart@0x10000000");
    m.clear_log();
    for (char ch : std::string("ok\nx")) out->putc(out->ctx, ch);
    CHECK(m.tx == "ok\r\nx");
    // Each byte went out after an LSR read that showed room.
    CHECK(m.count(false, LSR << 2) == 5);
    CHECK(m.count(true, THR) == 5);
    CHECK(m.bad == 0);

    // Through the console proper.
    m.tx.clear();
    console_set_output(out);
    kprintf("a%d\n", 7);
    console_set_output(nullptr);
    CHECK(m.tx == "a7\r\n");
}

TEST_CASE("ns16550: a transmitter that never empties drops the byte, not the hart")
{
    uint8_t regs[8] = {};
    regs[LCR] = LCR_8N1; // LSR: THRE clear, forever
    Ns16550 u;
    REQUIRE(u.init(ns_config(regs)).ok());
    regs[THR] = 0x55;
    u.putc('Z');
    CHECK(regs[THR] == 0x55);
    CHECK(u.stats().tx_dropped == 1);
}

TEST_CASE("ns16550: the interrupt drains every waiting character into the console")
{
    for (bool dw : {false, true}) {
        drain_console();
        Uart16550Model m(dw ? 2 : 0, dw ? 4 : 1, dw);
        Ns16550 u;
        REQUIRE(u.init(dw ? dw_config(m.base()) : ns_config(m.base())).ok());
        m.rx = "ls -l\r";
        Ns16550::intr_handler(&u);
        CHECK(drain_console() == "ls -l\r");
        CHECK(m.rx_pos == m.rx.size());
        CHECK(u.stats().rx == 6);
        CHECK(u.stats().rx_budget_hit == 0);
        CHECK(m.lcr_writes == 0);
        CHECK(m.bad == 0);
        CHECK(m.count_width_not(dw ? 4 : 1) == 0);
        // Nothing waiting: nothing delivered, nothing written.
        m.clear_log();
        u.intr();
        CHECK(drain_console().empty());
        for (size_t i = 0; i < m.log_size(); i++) CHECK_FALSE(m.log(i).write);
    }
}

// The characters the test's own receive callback took.
static std::string g_sink;

TEST_CASE("ns16550: received characters go to the callback given at init, or nowhere")
{
    drain_console();
    Uart16550Model m(0, 1, false);
    Ns16550 u;
    Ns16550::Config c = ns_config(m.base());
    c.rx = [](char ch) { g_sink.push_back(ch); };
    g_sink.clear();
    REQUIRE(u.init(c).ok());
    m.rx = "ab";
    u.intr();
    CHECK(g_sink == "ab");
    CHECK(drain_console().empty());
    // No callback: the receiver is still drained (a level interrupt would
    // come back forever), and the characters are dropped.
    c.rx = nullptr;
    REQUIRE(u.init(c).ok());
    m.rx = "cd";
    m.rx_pos = 0;
    u.intr();
    CHECK(m.rx_pos == 2);
    CHECK(u.stats().rx == 2);
    CHECK(g_sink == "ab");
    CHECK(drain_console().empty());
}

TEST_CASE("ns16550: DesignWare busy detect is cleared by reading USR")
{
    drain_console();
    Uart16550Model m(2, 4, true);
    Ns16550 u;
    REQUIRE(u.init(dw_config(m.base())).ok());
    m.busy_irq = true;
    m.rx = "q";
    u.intr();
    CHECK(m.usr_reads == 1);
    CHECK_FALSE(m.busy_irq);
    CHECK(m.count(false, 31 * 4) == 1); // USR is index 31, at 0x7c
    CHECK(u.stats().busy_detect == 1);
    CHECK(drain_console() == "q");
    // Once cleared, the next interrupt leaves USR alone.
    u.intr();
    CHECK(m.usr_reads == 1);
    CHECK(m.bad == 0);
}

TEST_CASE("ns16550: a plain 16550 never reads the DesignWare USR")
{
    drain_console();
    Uart16550Model m(0, 1, false);
    Ns16550 u;
    REQUIRE(u.init(ns_config(m.base())).ok());
    m.force_iir = 0x07; // reserved on a 16550; busy detect only on DesignWare
    m.rx = "k";
    u.intr();
    CHECK(m.count(false, 31) == 0);
    CHECK(m.bad == 0);
    CHECK(u.stats().busy_detect == 0);
    CHECK(drain_console() == "k");
}

TEST_CASE("ns16550: a stuck data-ready bit costs one budget, not a hang")
{
    drain_console();
    uint32_t regs[32] = {};
    regs[LCR] = LCR_8N1;
    regs[LSR] = LSR_DR | LSR_THRE;
    regs[RBR] = 'x';
    Ns16550 u;
    REQUIRE(u.init(dw_config(regs)).ok());
    u.intr();
    CHECK(drain_console() == std::string(Ns16550::RX_BUDGET, 'x'));
    CHECK(u.stats().rx_budget_hit == 1);
}

// ---- SiFive UART: offsets and bits from the FU540-C000 manual ----
namespace {

constexpr size_t TXDATA = 0x00, RXDATA = 0x04, TXCTRL = 0x08, RXCTRL = 0x0c, IE = 0x10,
                 IP = 0x14, DIV = 0x18;
constexpr uint32_t FULL = 1u << 31, EMPTY = 1u << 31;

struct SifiveModel : MmioSim {
    std::string rx;
    size_t rx_pos = 0;
    int full_reads_left = 0; // txdata reads that still report full
    std::string tx;
    uint32_t txctrl = 0, rxctrl = 0, ie = 0, div = 0;
    int div_writes = 0, bad = 0;

    SifiveModel() : MmioSim(4096) { tx.reserve(4096); }

    uint64_t on_read(size_t off, unsigned w) override
    {
        if (w != 4) bad++;
        switch (off) {
        case TXDATA:
            if (full_reads_left > 0) {
                full_reads_left--;
                return FULL;
            }
            return 0;
        case RXDATA: return rx_pos < rx.size() ? static_cast<uint8_t>(rx[rx_pos++]) : EMPTY;
        case TXCTRL: return txctrl;
        case RXCTRL: return rxctrl;
        case IE: return ie;
        case IP: return 0;
        case DIV: return div;
        }
        bad++;
        return 0;
    }

    void on_write(size_t off, unsigned w, uint64_t v) override
    {
        if (w != 4) bad++;
        switch (off) {
        case TXDATA:
            if (v > 0xff) bad++;
            tx += static_cast<char>(v);
            return;
        case TXCTRL: txctrl = static_cast<uint32_t>(v); return;
        case RXCTRL: rxctrl = static_cast<uint32_t>(v); return;
        case IE: ie = static_cast<uint32_t>(v); return;
        case DIV: div_writes++; return;
        }
        bad++;
    }
};

SifiveUart::Config sifive_config(volatile void* base)
{
    SifiveUart::Config c;
    c.base = base;
    c.rx = console_rx;
    return c;
}

} // namespace

TEST_CASE("sifive uart: init and putc write whole words at their offsets only")
{
    constexpr uint32_t S = 0x5a5a5a5a; // bit 31 clear: txdata not full
    uint32_t regs[8];
    for (auto& r : regs) r = S;
    SifiveUart u;
    REQUIRE(u.init(sifive_config(regs)).ok());
    uint32_t want[8];
    for (auto& r : want) r = S;
    want[TXCTRL / 4] = S | 1; // txen added, the rest kept
    want[RXCTRL / 4] = 1;     // rxen, watermark 0
    want[IE / 4] = 2;         // rxwm only
    CHECK(memcmp(regs, want, sizeof(regs)) == 0);

    u.putc('A');
    want[TXDATA / 4] = 'A'; // a byte store would have left 0x5a5a5a41
    CHECK(memcmp(regs, want, sizeof(regs)) == 0);
    CHECK(std::string(u.name()) == "sifive-uart");
}

TEST_CASE("sifive uart: init keeps stop bits, tx watermark and divisor")
{
    SifiveModel m;
    m.txctrl = (1u << 16) | (1u << 1); // txcnt 1, two stop bits
    m.div = 0x21e;
    SifiveUart u;
    SifiveUart::Config c = sifive_config(m.base());
    c.phys = PhysAddr(0x10010000);
    REQUIRE(u.init(c).ok());
    CHECK(m.txctrl == ((1u << 16) | (1u << 1) | 1u));
    CHECK(m.rxctrl == 1u);
    CHECK(m.ie == 2u);
    CHECK(m.div_writes == 0);
    CHECK(m.bad == 0);
    CHECK(std::string(u.name()) == "sifive-uart@0x10010000");
}

TEST_CASE("sifive uart: refuses a null or misaligned base")
{
    uint32_t regs[8] = {};
    SifiveUart u;
    CHECK(u.init(sifive_config(nullptr)).error() == Errno::Inval);
    CHECK(u.init(sifive_config(reinterpret_cast<uint8_t*>(regs) + 1)).error() == Errno::Inval);
    for (uint32_t r : regs) CHECK(r == 0);
}

TEST_CASE("sifive uart: putc waits while txdata is full; console adds \\r")
{
    SifiveModel m;
    SifiveUart u;
    REQUIRE(u.init(sifive_config(m.base())).ok());
    m.clear_log();
    m.full_reads_left = 3;
    const ConsoleOutput* out = u.console();
    out->putc(out->ctx, '\n');
    CHECK(m.tx == "\r\n");
    // Three reads saw full, then one read per byte saw room.
    CHECK(m.count(false, TXDATA) == 5);
    CHECK(m.count(true, TXDATA) == 2);
    // The first store came only after the read that showed room.
    CHECK_FALSE(m.log(3).write);
    CHECK(m.log(4).write);
    CHECK(m.log(4).value == '\r');
    CHECK(m.bad == 0);
}

TEST_CASE("sifive uart: a FIFO that stays full drops the byte")
{
    uint32_t regs[8] = {};
    SifiveUart u;
    REQUIRE(u.init(sifive_config(regs)).ok());
    regs[TXDATA / 4] = FULL;
    u.putc('Z');
    CHECK(regs[TXDATA / 4] == FULL);
    CHECK(u.stats().tx_dropped == 1);
}

TEST_CASE("sifive uart: the interrupt reads rxdata until empty")
{
    drain_console();
    SifiveModel m;
    SifiveUart u;
    REQUIRE(u.init(sifive_config(m.base())).ok());
    m.clear_log();
    m.rx = "abc\x7f";
    SifiveUart::intr_handler(&u);
    CHECK(drain_console() == "abc\x7f");
    // Four characters and the read that said empty; nothing written.
    CHECK(m.count(false, RXDATA) == 5);
    CHECK(m.log_size() == 5);
    CHECK(u.stats().rx == 4);
    CHECK(m.bad == 0);
}

TEST_CASE("sifive uart: a never-empty rxdata costs one budget")
{
    drain_console();
    uint32_t regs[8] = {};
    SifiveUart u;
    REQUIRE(u.init(sifive_config(regs)).ok());
    regs[RXDATA / 4] = 'y';
    u.intr();
    CHECK(drain_console() == std::string(SifiveUart::RX_BUDGET, 'y'));
    CHECK(u.stats().rx_budget_hit == 1);
}
