// The PLIC driver against a plain word array (which words change) and an
// MmioSim model of the PLIC (claim/complete behaviour), with offsets taken
// from the RISC-V PLIC specification's memory map.
#include <doctest/doctest.h>

#include <drivers/plic.h>

#include "mmio_sim.h"

#include <stdint.h>
#include <string>
#include <vector>

namespace {

// Spec offsets, written out: priority 4*irq; pending 0x1000; enables of
// context c at 0x2000 + 0x80*c; threshold 0x200000 + 0x1000*c; claim +4.
constexpr size_t WINDOW = 0x203000 + 0x10; // up to context 2's claim register
constexpr uint32_t S = 0xa5a5a5a5;

size_t w(size_t byte_offset) { return byte_offset / 4; }

// A PLIC with up to 64 sources and three contexts: claim picks the pending,
// enabled, not-in-service source of highest priority above the threshold
// (the lowest id on ties); complete is ignored unless the source is
// enabled for the context, as the specification says.
struct PlicModel : MmioSim {
    static constexpr uint32_t N = 64, CONTEXTS = 3;
    uint32_t priority[N] = {};
    bool pending[N] = {};
    bool level[N] = {}; // still asserted by its device after completion
    bool in_service[N] = {};
    uint32_t enable[CONTEXTS][N / 32] = {};
    uint32_t threshold[CONTEXTS] = {};
    std::vector<std::string>* events;
    int bad = 0;

    explicit PlicModel(std::vector<std::string>* ev) : MmioSim(WINDOW), events(ev)
    {
        events->reserve(1024);
    }

    bool enabled(uint32_t c, uint32_t irq) const { return enable[c][irq / 32] >> (irq % 32) & 1; }

    uint32_t best(uint32_t c) const
    {
        uint32_t id = 0;
        for (uint32_t i = 1; i < N; i++)
            if (pending[i] && !in_service[i] && enabled(c, i) && priority[i] > threshold[c] &&
                (id == 0 || priority[i] > priority[id]))
                id = i;
        return id;
    }

    uint64_t on_read(size_t off, unsigned width) override
    {
        if (width != 4 || off % 4) bad++;
        if (off < 4 * N) return priority[off / 4];
        if (off >= 0x1000 && off < 0x1000 + N / 8) {
            uint32_t word = 0, base = static_cast<uint32_t>(off - 0x1000) * 8;
            for (uint32_t b = 0; b < 32; b++) word |= uint32_t{pending[base + b]} << b;
            return word;
        }
        if (off >= 0x2000 && off < 0x2000 + 0x80 * CONTEXTS) {
            size_t c = (off - 0x2000) / 0x80, i = (off - 0x2000) % 0x80 / 4;
            if (i < N / 32) return enable[c][i];
        }
        if (off >= 0x200000) {
            size_t c = (off - 0x200000) / 0x1000, r = (off - 0x200000) % 0x1000;
            if (c < CONTEXTS && r == 0) return threshold[c];
            if (c < CONTEXTS && r == 4) {
                uint32_t id = best(static_cast<uint32_t>(c));
                if (id) {
                    pending[id] = false;
                    in_service[id] = true;
                }
                events->push_back("claim " + std::to_string(id));
                return id;
            }
        }
        bad++;
        return 0;
    }

    void on_write(size_t off, unsigned width, uint64_t v64) override
    {
        auto v = static_cast<uint32_t>(v64);
        if (width != 4 || off % 4) bad++;
        if (off > 0 && off < 4 * N) {
            priority[off / 4] = v;
            return;
        }
        if (off >= 0x2000 && off < 0x2000 + 0x80 * CONTEXTS) {
            size_t c = (off - 0x2000) / 0x80, i = (off - 0x2000) % 0x80 / 4;
            if (i < N / 32) {
                enable[c][i] = v;
                return;
            }
        }
        if (off >= 0x200000) {
            size_t c = (off - 0x200000) / 0x1000, r = (off - 0x200000) % 0x1000;
            if (c < CONTEXTS && r == 0) {
                threshold[c] = v;
                return;
            }
            if (c < CONTEXTS && r == 4) {
                events->push_back("complete " + std::to_string(v));
                if (v < N && enabled(static_cast<uint32_t>(c), v)) {
                    in_service[v] = false;
                    if (level[v]) pending[v] = true;
                }
                return;
            }
        }
        bad++;
    }
};

struct Tally {
    std::vector<std::string>* events;
    uint32_t irq;
    int calls = 0;
};

void record_handler(void* ctx)
{
    auto* t = static_cast<Tally*>(ctx);
    t->calls++;
    t->events->push_back("handle " + std::to_string(t->irq));
}

} // namespace

TEST_CASE("plic: context 1: init, enable 10 and 33 touch exactly the spec's words")
{
    std::vector<uint32_t> regs(WINDOW / 4, S), want(WINDOW / 4, S);
    Plic p;
    REQUIRE(p.init(regs.data(), 40, 1).ok());
    // Sources 0..40 span enable words 0 and 1 of context 1; threshold 0.
    want[w(0x2080)] = 0;
    want[w(0x2084)] = 0;
    want[w(0x201000)] = 0;
    CHECK(regs == want);

    REQUIRE(p.enable(10, 3).ok());
    want[w(4 * 10)] = 3;
    want[w(0x2080)] = 1u << 10;
    CHECK(regs == want);

    REQUIRE(p.enable(33, 1).ok());
    want[w(4 * 33)] = 1;
    want[w(0x2084)] = 1u << 1;
    CHECK(regs == want);
    CHECK(p.is_enabled(10));
    CHECK(p.is_enabled(33));
    CHECK_FALSE(p.is_enabled(11));

    REQUIRE(p.disable(10).ok());
    want[w(0x2080)] = 0;
    CHECK(regs == want);
    CHECK_FALSE(p.is_enabled(10));
}

TEST_CASE("plic: context 2: enables at 0x2100, threshold at 0x202000, claim at 0x202004")
{
    std::vector<uint32_t> regs(WINDOW / 4, S), want(WINDOW / 4, S);
    Plic p;
    REQUIRE(p.init(regs.data(), 33, 2).ok());
    CHECK(p.context() == 2);
    CHECK(p.ndev() == 33);
    REQUIRE(p.enable(33, 7).ok());
    want[w(0x2100)] = 0;
    want[w(0x2104)] = 1u << 1;
    want[w(4 * 33)] = 7;
    want[w(0x202000)] = 0;
    CHECK(regs == want);

    regs[w(0x202004)] = 33;
    CHECK(p.claim() == 33);
    regs[w(0x202004)] = 0;
    p.complete(33);
    CHECK(regs[w(0x202004)] == 33);

    // The pending bits are read from 0x1000, one bit per source.
    regs[w(0x1000)] = 0;
    regs[w(0x1004)] = 1u << 1;
    CHECK(p.is_pending(33));
    CHECK_FALSE(p.is_pending(1));
}

TEST_CASE("plic: out-of-range sources and settings are refused")
{
    std::vector<uint32_t> regs(WINDOW / 4, 0);
    Plic p;
    CHECK(p.init(nullptr, 40, 1).error() == Errno::Inval);
    CHECK(p.init(regs.data(), 0, 1).error() == Errno::Inval);
    CHECK(p.init(regs.data(), 1024, 1).error() == Errno::Inval);
    CHECK(p.init(regs.data(), 40, 15872).error() == Errno::Inval);
    REQUIRE(p.init(regs.data(), 40, 1).ok());
    std::vector<uint32_t> before = regs;

    CHECK(p.enable(0, 1).error() == Errno::Inval);
    CHECK(p.enable(41, 1).error() == Errno::Inval);
    CHECK(p.enable(5, 0).error() == Errno::Inval);
    CHECK(p.disable(0).error() == Errno::Inval);
    CHECK(p.disable(41).error() == Errno::Inval);
    CHECK(regs == before);
    CHECK(p.enable(40, 1).ok()); // ndev itself is a source

    int dummy = 0;
    CHECK(p.register_handler(0, record_handler, &dummy).error() == Errno::Inval);
    CHECK(p.register_handler(41, record_handler, &dummy).error() == Errno::Inval);
    CHECK(p.register_handler(5, nullptr, &dummy).error() == Errno::Inval);
    CHECK(p.register_handler(5, record_handler, &dummy).ok());
    CHECK(p.register_handler(5, record_handler, &dummy).error() == Errno::Exist);
}

TEST_CASE("plic: handle_external claims by priority, handles, completes, until none")
{
    std::vector<std::string> ev;
    PlicModel m(&ev);
    Plic p;
    REQUIRE(p.init(m.base(), 63, 1).ok());
    Tally t10{&ev, 10}, t33{&ev, 33};
    REQUIRE(p.register_handler(10, record_handler, &t10).ok());
    REQUIRE(p.register_handler(33, record_handler, &t33).ok());
    REQUIRE(p.enable(10, 2).ok());
    REQUIRE(p.enable(33, 5).ok());
    CHECK(m.enabled(1, 10));
    CHECK(m.enabled(1, 33));
    CHECK_FALSE(m.enabled(2, 10)); // other contexts untouched

    m.pending[10] = m.pending[33] = true;
    p.handle_external();
    std::vector<std::string> want = {"claim 33", "handle 33", "complete 33",
                                     "claim 10", "handle 10", "complete 10", "claim 0"};
    CHECK(ev == want);
    CHECK(p.stats().handled == 2);
    CHECK(p.stats().spurious == 0);
    CHECK_FALSE(m.in_service[10]);
    CHECK_FALSE(m.in_service[33]);
    CHECK(m.bad == 0);
    CHECK(m.count_width_not(4) == 0);
}

TEST_CASE("plic: a claim without a handler is counted, completed, then masked")
{
    std::vector<std::string> ev;
    PlicModel m(&ev);
    Plic p;
    REQUIRE(p.init(m.base(), 63, 2).ok());
    REQUIRE(p.enable(7, 1).ok());
    m.level[7] = true; // a device nobody serves keeps its line up
    m.pending[7] = true;
    p.handle_external();
    CHECK(p.stats().spurious == 1);
    CHECK(p.stats().handled == 0);
    CHECK_FALSE(p.is_enabled(7));
    // Completed while still enabled, so the PLIC took the completion.
    CHECK_FALSE(m.in_service[7]);
    std::vector<std::string> want = {"claim 7", "complete 7", "claim 0"};
    CHECK(ev == want);

    // A handler registered later gets the source back with enable().
    Tally t7{&ev, 7};
    REQUIRE(p.register_handler(7, record_handler, &t7).ok());
    REQUIRE(p.enable(7, 1).ok());
    m.level[7] = false;
    ev.clear();
    p.handle_external();
    CHECK(t7.calls == 1);
    CHECK(p.stats().handled == 1);
    CHECK(p.stats().spurious == 1);
    CHECK(m.bad == 0);
}

TEST_CASE("plic: a source that never goes quiet is served CLAIM_BUDGET times per call")
{
    std::vector<std::string> ev;
    PlicModel m(&ev);
    Plic p;
    REQUIRE(p.init(m.base(), 63, 1).ok());
    Tally t{&ev, 3};
    REQUIRE(p.register_handler(3, record_handler, &t).ok());
    REQUIRE(p.enable(3, 1).ok());
    m.level[3] = true;
    m.pending[3] = true;
    p.handle_external();
    CHECK(static_cast<size_t>(t.calls) == Plic::CLAIM_BUDGET);
    CHECK(p.stats().handled == Plic::CLAIM_BUDGET);
    CHECK(m.pending[3]); // still asserted: the next interrupt continues
}

TEST_CASE("plic: the threshold set by init lets priority 1 through")
{
    std::vector<std::string> ev;
    PlicModel m(&ev);
    m.threshold[1] = 7; // as firmware might leave it
    Plic p;
    REQUIRE(p.init(m.base(), 63, 1).ok());
    CHECK(m.threshold[1] == 0);
    REQUIRE(p.enable(1, 1).ok());
    m.pending[1] = true;
    CHECK(p.claim() == 1);
    p.complete(1);
    CHECK_FALSE(m.in_service[1]);
}
