// Sv39 page tables, machine-independent: map, unmap, protect and lookup
// over the arch PTE format (the job of FreeBSD's pmap_enter/pmap_remove/
// pmap_protect/pmap_extract, without the vm_page bookkeeping).  Table pages
// come from a PtPageSource and are touched only through arch::phys_to_virt.
//
// Rules the tables keep (docs/memory.md):
//   - leaves carry A, and D when writable (arch::Pte::leaf); non-leaf
//     entries keep A, D and U clear (arch::Pte::table);
//   - G only in the kernel half (upper, va bit 38 set), U only in the user
//     half: a global lower-half entry would leak into every address space;
//   - W without R (reserved by the spec) and empty permissions are refused;
//   - no empty intermediate table survives an unmap, except the level-1
//     tables under kernel-half root entries of the kernel table: those are
//     permanent, because user tables copy the root entries that point to
//     them (share_kernel_half) and would otherwise be left pointing at
//     freed pages.
//
// TLB discipline: every operation that changes a translation returns a
// TlbFlush that the caller must execute() (mm/tlb_flush.h).  Sprig's rule
// for invalid -> valid is "flush too" (the spec lets a hart cache invalid
// entries), so map() returns one as well, naming each new leaf.  Freeing a
// table or splitting a superpage makes it a whole-space flush: an
// sfence.vma naming an address orders only that address's walk (and drops
// only leaf entries), while cached non-leaf entries or the neighbours of a
// split page need the flush without an address.
#pragma once

#include <stdint.h>
#include <kernel/machdep.h>
#include <arch/pte.h>
#include <lib/addr.h>
#include <lib/result.h>
#include <mm/pt_pages.h>
#include <mm/tlb_flush.h>

// Which leaf sizes map() may use.
enum class PageSizes : uint8_t {
    Small, // 4 KiB leaves only (user mappings)
    Super, // 1 GiB and 2 MiB leaves wherever va, pa and the length allow (the direct map)
};

// What lookup() found: the physical address of the byte at va, the leaf's
// flags (V R W X U G A D) and its level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB).
// flags == 0 (valid() false) when va is not mapped.
struct Translation {
    PhysAddr pa;
    uint64_t flags = 0;
    unsigned level = 0;

    bool valid() const { return (flags & arch::pte::V) != 0; }
    explicit operator bool() const { return valid(); }
};

class PageTable {
public:
    enum class Kind : uint8_t {
        Kernel, // ASID 0, may map anywhere; owns the kernel half
        User,   // maps the user half only; borrows the kernel half's root entries
    };

    // The kernel's table: an empty root (ASID 0).  NoMem if no page.
    static Result<PageTable> create_kernel(PtPageSource& src);
    // A user table with a fresh root whose kernel-half entries are copies
    // of `kernel`'s, so the kernel's level-1 tables (and everything below)
    // are shared, never freed by this table.  From then on the kernel's
    // kernel-half root entries are frozen: reserve them beforehand with
    // reserve_kernel_roots().  NoMem if no page.
    static Result<PageTable> create_user(PtPageSource& src, uint16_t asid, PageTable& kernel);

    PageTable() = default; // empty: no root (what a moved-from table is)
    PageTable(PageTable&& o);
    PageTable& operator=(PageTable&& o);
    PageTable(const PageTable&) = delete;
    PageTable& operator=(const PageTable&) = delete;
    // destroy() and a flush, if the owner did not destroy it already.
    ~PageTable();

    // Maps [va, va + len) to [pa, pa + len) with perms (pte::R W X U G).
    // va, pa and len 4 KiB-aligned, len > 0, the range canonical and within
    // one half (the user half for a user table); perms per the rules above.
    // Errors, each leaving the tables as they were:
    //   Inval  bad arguments;
    //   Exist  some page of the range is mapped already;
    //   NoMem  no table page: what this call mapped is unmapped again and
    //          the tables it allocated are freed (the flush is run before
    //          returning), except permanent kernel-half level-1 tables.
    Result<TlbFlush> map(VirtAddr va, PhysAddr pa, uint64_t len, uint64_t perms,
                         PageSizes sizes = PageSizes::Small);
    // Maps the one 4 KiB page va to pa with perms (validated as for map),
    // in place of the 4 KiB page va maps now, if any: one walk, making the
    // tables it lacks, and one PTE store (FreeBSD's pmap_enter over an
    // existing mapping rewrites the entry).  A changed leaf stays valid
    // throughout (a permission upgrade or a new page for a copy-on-write
    // break): the flush names va, as the old entry may be cached; an
    // identical entry needs none.  *old_flags, when given, gets the flags
    // of the entry replaced (0: va mapped nothing).  Inval for bad
    // arguments or when a superpage covers va; NoMem as for map (no
    // translation changed).
    Result<TlbFlush> enter_page(VirtAddr va, PhysAddr pa, uint64_t perms,
                                uint64_t* old_flags = nullptr);
    // enter_page for a page fault, in two steps so that the fault can
    // check the tables before it changes anything else: leaf() walks to
    // va's 4 KiB entry without making a table (an empty Leaf when one is
    // missing, a superpage covers va or va is not a user address of this
    // user table), and enter_at() stores the leaf there, as enter_page
    // would, and flushes va itself (the fault returns to the access
    // next): no token.  Nothing may change the tables in between.
    struct Leaf {
        arch::Pte* pte = nullptr;
        PhysAddr table; // the level-0 table holding *pte, for its count
        explicit operator bool() const { return pte != nullptr; }
    };
    // Both inline: they are most of a page fault's page-table work.
    Leaf leaf(VirtAddr va) const
    {
        Leaf at;
        // A user address: canonical, in the lower half (user tables map
        // nothing else).
        if (va.value() >= (uint64_t{1} << (arch::VA_BITS - 1))) return at;
        PhysAddr table = root_;
        for (unsigned level = arch::PT_LEVELS - 1; level > 0; level--) {
            const arch::Pte e = pt_entries(table)[arch::pt_index(va, level)];
            // Only a plain pointer to a table is followed: valid, no
            // R/W/X (not a leaf), no hint.  A leaf table that may be shared
            // is made this table's own (enter_page) before anything is
            // entered in it; one marked write-protected is unmarked there
            // before W is entered.  One test for the three, as the fault
            // path walks two levels.
            constexpr uint64_t FOLLOW = arch::pte::V | arch::pte::RWX | SHARED_HINT | WP_HINT;
            if ((e.raw & FOLLOW) != arch::pte::V) return at;
            table = e.pa();
        }
        at.pte = &pt_entries(table)[arch::pt_index(va, 0)];
        at.table = table;
        return at;
    }
    // perms as for enter_page (user, validated by the caller's rules);
    // returns the flags of the entry replaced (0: none).
    uint64_t enter_at(Leaf at, VirtAddr va, PhysAddr pa, uint64_t perms)
    {
        if constexpr (INVARIANTS) check_enter_at(at, va, pa, perms);
        arch::Pte& e = *at.pte;
        const arch::Pte n = arch::Pte::leaf(pa, perms);
        const uint64_t old = e.flags();
        if (e.raw == n.raw) return old;
        if (!e.valid()) {
            // count() checks the count against a scan in the debug build.
            if constexpr (INVARIANTS)
                count_new_leaf(at.table);
            else
                src_->valid_count(at.table)++;
        }
        e = n;
        // A changed leaf may be cached (and so may an invalid entry): as
        // enter_page's token would, flush va before the access is retried.
        arch::tlb_flush_page(va, asid_);
        return old;
    }
    // Unmaps whatever is mapped in [va, va + len); holes are fine.  A
    // superpage the range covers only partly is split first (so its other
    // pages stay mapped) and intermediate tables left empty are freed (after
    // the flush).  NoMem if a split needs a page and there is none: then no
    // translation has changed, though superpages already split stay split
    // (same translations; destroy() or a later unmap reclaims the tables;
    // the flush for the split is run before returning).
    Result<TlbFlush> unmap(VirtAddr va, uint64_t len);
    // Gives every mapped page of [va, va + len) the permissions perms
    // (validated as for map; holes are skipped), splitting superpages the
    // range covers partly.  Errors and NoMem as for unmap.
    Result<TlbFlush> protect(VirtAddr va, uint64_t len, uint64_t perms);
    // Takes from every mapped page of [va, va + len) the permissions not in
    // keep, leaving the others as each page has them (pmap_protect's
    // masking: a copy-on-write page stays read-only when keep allows
    // writing).  A page left with W but not R loses W too.  keep is
    // validated as map()'s perms, with R or X among them; pages that
    // would be left with nothing must be unmapped instead.  Errors and
    // NoMem as for unmap.
    Result<TlbFlush> restrict(VirtAddr va, uint64_t len, uint64_t keep);
    // The translation of va as the MMU would find it through this root.
    Translation lookup(VirtAddr va) const;

    // On-demand fork (docs/memory.md, "Shared leaf tables").  A user
    // table's level-1 entry may point at a leaf table that other user
    // tables' entries point at too: the leaf table's share_count counts
    // the others, it grants no W, and every entry pointing at it carries
    // SHARED_HINT (one of the PTE bits Sv39 leaves to software; the
    // hardware ignores it).  The hint may outlive the sharing (the others
    // have let go, the count is 0): the next change takes the table back
    // without a copy.  Every operation that changes an entry under a
    // shared table first makes it this table's own: a copy of its 512
    // entries (the pmap holds no page references, so nothing else), or,
    // for unmap and protect when no page is left for the copy (and for an
    // unmap of the whole slot), by dropping the level-1 entry: a pmap is
    // a cache that faults refill.  destroy() drops a shared table and
    // frees it only when it is the last.
    static constexpr uint64_t SHARED_HINT = uint64_t{1} << 8; // RSW bit 0
    // The other RSW bit: on every level-1 entry pointing at a leaf table
    // whose write_protected flag is set (set with the flag by a share or a
    // copy; a stale one is harmless, it only sends faults to enter_page).
    // It keeps leaf()/enter_at, the quick fault path, from entering W in
    // a table marked write-protected without a load of the mark.
    static constexpr uint64_t WP_HINT = uint64_t{1} << 9;
    static constexpr uint64_t LEAF_TABLE_SPAN = uint64_t{1} << 21; // a leaf table's 2 MiB
    // A pending level-1 entry: the fork deferred its table's write-protect
    // pass.  V is clear, so the MMU faults on the whole 2 MiB (Sv39
    // ignores every other bit of an invalid entry: the PPN and the hints
    // stay for software), and SHARED_HINT is set.  Every software walk
    // treats it as pointing at its table; the first change (the fault
    // either side takes at its first access, or an unmap, protect, map
    // or destroy) settles it: valid again, after the pass if other spaces
    // still share the table.  lookup() sees what the MMU sees: nothing.
    static bool pending(arch::Pte e)
    {
        return (e.raw & (arch::pte::V | SHARED_HINT)) == SHARED_HINT;
    }
    // A table with at least defer_pass_min valid entries, not yet
    // write-protected, is shared with its entries made pending, not
    // passed over (the pass costs several instructions an entry, a
    // revalidation one fault).  DEFER_PASS by default; a host test sets
    // it past PT_ENTRIES for the eager pass, or low to defer everything.
    static constexpr unsigned DEFER_PASS = arch::PT_ENTRIES / 2;
    static unsigned defer_pass_min;

    // Points child's level-1 entries for the 2 MiB slots of [va, va + len)
    // (both 2 MiB aligned) at this table's leaf tables there: each leaf
    // table's entries lose W (once: a table known write-protected is not
    // scanned again; the flush, this table's, goes in fl), or, for a
    // table of defer_pass_min entries or more, both level-1 entries are
    // made pending instead (the pass deferred to the first access); its
    // share count goes up, and both entries carry the hint.  Slots where this table
    // has no leaf table are skipped.  Both user tables from one source;
    // the child's slots empty and the child never run (its TLB caches
    // nothing of it).  Inval for a misaligned range; NoMem when the child
    // needs an intermediate table and none is left: the slots before it
    // are shared, the rest not (the child's owner destroys it), and the
    // entries may have lost W (faults give it back).
    Result<void> share_leaf_tables(PageTable& child, VirtAddr va, uint64_t len, TlbFlush& fl);
    // Makes the leaf table holding va's entry this table's own if it may be
    // shared (the copy enter_page would make), before a fault changes
    // what the page is.  NoMem (no page for the copy): nothing changed.
    Result<TlbFlush> unshare(VirtAddr va);
    // A fault's first step: when va's level-1 entry is pending, makes it
    // valid (revalidate: the deferred pass if the table is still shared;
    // the flush goes in fl) and returns whether va's leaf now grants
    // need (pte bits): then the access may simply be retried, the table
    // still shared (a read after a fork copies nothing).  False when the
    // entry was not pending or the leaf falls short.
    bool settle_pending(VirtAddr va, uint64_t need, TlbFlush& fl);
    // Whether va's leaf table is shared with another table now.
    bool leaf_table_shared(VirtAddr va) const;

    // Kernel table only, before any user table exists: gives every root
    // entry of [va, va + len) (kernel half) a level-1 table, so that later
    // kernel mappings there never change a root entry and so reach every
    // address space.  Inval for a bad range, NoMem (entries made so far stay:
    // they are permanent anyway).
    Result<void> reserve_kernel_roots(VirtAddr va, uint64_t len);

    // Frees every table page (never the mapped pages, never the shared
    // kernel half of a user table), root included; the table is empty
    // afterwards.  The token flushes the whole ASID and frees the pages.
    TlbFlush destroy();

    // A user table's address space was given another ASID (a new ASID
    // generation, mm/asid.h): later flushes name the new one.  What the
    // TLB cached under the old ASID must already be gone (the generation
    // change flushed everything).
    void set_asid(uint16_t asid);

    bool live() const { return src_ != nullptr; }
    Kind kind() const { return kind_; }
    uint16_t asid() const { return asid_; }
    // For satp.
    PhysAddr root() const { return root_; }

private:
    struct Span; // a checked range, as offsets in the 39-bit space

    PageTable(PtPageSource& src, PhysAddr root, Kind kind, uint16_t asid)
        : src_(&src), root_(root), asid_(asid), kind_(kind) {}

    static arch::Pte* pt_entries(PhysAddr table)
    {
        return static_cast<arch::Pte*>(arch::phys_to_virt(table));
    }
    void check_enter_at(Leaf at, VirtAddr va, PhysAddr pa, uint64_t perms) const;
    void count_new_leaf(PhysAddr table);
    Result<Span> check_range(VirtAddr va, uint64_t len) const;
    Result<void> check_perms(uint64_t perms, const Span& s) const;
    Result<TlbFlush> change_perms(VirtAddr va, uint64_t len, uint64_t perms, bool mask);
    Result<void> split_ends(const Span& s, TlbFlush& fl);
    Result<void> split_at(uint64_t off, TlbFlush& fl);
    Result<void> split_leaf(arch::Pte& e, unsigned level, unsigned index, TlbFlush& fl);
    Result<void> add_table(PhysAddr table, unsigned level, unsigned i, arch::Pte& e);
    Result<PhysAddr> page_table_of(uint64_t off, arch::Pte** dir);
    // The level-1 entry of off's slot and the table holding it; a null
    // entry when there is no level-1 table (made first when make).
    struct Slot {
        arch::Pte* e = nullptr;
        PhysAddr table;
    };
    Result<Slot> slot_of(uint64_t off, bool make);
    Result<void> own_slot(uint64_t off, TlbFlush& fl);
    void write_protect_leaves(PhysAddr table, uint64_t lo, TlbFlush& fl);
    Result<void> own_leaf_table(arch::Pte& e, uint64_t off, TlbFlush& fl);
    void revalidate(arch::Pte& e, uint64_t off, TlbFlush& fl);
    bool settle_shared(PhysAddr table, arch::Pte& e, uint64_t off, bool whole, uint16_t*& n,
                       TlbFlush& fl);
    bool has_leaf(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi) const;
    Result<void> map_level(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi, PhysAddr pa,
                           uint64_t perms, PageSizes sizes, TlbFlush& fl);
    bool unmap_level(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi, TlbFlush& fl,
                     bool prune_all);
    // mask: new perms are the old ones within perms (restrict), else perms.
    void protect_level(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi, uint64_t perms,
                       bool mask,
                       TlbFlush& fl);
    bool protect_entry(arch::Pte& e, unsigned level, unsigned index, uint64_t lo, uint64_t hi,
                       uint64_t perms, bool mask, TlbFlush& fl);
    void destroy_level(PhysAddr table, unsigned level, TlbFlush& fl);
    unsigned destroy_entries(arch::Pte* t, unsigned n, unsigned level, unsigned valid,
                             TlbFlush& fl);
    bool destroy_entry(arch::Pte& e, unsigned level, TlbFlush& fl);
    bool permanent(unsigned level, unsigned index) const;
    // The table page's count of valid entries (checked against a scan in
    // the debug build).
    uint16_t& count(PhysAddr table) const;
    void note_root_change(unsigned level, unsigned index) const;

    PtPageSource* src_ = nullptr;
    PhysAddr root_;
    uint16_t asid_ = 0;
    uint16_t kernel_roots_ = 0; // valid kernel-half root entries a user table copied
    Kind kind_ = Kind::User;
    bool kernel_shared_ = false; // a user table copied our kernel-half root entries
    // Kernel table, once shared: which kernel-half root entries are valid.
    static constexpr unsigned KERNEL_ROOT_WORDS = arch::PT_ENTRIES / 2 / 64;
    uint64_t kernel_root_bits_[KERNEL_ROOT_WORDS] = {};
};
