// A user address space's translations (FreeBSD's pmap, the user half):
// a user PageTable plus the rules for turning a map entry's protection
// into PTE bits.  The pmap holds no page references and no truth: map
// entries and objects say what a page is; the pmap is a cache the fault
// handler fills, and anything in it can be dropped and faulted back.
//
// Every change returns its TlbFlush (mm/tlb_flush.h) for the caller to run
// before the address space is used again; the host's strict MMU simulator
// fails a test that forgets.
#pragma once

#include <stdint.h>
#include <lib/addr.h>
#include <lib/kassert.h>
#include <lib/result.h>
#include <mm/asid.h>
#include <mm/pagetable.h>
#include <mm/vm_map.h>

class Pmap {
public:
    // An empty user table sharing `kernel`'s kernel half, with `asid`.
    // NoMem when no table page is left.
    static Result<Pmap> create(PtPageSource& src, PageTable& kernel, uint16_t asid);

    Pmap() = default;
    Pmap(Pmap&&) = default;
    Pmap& operator=(Pmap&&) = default;

    // PTE permissions for a protection: user pages, never global, and
    // always readable, as FreeBSD/riscv maps them (Sv39 reserves W without
    // R, and an execute-only page would be the one odd case).  prot must
    // not be NONE.
    // Inline: every fault asks.
    static uint64_t pte_perms(vm_prot_t prot)
    {
        KASSERT(prot != VM_PROT_NONE && !(prot & ~VM_PROT_ALL), "no PTE for protection %#x", prot);
        uint64_t perms = arch::pte::U | arch::pte::R;
        if (prot & VM_PROT_WRITE) perms |= arch::pte::W;
        if (prot & VM_PROT_EXECUTE) perms |= arch::pte::X;
        return perms;
    }

    // Maps the page pa at va (page aligned) with prot, in place of what va
    // mapped before, if anything (pmap_enter): a mapped va has its entry
    // rewritten in place (new bits, or a new page for a copy-on-write
    // break) and the flush names va.  NoMem when a table page is needed
    // and none is left, which only happens where va mapped nothing: it
    // stays unmapped (the caller may fault again later).  *old_flags, when
    // given, gets the PTE flags va had (0: none).
    Result<TlbFlush> enter(VirtAddr va, PhysAddr pa, vm_prot_t prot, uint64_t* old_flags = nullptr);
    // enter() for the page-fault fast path (vm_fault_quick), in two
    // steps: leaf() finds va's entry if its tables exist (nothing is
    // made: an empty Leaf sends the fault to vm_fault), enter_at() maps
    // pa there with prot and flushes va at once.  Returns the old flags.
    PageTable::Leaf leaf(VirtAddr va) const { return pt_.leaf(va); }
    uint64_t enter_at(PageTable::Leaf at, VirtAddr va, PhysAddr pa, vm_prot_t prot)
    {
        return pt_.enter_at(at, va, pa, pte_perms(prot));
    }
    // Drops every translation of [va, va + len) (pmap_remove).
    TlbFlush remove(VirtAddr va, uint64_t len);
    // Takes from every translation of [va, va + len) what prot does not
    // allow (pmap_protect): never adds a permission, so a copy-on-write
    // page stays read-only however much prot allows.  Dropping write is
    // how fork makes private pages copy-on-write.  A prot without read
    // removes the translations (the fault handler maps them again as the
    // map entry then says).
    TlbFlush protect(VirtAddr va, uint64_t len, vm_prot_t prot);
    // What the MMU would find for va.
    Translation extract(VirtAddr va) const { return pt_.lookup(va); }
    // On-demand fork (PageTable::share_leaf_tables): child's translations
    // of the 2 MiB slots of [va, va + len) become this pmap's, through
    // leaf tables both share copy-on-write; the flush is this pmap's.
    Result<void> share_leaves(Pmap& child, VirtAddr va, uint64_t len, TlbFlush& fl)
    {
        return pt_.share_leaf_tables(child.pt_, va, len, fl);
    }
    // Before a fault changes the page at va: va's leaf table becomes this
    // pmap's own if it was shared (PageTable::unshare).  NoMem: unchanged.
    Result<TlbFlush> unshare(VirtAddr va) { return pt_.unshare(va); }
    // A fault in a 2 MiB slot whose fork deferred the write-protect pass
    // (PageTable::settle_pending): true when settling it was all the
    // access needed.
    bool settle_pending(VirtAddr va, vm_prot_t access, TlbFlush& fl)
    {
        return pt_.settle_pending(va, pte_perms(access), fl);
    }

    // Before the hart runs this space (pmap_activate): makes its ASID
    // valid for the allocator's current generation.  Returns true when the
    // whole TLB must be flushed before satp names it: a new generation
    // began, or the hart has no ASIDs and every space is ASID 0.
    bool activate(AsidAllocator& asids);
    // Frees the table pages; the returned flush covers the whole ASID.
    TlbFlush destroy() { return pt_.destroy(); }
    // After destroy()'s flush ran: the ASID may be given out again.
    void release_asid(AsidAllocator& asids) { asids.release(tag_); }
    PageTable& table() { return pt_; }
    uint16_t asid() const { return pt_.asid(); }

private:
    explicit Pmap(PageTable pt) : pt_(static_cast<PageTable&&>(pt)) {}

    PageTable pt_;
    AsidAllocator::Tag tag_;
};
