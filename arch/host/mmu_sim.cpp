// The strict Sv39 MMU of the host tests (see arch/mmu_sim.h).  The walk
// follows the privileged spec's "virtual address translation process",
// taking every "may fault" branch as "faults".
#include <arch/mmu_sim.h>

#include <arch/host_arena.h>
#include <arch/pte.h>
#include <lib/kassert.h>

#include <string.h>

namespace {

MmuSim* g_current = nullptr;

namespace pte = arch::pte;

constexpr uint64_t RESERVED_HIGH = ~uint64_t{0} << 54;

uint64_t region_base(VirtAddr va, unsigned level)
{
    return va.value() & ~(arch::level_size(level) - 1);
}

SimResult fail(SimResult r, SimFault f, FaultWhy why)
{
    r.fault = f;
    r.why = why;
    return r;
}

// Reads one PTE as the walker would; false when pa is not RAM.
bool read_pte(PhysAddr pa, uint64_t* out)
{
    HostArena* a = HostArena::current();
    if (a == nullptr || !a->contains(pa, sizeof(uint64_t))) return false;
    memcpy(out, a->host_ptr(pa), sizeof(uint64_t));
    return true;
}

} // namespace

uint64_t SimResult::scause() const
{
    // Indexed by Access (read, write, execute): load, store/AMO, instruction.
    static constexpr uint64_t page_fault[] = {13, 15, 12};
    static constexpr uint64_t access_fault[] = {5, 7, 1};
    const unsigned i = static_cast<unsigned>(this->access);
    switch (fault) {
    case SimFault::None: return 0;
    case SimFault::Page: return page_fault[i];
    case SimFault::Access: return access_fault[i];
    }
    return 0;
}

MmuSim::MmuSim() : prev_(g_current) { g_current = this; }

MmuSim::~MmuSim()
{
    KASSERT(g_current == this, "MMU simulators must be destroyed in reverse order");
    g_current = prev_;
}

MmuSim* MmuSim::current() { return g_current; }

void MmuSim::set_satp(PhysAddr root, uint16_t asid)
{
    KASSERT(root.is_aligned(arch::PAGE_SIZE), "satp root %#lx not page-aligned", root.value());
    bare_ = false;
    root_ = root;
    asid_ = asid;
}

void MmuSim::set_bare() { bare_ = true; }

SimResult MmuSim::translate(VirtAddr va, Access access, Priv priv)
{
    SimResult r;
    r.access = access;
    if (bare_) {
        r.pa = PhysAddr(va.value());
        return r;
    }
    if (!arch::va_canonical(va)) return fail(r, SimFault::Page, FaultWhy::NonCanonical);
    if (const Found f = find(leaves_, va); f.e != nullptr) {
        hits_++;
        r.from_tlb = true;
        return check_leaf(f.e->pte, f.level, va, priv, r);
    }
    if (const Found f = find(invalid_, va); f.e != nullptr) {
        hits_++;
        r.from_tlb = true;
        r.level = f.level;
        return fail(r, SimFault::Page, FaultWhy::Invalid);
    }
    return walk(va, priv, r);
}

// The table walk, starting below the deepest cached pointer entry if any.
SimResult MmuSim::walk(VirtAddr va, Priv priv, SimResult r)
{
    walks_++;
    PhysAddr table = root_;
    int level = arch::PT_LEVELS - 1;
    bool global = false;
    if (const Found f = find(nonleaf_, va); f.e != nullptr) {
        table = arch::Pte{f.e->pte}.pa();
        level = static_cast<int>(f.level) - 1;
        global = f.e->global;
    }
    for (;; level--) {
        if (level < 0) return fail(r, SimFault::Page, FaultWhy::PointerAtLevel0);
        const unsigned lv = static_cast<unsigned>(level);
        uint64_t raw;
        if (!read_pte(table + arch::pt_index(va, lv) * sizeof(uint64_t), &raw))
            return fail(r, SimFault::Access, FaultWhy::TableOutsideRam);
        const arch::Pte e{raw};
        r.level = lv;
        if (!e.valid()) {
            if (cache_invalid_) remember(invalid_, va, lv, false, raw);
            return fail(r, SimFault::Page, FaultWhy::Invalid);
        }
        if (raw & RESERVED_HIGH) return fail(r, SimFault::Page, FaultWhy::ReservedBits);
        if ((raw & pte::W) && !(raw & pte::R)) return fail(r, SimFault::Page, FaultWhy::ReservedWR);
        global = global || (raw & pte::G);
        if (e.leaf()) {
            if (lv > 0 && (e.pa().value() & (arch::level_size(lv) - 1)))
                return fail(r, SimFault::Page, FaultWhy::MisalignedSuper);
            remember(leaves_, va, lv, global, raw);
            return check_leaf(raw, lv, va, priv, r);
        }
        if (raw & (pte::A | pte::D | pte::U)) return fail(r, SimFault::Page, FaultWhy::NonLeafADU);
        if (lv == 0) return fail(r, SimFault::Page, FaultWhy::PointerAtLevel0);
        if (cache_nonleaf_) remember(nonleaf_, va, lv, global, raw);
        table = e.pa();
    }
}

// Permission, then A/D: what a hart checks on every access, cached or not.
SimResult MmuSim::check_leaf(uint64_t raw, unsigned level, VirtAddr va, Priv priv,
                             SimResult r) const
{
    r.level = level;
    if (priv == Priv::User && !(raw & pte::U)) return fail(r, SimFault::Page, FaultWhy::NotUser);
    if (priv == Priv::Supervisor && (raw & pte::U)) {
        if (r.access == Access::Execute)
            return fail(r, SimFault::Page, FaultWhy::SupervisorExecU);
        if (!sum_) return fail(r, SimFault::Page, FaultWhy::UserPageNoSum);
    }
    switch (r.access) {
    case Access::Read:
        if (!(raw & pte::R) && !(mxr_ && (raw & pte::X)))
            return fail(r, SimFault::Page, FaultWhy::NoRead);
        break;
    case Access::Write:
        if (!(raw & pte::W)) return fail(r, SimFault::Page, FaultWhy::NoWrite);
        break;
    case Access::Execute:
        if (!(raw & pte::X)) return fail(r, SimFault::Page, FaultWhy::NoExec);
        break;
    }
    if (!(raw & pte::A)) return fail(r, SimFault::Page, FaultWhy::AccessedClear);
    if (r.access == Access::Write && !(raw & pte::D))
        return fail(r, SimFault::Page, FaultWhy::DirtyClear);
    r.pa = arch::Pte{raw}.pa() + (va.value() & (arch::level_size(level) - 1));
    return r;
}

void MmuSim::Cache::clear()
{
    for (auto& l : level) l.clear();
}

MmuSim::Found MmuSim::find(const Cache& c, VirtAddr va) const
{
    for (unsigned lv = 0; lv < arch::PT_LEVELS; lv++) {
        auto [it, end] = c.level[lv].equal_range(region_base(va, lv));
        for (; it != end; ++it)
            if (it->second.global || it->second.asid == asid_) return {&it->second, lv};
    }
    return {nullptr, 0};
}

void MmuSim::remember(Cache& c, VirtAddr va, unsigned level, bool global, uint64_t raw)
{
    const uint64_t base = region_base(va, level);
    auto [it, end] = c.level[level].equal_range(base);
    for (; it != end; ++it) {
        if (it->second.asid == asid_ && it->second.global == global) {
            it->second.pte = raw;
            return;
        }
    }
    c.level[level].emplace(base, Entry{asid_, global, raw});
}

void MmuSim::flush_page(VirtAddr va, uint16_t asid)
{
    flushes_++;
    auto hit = [&](const Entry& e) { return asid == 0 || (!e.global && e.asid == asid); };
    for (Cache* c : {&leaves_, &invalid_}) {
        for (unsigned lv = 0; lv < arch::PT_LEVELS; lv++) {
            auto [it, end] = c->level[lv].equal_range(region_base(va, lv));
            while (it != end) it = hit(it->second) ? c->level[lv].erase(it) : ++it;
        }
    }
}

void MmuSim::flush_asid(uint16_t asid)
{
    if (asid == 0) {
        flush_all();
        return;
    }
    flushes_++;
    auto hit = [&](const auto& kv) { return !kv.second.global && kv.second.asid == asid; };
    for (Cache* c : {&leaves_, &invalid_, &nonleaf_})
        for (auto& l : c->level) std::erase_if(l, hit);
}

void MmuSim::flush_all()
{
    flushes_++;
    leaves_.clear();
    invalid_.clear();
    nonleaf_.clear();
}
