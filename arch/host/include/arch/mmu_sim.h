// A strict Sv39 MMU for host tests: it walks real page tables in the
// current HostArena the way the privileged spec's algorithm does, and
// behaves like the least forgiving hardware Sprig runs on:
//   - never sets A or D: a clear A, or a clear D on a store, is a page
//     fault (SiFive U74);
//   - reserved encodings fault: W without R, A/D/U on a non-leaf entry,
//     bits 63..54 set, a superpage whose PPN is not aligned, a pointer at
//     level 0, a non-canonical address;
//   - U-mode needs U; S-mode reaches U pages only with SUM, and never
//     executes them; MXR makes execute-only pages readable;
//   - a TLB keeps every translation it made (leaves, with ASID and G)
//     until an explicit flush, and optionally invalid results and non-leaf
//     entries too (both on by default), so a missing flush in page-table
//     code shows up as a stale translation.
// One simulator is current at a time (a stack, like HostArena);
// arch::tlb_flush_page/_asid/_all reach it, and do nothing with none.
//
// Flush semantics (the seam's, arch/host/tlb.cpp):
//   flush_page(va, asid)  sfence.vma va, asid: drops leaf and invalid entries
//                         covering va; asid 0 stands for rs2 = x0 (every
//                         address space, global entries too), otherwise
//                         only non-global entries of that ASID.  Cached
//                         non-leaf entries stay, as the spec allows.
//   flush_asid(asid)      sfence.vma x0, asid: everything non-global of
//                         that ASID, any level; asid 0 means flush_all.
//   flush_all()           sfence.vma x0, x0.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <unordered_map>
#include <lib/addr.h>

enum class Access : uint8_t { Read, Write, Execute };
enum class Priv : uint8_t { User, Supervisor };

enum class SimFault : uint8_t {
    None,
    Page,   // instruction/load/store page fault (scause 12/13/15)
    Access, // a table outside RAM: instruction/load/store access fault (1/5/7)
};

enum class FaultWhy : uint8_t {
    None,
    NonCanonical,     // bits 63..39 differ from bit 38
    Invalid,          // V clear
    ReservedWR,       // W without R
    ReservedBits,     // bits 63..54 set (no Svpbmt/Svnapot here)
    NonLeafADU,       // A, D or U on a pointer entry
    PointerAtLevel0,  // a pointer where only leaves may be
    MisalignedSuper,  // superpage PPN not aligned to its size
    NotUser,          // U-mode access to a page without U
    UserPageNoSum,    // S-mode load/store to a U page with SUM clear
    SupervisorExecU,  // S-mode execute from a U page
    NoRead,
    NoWrite,
    NoExec,
    AccessedClear,    // A clear
    DirtyClear,       // store with D clear
    TableOutsideRam,  // a page-table address outside the arena
};

struct SimResult {
    PhysAddr pa;
    SimFault fault = SimFault::None;
    FaultWhy why = FaultWhy::None;
    Access access = Access::Read;
    unsigned level = 0;    // of the leaf that translated
    bool from_tlb = false; // answered (or refused) by a cached entry

    bool ok() const { return fault == SimFault::None; }
    // The exception code the hart would report, 0 when ok.
    uint64_t scause() const;
};

class MmuSim {
public:
    MmuSim();  // becomes current; Bare mode, SUM and MXR clear, empty TLB
    ~MmuSim(); // the previous one becomes current again
    MmuSim(const MmuSim&) = delete;
    MmuSim& operator=(const MmuSim&) = delete;
    static MmuSim* current();

    // satp: Sv39 with a root table and ASID, or Bare (pa = va).  Writing
    // satp flushes nothing, as on hardware.
    void set_satp(PhysAddr root, uint16_t asid);
    void set_bare();
    void set_sum(bool on) { sum_ = on; }
    void set_mxr(bool on) { mxr_ = on; }
    // Whether invalid results and non-leaf entries are cached too.
    void set_cache_invalid(bool on) { cache_invalid_ = on; }
    void set_cache_nonleaf(bool on) { cache_nonleaf_ = on; }

    // Translates one access as the hart would, filling the TLB.
    SimResult translate(VirtAddr va, Access access, Priv priv);

    void flush_page(VirtAddr va, uint16_t asid);
    void flush_asid(uint16_t asid);
    void flush_all();

    // Counters for tests.
    uint64_t walks() const { return walks_; }
    uint64_t tlb_hits() const { return hits_; }
    uint64_t flushes() const { return flushes_; }
    size_t tlb_entries() const { return leaves_.size() + invalid_.size() + nonleaf_.size(); }

private:
    // A cached entry: the PTE found at `level` for the naturally aligned
    // region of va that it maps (leaf), refuses (invalid) or points into
    // (non-leaf), tagged like hardware does.
    struct Entry {
        uint16_t asid;
        bool global;
        uint64_t pte;
    };
    // Entries by level, each keyed by the base of its region.
    struct Cache {
        std::unordered_multimap<uint64_t, Entry> level[3];
        size_t size() const { return level[0].size() + level[1].size() + level[2].size(); }
        void clear();
    };
    struct Found {
        const Entry* e;
        unsigned level;
    };

    SimResult walk(VirtAddr va, Priv priv, SimResult r);
    SimResult check_leaf(uint64_t pte, unsigned level, VirtAddr va, Priv priv, SimResult r) const;
    // The deepest entry of c that covers va and matches the current ASID.
    Found find(const Cache& c, VirtAddr va) const;
    void remember(Cache& c, VirtAddr va, unsigned level, bool global, uint64_t pte);

    bool bare_ = true;
    PhysAddr root_;
    uint16_t asid_ = 0;
    bool sum_ = false;
    bool mxr_ = false;
    bool cache_invalid_ = true;
    bool cache_nonleaf_ = true;
    Cache leaves_;
    Cache invalid_;
    Cache nonleaf_;
    uint64_t walks_ = 0;
    uint64_t hits_ = 0;
    uint64_t flushes_ = 0;
    MmuSim* prev_;
};
