#include <mm/pagetable.h>

#include <kernel/machdep.h>
#include <lib/bits.h>
#include <lib/kassert.h>
#include <lib/utility.h>

#include <string.h>

// Ranges are handled as offsets in the 39-bit space (va with the sign
// extension stripped), so the kernel half is [HALF, SPACE) and no end
// wraps around to 0.
namespace {

using arch::Pte;
namespace pte = arch::pte;

constexpr unsigned TOP = arch::PT_LEVELS - 1;
constexpr uint64_t SPACE = uint64_t{1} << arch::VA_BITS;
constexpr uint64_t HALF = SPACE / 2;
constexpr uint64_t PA_LIMIT = uint64_t{1} << 56; // Sv39 physical addresses
constexpr unsigned KERNEL_ROOT_FIRST = arch::PT_ENTRIES / 2;
constexpr uint64_t PERM_BITS = pte::R | pte::W | pte::X | pte::U | pte::G;
// A leaf table with at least this many valid entries is cleared whole by
// destroy: a scan costs several instructions an entry, a clear of the
// page about one a word.
constexpr unsigned DENSE_LEAVES = arch::PT_ENTRIES / 8;

Pte* table_of(PhysAddr pa) { return static_cast<Pte*>(arch::phys_to_virt(pa)); }

unsigned index_of(uint64_t off, unsigned level) { return arch::pt_index(VirtAddr(off), level); }

VirtAddr to_va(uint64_t off)
{
    return VirtAddr(off & HALF ? off | ~(SPACE - 1) : off);
}

// A scan: what each table page's count must equal (checked in the debug
// build only; the count is what makes emptiness cheap).  A pending
// level-1 entry counts: it still points at its table.
unsigned scan_valid(PhysAddr table)
{
    const Pte* t = table_of(table);
    unsigned n = 0;
    // valid() || pending() in one masked test: debug faults pay this scan.
    constexpr uint64_t COUNTED = arch::pte::V | PageTable::SHARED_HINT;
    for (unsigned i = 0; i < arch::PT_ENTRIES; i++) n += (t[i].raw & COUNTED) != 0;
    return n;
}

// Whether e points at a table (or would, but for a deferred pass).
bool points_below(Pte e) { return (e.valid() && !e.leaf()) || PageTable::pending(e); }

bool table_empty(PhysAddr table) { return scan_valid(table) == 0; }

// End of the slot of `level` holding off, clipped to hi.
uint64_t slot_end(uint64_t off, unsigned level, uint64_t hi)
{
    const uint64_t size = arch::level_size(level);
    return sprig::min(sprig::align_down(off, size) + size, hi);
}

bool covers_slot(uint64_t lo, uint64_t next, unsigned level)
{
    return lo % arch::level_size(level) == 0 && next - lo == arch::level_size(level);
}

} // namespace

unsigned PageTable::defer_pass_min = PageTable::DEFER_PASS;

uint16_t& PageTable::count(PhysAddr table) const
{
    uint16_t& n = src_->valid_count(table);
    KASSERT(n == scan_valid(table), "page table %#lx counts %u valid entries, holds %u",
            table.value(), unsigned(n), scan_valid(table));
    return n;
}

struct PageTable::Span {
    uint64_t lo = 0;
    uint64_t hi = 0;
    bool upper = false; // in the kernel half
};

Result<PageTable> PageTable::create_kernel(PtPageSource& src)
{
    const PhysAddr root = TRY(src.alloc_table_page());
    KASSERT(table_empty(root) && src.valid_count(root) == 0,
            "page source gave a root table that is not zeroed");
    return PageTable(src, root, Kind::Kernel, 0);
}

Result<PageTable> PageTable::create_user(PtPageSource& src, uint16_t asid, PageTable& kernel)
{
    KASSERT(kernel.live() && kernel.kind_ == Kind::Kernel, "create_user needs the kernel table");
    const PhysAddr root = TRY(src.alloc_table_page());
    KASSERT(table_empty(root) && src.valid_count(root) == 0,
            "page source gave a root table that is not zeroed");
    const Pte* k = table_of(kernel.root_);
    Pte* u = table_of(root);
    // The kernel's kernel-half root entries are frozen from the first
    // share on, so which of them are valid is worked out once: each fork
    // then copies those few instead of 256 entries (the rest of the new
    // root is zero already).
    if (!kernel.kernel_shared_) {
        for (uint64_t& w : kernel.kernel_root_bits_) w = 0;
        for (unsigned i = KERNEL_ROOT_FIRST; i < arch::PT_ENTRIES; i++)
            if (k[i].valid())
                kernel.kernel_root_bits_[(i - KERNEL_ROOT_FIRST) / 64] |= uint64_t{1} << (i % 64);
        kernel.kernel_shared_ = true;
    }
    uint16_t n = 0;
    for (unsigned w = 0; w < KERNEL_ROOT_WORDS; w++) {
        for (uint64_t bits = kernel.kernel_root_bits_[w]; bits; bits &= bits - 1) {
            const unsigned i = KERNEL_ROOT_FIRST + w * 64 + sprig::lowest_bit(bits);
            u[i] = k[i];
            n++;
        }
    }
    if constexpr (INVARIANTS) {
        for (unsigned i = KERNEL_ROOT_FIRST; i < arch::PT_ENTRIES; i++)
            KASSERT(u[i].raw == k[i].raw, "kernel root entry %u changed after it was shared", i);
    }
    src.valid_count(root) = n;
    PageTable pt(src, root, Kind::User, asid);
    pt.kernel_roots_ = n;
    return pt;
}

PageTable::PageTable(PageTable&& o)
    : src_(o.src_), root_(o.root_), asid_(o.asid_), kernel_roots_(o.kernel_roots_),
      kind_(o.kind_), kernel_shared_(o.kernel_shared_)
{
    for (unsigned w = 0; w < KERNEL_ROOT_WORDS; w++) kernel_root_bits_[w] = o.kernel_root_bits_[w];
    o.src_ = nullptr;
    o.root_ = PhysAddr();
}

void PageTable::set_asid(uint16_t asid)
{
    KASSERT(kind_ == Kind::User, "the kernel table's ASID is 0 for good");
    asid_ = asid;
}

PageTable& PageTable::operator=(PageTable&& o)
{
    if (this == &o) return *this;
    if (live()) destroy().execute();
    src_ = o.src_;
    root_ = o.root_;
    asid_ = o.asid_;
    kernel_roots_ = o.kernel_roots_;
    kind_ = o.kind_;
    kernel_shared_ = o.kernel_shared_;
    for (unsigned w = 0; w < KERNEL_ROOT_WORDS; w++) kernel_root_bits_[w] = o.kernel_root_bits_[w];
    o.src_ = nullptr;
    o.root_ = PhysAddr();
    return *this;
}

PageTable::~PageTable()
{
    if (live()) destroy().execute();
}

Result<PageTable::Span> PageTable::check_range(VirtAddr va, uint64_t len) const
{
    if (len == 0 || !va.is_aligned(arch::PAGE_SIZE) || len % arch::PAGE_SIZE != 0)
        return Errno::Inval;
    if (!arch::va_canonical(va)) return Errno::Inval;
    const uint64_t lo = va.value() & (SPACE - 1);
    const bool upper = lo >= HALF;
    // Both ends in one half: a range may not run into the non-canonical hole.
    if (len > (upper ? SPACE : HALF) - lo) return Errno::Inval;
    if (kind_ == Kind::User && upper) return Errno::Inval;
    return Span{lo, lo + len, upper};
}

Result<void> PageTable::check_perms(uint64_t perms, const Span& s) const
{
    if (perms & ~PERM_BITS) return Errno::Inval;
    if (!(perms & pte::RWX)) return Errno::Inval;
    if ((perms & pte::W) && !(perms & pte::R)) return Errno::Inval; // reserved encoding
    if ((perms & pte::G) && !s.upper) return Errno::Inval;
    if ((perms & pte::U) && s.upper) return Errno::Inval;
    return {};
}

// Root entries of the kernel half never change once a user table has
// copied them: the copy would silently go stale.
void PageTable::note_root_change(unsigned level, unsigned index) const
{
    KASSERT(!(kind_ == Kind::Kernel && kernel_shared_ && level == TOP &&
              index >= KERNEL_ROOT_FIRST),
            "kernel root entry %u changed after user tables copied it "
            "(reserve_kernel_roots before create_user)",
            index);
}

bool PageTable::permanent(unsigned level, unsigned index) const
{
    return kind_ == Kind::Kernel && level == TOP && index >= KERNEL_ROOT_FIRST;
}

Result<TlbFlush> PageTable::map(VirtAddr va, PhysAddr pa, uint64_t len, uint64_t perms,
                                PageSizes sizes)
{
    KASSERT(live(), "map on an empty page table");
    const Span s = TRY(check_range(va, len));
    TRY(check_perms(perms, s));
    if (!pa.is_aligned(arch::PAGE_SIZE) || pa.value() > PA_LIMIT || len > PA_LIMIT - pa.value())
        return Errno::Inval;
    if (has_leaf(root_, TOP, s.lo, s.hi)) return Errno::Exist;

    TlbFlush fl(asid_, src_);
    Result<void> r = map_level(root_, TOP, s.lo, s.hi, pa, perms, sizes, fl);
    if (!r.ok()) {
        // The range held no leaf before, so unmapping all of it removes
        // exactly what this call made, and prunes the tables it made.
        (void)unmap_level(root_, TOP, s.lo, s.hi, fl, true);
        fl.execute();
        return r.error();
    }
    return fl;
}

Result<TlbFlush> PageTable::enter_page(VirtAddr va, PhysAddr pa, uint64_t perms,
                                       uint64_t* old_flags)
{
    KASSERT(live(), "enter_page on an empty page table");
    const Span s = TRY(check_range(va, arch::PAGE_SIZE));
    TRY(check_perms(perms, s));
    if (!pa.is_aligned(arch::PAGE_SIZE) || pa.value() >= PA_LIMIT) return Errno::Inval;
    TlbFlush fl(asid_, src_);
    // A shared leaf table is copied before anything else: on NoMem nothing
    // has changed.
    if (Result<void> o = own_slot(s.lo, fl); !o.ok()) {
        fl.execute(); // a pending entry may have been made valid first
        return o.error();
    }
    Pte* dir = nullptr; // the level-1 entry
    Result<PhysAddr> table = page_table_of(s.lo, &dir);
    if (!table.ok()) {
        if (table.error() == Errno::Inval) return Errno::Inval; // a superpage: nothing made
        // Nothing was mapped at va (else its tables existed): pruning the
        // one-page range frees exactly the tables this call made.
        (void)unmap_level(root_, TOP, s.lo, s.hi, fl, true);
        fl.execute();
        return table.error();
    }
    Pte& e = table_of(table.value())[index_of(s.lo, 0)];
    const Pte n = Pte::leaf(pa, perms);
    if (old_flags) *old_flags = e.flags();
    if (e.raw == n.raw) return fl;
    if (!e.valid()) count(table.value())++;
    e = n;
    if (perms & pte::W) {
        src_->write_protected(table.value()) = false;
        dir->raw &= ~WP_HINT; // ignored by the MMU: no flush
    }
    fl.add_page(va);
    return fl;
}

void PageTable::check_enter_at(Leaf at, VirtAddr va, PhysAddr pa, uint64_t perms) const
{
    KASSERT(live() && kind_ == Kind::User, "enter_at on a table that is not a user table");
    PhysAddr table = root_;
    for (unsigned level = TOP; level > 0; level--) {
        const Pte e = table_of(table)[index_of(va.value(), level)];
        KASSERT(!(e.raw & (SHARED_HINT | WP_HINT)),
                "enter_at %#lx: its leaf table may be shared or is marked write-protected",
                va.value());
        table = e.pa();
    }
    KASSERT(at.table == table && at.pte == &table_of(table)[index_of(va.value(), 0)],
            "enter_at %#lx: not that address's entry", va.value());
    KASSERT(va.value() < HALF && va.is_aligned(arch::PAGE_SIZE) &&
                pa.is_aligned(arch::PAGE_SIZE) && pa.value() < PA_LIMIT,
            "enter_at %#lx -> %#lx: misaligned or not user", va.value(), pa.value());
    KASSERT((perms & pte::U) && !(perms & pte::G) && (perms & pte::R) && !(perms & ~PERM_BITS),
            "enter_at %#lx: user perms %#lx", va.value(), perms);
}

void PageTable::count_new_leaf(PhysAddr table) { count(table)++; }

// Gives the invalid entry e (index i of `table`, at level) a new, empty
// next-level table.  NoMem.
Result<void> PageTable::add_table(PhysAddr table, unsigned level, unsigned i, Pte& e)
{
    note_root_change(level, i);
    const PhysAddr p = TRY(src_->alloc_table_page());
    KASSERT(table_empty(p) && src_->valid_count(p) == 0, "page source gave a table that is not zeroed");
    count(table)++;
    e = Pte::table(p);
    return {};
}

// The level-0 table holding off's entry, made (with any table above it)
// when missing.  Inval when a superpage leaf covers off.
Result<PhysAddr> PageTable::page_table_of(uint64_t off, Pte** dir)
{
    PhysAddr table = root_;
    for (unsigned level = TOP; level > 0; level--) {
        const unsigned i = index_of(off, level);
        Pte& e = table_of(table)[i];
        if (e.leaf()) return Errno::Inval;
        KASSERT(!(e.raw & SHARED_HINT), "entering %#lx in a leaf table that may be shared",
                to_va(off).value());
        if (!e.valid()) TRY(add_table(table, level, i, e));
        if (level == 1) *dir = &e;
        table = e.pa();
    }
    return table;
}

// Whether any leaf lies (even partly) in [lo, hi) below `table`.
bool PageTable::has_leaf(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi) const
{
    const Pte* t = table_of(table);
    while (lo < hi) {
        const uint64_t next = slot_end(lo, level, hi);
        const Pte e = t[index_of(lo, level)];
        if (e.leaf()) return true;
        if (points_below(e) && has_leaf(e.pa(), level - 1, lo, next)) return true;
        lo = next;
    }
    return false;
}

// Fills [lo, hi) below `table`, which holds no leaf there, with leaves as
// large as `sizes` and the alignment of va and pa allow.  On NoMem returns
// at once; the caller unwinds.
Result<void> PageTable::map_level(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi,
                                  PhysAddr pa, uint64_t perms, PageSizes sizes, TlbFlush& fl)
{
    Pte* t = table_of(table);
    uint16_t* n = nullptr; // looked up (and checked) before the first entry is made
    while (lo < hi) {
        const uint64_t next = slot_end(lo, level, hi);
        const unsigned i = index_of(lo, level);
        Pte& e = t[i];
        const bool fits = level == 0 || (sizes == PageSizes::Super && covers_slot(lo, next, level) &&
                                         pa.is_aligned(arch::level_size(level)));
        if (fits) {
            KASSERT(!e.valid(), "map over a valid entry the Exist check missed");
            note_root_change(level, i);
            if (!n) n = &count(table);
            e = Pte::leaf(pa, perms);
            (*n)++;
            fl.add_page(to_va(lo));
        } else {
            if (!e.valid() && !pending(e)) {
                note_root_change(level, i);
                const PhysAddr p = TRY(src_->alloc_table_page());
                KASSERT(table_empty(p) && src_->valid_count(p) == 0,
                        "page source gave a table that is not zeroed");
                if (!n) n = &count(table);
                e = Pte::table(p);
                (*n)++;
            }
            KASSERT(!e.leaf(), "map over a leaf the Exist check missed");
            if (e.raw & SHARED_HINT) TRY(own_leaf_table(e, lo, fl));
            TRY(map_level(e.pa(), level - 1, lo, next, pa, perms, sizes, fl));
        }
        pa += next - lo;
        lo = next;
    }
    KASSERT(!n || *n == scan_valid(table), "map left table %#lx counting %u, holding %u",
            table.value(), unsigned(*n), scan_valid(table));
    if (level == 0 && (perms & pte::W)) src_->write_protected(table) = false;
    return {};
}

Result<TlbFlush> PageTable::unmap(VirtAddr va, uint64_t len)
{
    KASSERT(live(), "unmap on an empty page table");
    const Span s = TRY(check_range(va, len));
    TlbFlush fl(asid_, src_);
    Result<void> r = split_ends(s, fl);
    if (!r.ok()) {
        fl.execute();
        return r.error();
    }
    (void)unmap_level(root_, TOP, s.lo, s.hi, fl, false);
    return fl;
}

// Clears every leaf in [lo, hi) below `table` (none may stick out of the
// range: the caller split them) and unhooks tables left empty: those it
// cleared something in, or with prune_all every one it passes (a failed
// map's unwind: a table made just before the failure holds nothing).
// Whether it cleared anything.  Counts are looked up only where an entry
// changes, so an unmap of nothing costs a walk.
bool PageTable::unmap_level(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi,
                            TlbFlush& fl, bool prune_all)
{
    Pte* t = table_of(table);
    uint16_t* n = nullptr; // looked up (and checked) before the first entry is cleared
    bool changed = false;
    while (lo < hi) {
        const uint64_t next = slot_end(lo, level, hi);
        const unsigned i = index_of(lo, level);
        Pte& e = t[i];
        if (e.leaf()) {
            KASSERT(covers_slot(lo, next, level), "unmap would cut a superpage in two");
            note_root_change(level, i);
            if (!n) n = &count(table);
            e = Pte{};
            (*n)--;
            changed = true;
            fl.add_page(to_va(lo));
        } else if (e.valid() || pending(e)) {
            KASSERT(level > 0, "pointer entry at level 0");
            if ((e.raw & SHARED_HINT) &&
                !settle_shared(table, e, lo, prune_all || covers_slot(lo, next, level), n, fl)) {
                changed = true;
                lo = next;
                continue;
            }
            const PhysAddr child = e.pa();
            const bool below = unmap_level(child, level - 1, lo, next, fl, prune_all);
            changed = changed || below;
            if ((below || prune_all) && !permanent(level, i) && src_->valid_count(child) == 0) {
                if (!n) n = &count(table);
                e = Pte{};
                (*n)--;
                fl.defer_free(child);
            }
        }
        lo = next;
    }
    KASSERT(!n || *n == scan_valid(table), "unmap left table %#lx counting %u, holding %u",
            table.value(), unsigned(*n), scan_valid(table));
    return changed;
}

Result<TlbFlush> PageTable::change_perms(VirtAddr va, uint64_t len, uint64_t perms, bool mask)
{
    KASSERT(live(), "protect on an empty page table");
    const Span s = TRY(check_range(va, len));
    TRY(check_perms(perms, s));
    TlbFlush fl(asid_, src_);
    Result<void> r = split_ends(s, fl);
    if (!r.ok()) {
        fl.execute();
        return r.error();
    }
    protect_level(root_, TOP, s.lo, s.hi, perms, mask, fl);
    return fl;
}

Result<TlbFlush> PageTable::protect(VirtAddr va, uint64_t len, uint64_t perms)
{
    return change_perms(va, len, perms, false);
}

Result<TlbFlush> PageTable::restrict(VirtAddr va, uint64_t len, uint64_t keep)
{
    return change_perms(va, len, keep, true);
}

// Sets the permissions of every leaf in [lo, hi) below `table` (none may
// stick out of the range: the caller split them).  It scans the range from
// both ends at once and stops when it has met every valid entry the table
// counts: fork protects whole map entries, and a stack at the top of its
// range cost a walk of each whole table to reach it from below.
void PageTable::protect_level(PhysAddr table, unsigned level, uint64_t lo, uint64_t hi,
                              uint64_t perms, bool mask, TlbFlush& fl)
{
    if (lo >= hi) return;
    Pte* t = table_of(table);
    unsigned left = count(table);
    const uint64_t size = arch::level_size(level);
    const unsigned first = index_of(lo, level), last = index_of(hi - 1, level);
    const uint64_t base = sprig::align_down(lo, size) - first * size; // slot 0's offset
    uint16_t* n = nullptr;
    const auto entry = [&](unsigned i) {
        const uint64_t from = sprig::max(lo, base + i * size);
        const uint64_t to = sprig::min(hi, base + (i + 1) * size);
        if ((t[i].raw & SHARED_HINT) && !settle_shared(table, t[i], from, false, n, fl)) {
            left--; // dropped: nothing left to protect there
            return;
        }
        if (protect_entry(t[i], level, i, from, to, perms, mask, fl)) left--;
    };
    for (unsigned i = first, j = last + 1; left > 0 && i < j;) {
        entry(i++);
        if (left > 0 && i < j) entry(--j);
    }
    // Masking never adds W; a plain protect may.
    if (level == 0 && !mask && (perms & pte::W)) src_->write_protected(table) = false;
}

// One entry of protect_level, for [lo, hi) within its slot; false when e
// is not valid.
bool PageTable::protect_entry(Pte& e, unsigned level, unsigned i, uint64_t lo, uint64_t hi,
                              uint64_t perms, bool mask, TlbFlush& fl)
{
    if (e.leaf()) {
        KASSERT(covers_slot(lo, hi, level), "protect would cut a superpage in two");
        uint64_t p = perms;
        if (mask) {
            p = e.flags() & PERM_BITS & (perms | ~pte::RWX);
            if (!(p & pte::R)) p &= ~pte::W;
            KASSERT(p & pte::RWX, "restrict would leave %#lx with no permission", to_va(lo).value());
        }
        const Pte n = Pte::leaf(e.pa(), p);
        if (n.raw != e.raw) {
            note_root_change(level, i);
            e = n;
            fl.add_page(to_va(lo));
        }
        return true;
    }
    if (!e.valid()) return false;
    KASSERT(level > 0, "pointer entry at level 0");
    protect_level(e.pa(), level - 1, lo, hi, perms, mask, fl);
    return true;
}

Result<void> PageTable::split_ends(const Span& s, TlbFlush& fl)
{
    TRY(split_at(s.lo, fl));
    TRY(split_at(s.hi, fl));
    return {};
}

// Makes off a boundary between leaves: splits the superpages that straddle
// it, largest first.  Each split costs one table page.
Result<void> PageTable::split_at(uint64_t off, TlbFlush& fl)
{
    PhysAddr table = root_;
    for (unsigned level = TOP; level > 0; level--) {
        if (off % arch::level_size(level) == 0) return {};
        const unsigned i = index_of(off, level);
        Pte& e = table_of(table)[i];
        if (!e.valid()) return {};
        if (e.leaf()) TRY(split_leaf(e, level, i, fl));
        table = e.pa();
    }
    return {};
}

// Replaces the superpage leaf e (at `level`) by a table of 512 leaves one
// level down with the same flags: the same translations, in smaller pieces.
// The new table is complete before e points to it.  Flushes the whole
// space: a walk of any page in the range may have begun from the old leaf,
// and a page flush would order only the walk of its own address.
Result<void> PageTable::split_leaf(Pte& e, unsigned level, unsigned index, TlbFlush& fl)
{
    note_root_change(level, index);
    const PhysAddr p = TRY(src_->alloc_table_page());
    Pte* t = table_of(p);
    const uint64_t step = arch::level_size(level - 1);
    for (unsigned i = 0; i < arch::PT_ENTRIES; i++) {
        const uint64_t pa = e.pa().value() + i * step;
        t[i] = Pte{((pa >> arch::PAGE_SHIFT) << pte::PPN_SHIFT) | e.flags()};
    }
    src_->valid_count(p) = arch::PT_ENTRIES;
    e = Pte::table(p);
    fl.add_all();
    return {};
}

Translation PageTable::lookup(VirtAddr va) const
{
    KASSERT(live(), "lookup on an empty page table");
    if (!arch::va_canonical(va)) return {};
    PhysAddr table = root_;
    for (unsigned level = TOP;; level--) {
        const Pte e = table_of(table)[arch::pt_index(va, level)];
        if (!e.valid()) return {};
        if (e.leaf()) {
            const uint64_t off = va.value() & (arch::level_size(level) - 1);
            return Translation{e.pa() + off, e.flags(), level};
        }
        KASSERT(level > 0, "pointer entry at level 0");
        table = e.pa();
    }
}

Result<void> PageTable::reserve_kernel_roots(VirtAddr va, uint64_t len)
{
    KASSERT(live() && kind_ == Kind::Kernel, "reserve_kernel_roots on a non-kernel table");
    const Span s = TRY(check_range(va, len));
    if (!s.upper) return Errno::Inval;
    Pte* t = table_of(root_);
    uint16_t& n = count(root_);
    const uint64_t size = arch::level_size(TOP);
    for (uint64_t off = sprig::align_down(s.lo, size); off < s.hi; off += size) {
        const unsigned i = index_of(off, TOP);
        if (t[i].valid()) continue;
        note_root_change(TOP, i);
        const PhysAddr p = TRY(src_->alloc_table_page());
        KASSERT(table_empty(p) && src_->valid_count(p) == 0,
                "page source gave a table that is not zeroed");
        t[i] = Pte::table(p);
        n++;
    }
    return {};
}

// Contract: a kernel table outlives every user table made from it.
TlbFlush PageTable::destroy()
{
    KASSERT(live(), "destroy of an empty page table");
    TlbFlush fl(asid_, src_);
    const unsigned n = kind_ == Kind::User ? KERNEL_ROOT_FIRST : arch::PT_ENTRIES;
    Pte* t = table_of(root_);
    uint16_t& c = count(root_);
    // The user half's entries; the kernel half's copies stay as they are.
    const unsigned user = c - (kind_ == Kind::User ? kernel_roots_ : 0);
    const unsigned missed = destroy_entries(t, n, TOP, user, fl);
    KASSERT(missed == 0, "page table root %#lx: %u valid entries not found", root_.value(),
            missed);
    c = static_cast<uint16_t>(c - user);
    fl.defer_free(root_);
    src_ = nullptr;
    root_ = PhysAddr();
    kernel_shared_ = false;
    return fl;
}

// Hands every table below `table` (not `table` itself) to fl, and clears
// `table`'s entries as it goes (only the valid ones, found by the count):
// a table page given back with no valid entry is all zeros, which the
// page source may keep as a pre-zeroed page instead of having one cleared
// later.  A table's entries are read before its page is reused as a
// free-list link.
void PageTable::destroy_level(PhysAddr table, unsigned level, TlbFlush& fl)
{
    uint16_t& c = count(table);
    if (level == 0 && c >= DENSE_LEAVES) {
        // Leaves hold nothing to hand on: a full table (a copied one, at
        // exit) is cleared at once, not entry by entry.
        memset(arch::phys_to_virt(table), 0, arch::PAGE_SIZE);
        c = 0;
        return;
    }
    const unsigned missed = destroy_entries(table_of(table), arch::PT_ENTRIES, level, c, fl);
    KASSERT(missed == 0, "page table %#lx: %u valid entries not found", table.value(), missed);
    c = 0;
}

// Clears e, handing any tables below it to fl; false when e was not valid
// (nor pending).  Inline in destroy_entries: a fork's child drops one
// share per 2 MiB at exit.
[[gnu::always_inline]] inline bool PageTable::destroy_entry(Pte& e, unsigned level, TlbFlush& fl)
{
    if (!e.valid() && !pending(e)) return false;
    if (level > 0 && !e.leaf()) {
        uint16_t* shares = (e.raw & SHARED_HINT) ? &src_->share_count(e.pa()) : nullptr;
        if (shares && *shares > 0) {
            (*shares)--; // another table still uses it: the last one frees it
        } else {
            destroy_level(e.pa(), level - 1, fl);
            fl.defer_free(e.pa());
        }
    }
    e = Pte{};
    return true;
}

// Clears the `valid` valid entries of t[0, n) and returns how many it did
// not find.  It scans from both ends at once: text and data sit at the
// bottom of their tables and the stack at the top, so a scan from one end
// walked a whole table to reach the stack.
unsigned PageTable::destroy_entries(Pte* t, unsigned n, unsigned level, unsigned valid,
                                    TlbFlush& fl)
{
    // An empty entry is 0 (a pending one is not): passed over with one
    // test, as most of a level-1 table's are.
    for (unsigned lo = 0, hi = n; valid > 0 && lo < hi;) {
        if (t[lo].raw && destroy_entry(t[lo], level, fl)) valid--;
        lo++;
        if (valid == 0 || lo >= hi) break;
        hi--;
        if (t[hi].raw && destroy_entry(t[hi], level, fl)) valid--;
    }
    return valid;
}

// On-demand fork: sharing and unsharing leaf tables (see pagetable.h).

Result<PageTable::Slot> PageTable::slot_of(uint64_t off, bool make)
{
    PhysAddr table = root_;
    for (unsigned level = TOP; level > 1; level--) {
        const unsigned i = index_of(off, level);
        Pte& e = table_of(table)[i];
        KASSERT(!e.leaf(), "a superpage above user address %#lx", to_va(off).value());
        if (!e.valid()) {
            if (!make) return Slot{};
            TRY(add_table(table, level, i, e));
        }
        table = e.pa();
    }
    return Slot{&table_of(table)[index_of(off, 1)], table};
}

// e: a level-1 entry with the hint, for the slot at off.  Gives it a table
// of this space's own: the same one when the others have let go, else a
// copy of the entries (write-protected, as the shared table is).  A
// pending entry is made valid first.
Result<void> PageTable::own_leaf_table(Pte& e, uint64_t off, TlbFlush& fl)
{
    if (pending(e)) revalidate(e, off, fl);
    const PhysAddr shared = e.pa();
    uint16_t& shares = src_->share_count(shared);
    if (shares == 0) {
        e.raw &= ~SHARED_HINT; // the hardware ignores it: no flush
        return {};
    }
    KASSERT(src_->write_protected(shared), "shared leaf table %#lx may grant W",
            shared.value());
    const PhysAddr copy = TRY(src_->alloc_table_page());
    memcpy(table_of(copy), table_of(shared), arch::PAGE_SIZE);
    src_->valid_count(copy) = src_->valid_count(shared);
    src_->write_protected(copy) = true;
    shares--;
    e = Pte{Pte::table(copy).raw | WP_HINT};
    // A cached non-leaf entry may still lead to the shared table.
    fl.add_all();
    return {};
}

Result<void> PageTable::own_slot(uint64_t off, TlbFlush& fl)
{
    const Slot at = TRY(slot_of(off, false));
    if (!at.e || !(at.e->raw & SHARED_HINT)) return {};
    return own_leaf_table(*at.e, off, fl);
}

// Before unmap or protect change entries under the hinted level-1 entry e
// (in `table`): true when e then points at a table this space owns; false
// when e was dropped instead, its slot now empty in this space: the change
// covers the whole slot (`whole`: a copy would be wasted) or no page was
// left for the copy (the pmap is a cache; faults refill it).  n: `table`'s
// count, looked up here if the caller has not yet.
bool PageTable::settle_shared(PhysAddr table, Pte& e, uint64_t off, bool whole, uint16_t*& n,
                              TlbFlush& fl)
{
    uint16_t& shares = src_->share_count(e.pa());
    if (shares == 0 || (!whole && own_leaf_table(e, off, fl).ok())) {
        if (pending(e)) revalidate(e, off, fl); // shares 0: no pass needed
        e.raw &= ~SHARED_HINT;
        return true;
    }
    // This space still holds the pages copy-on-write through its objects:
    // the others must not get the table back with W (revalidate skips
    // the pass once the count is 0, as after an exit), so a deferred pass
    // is made now.  The other entries are pending: no TLB holds a leaf.
    if (pending(e) && !src_->write_protected(e.pa())) {
        write_protect_leaves(e.pa(), sprig::align_down(off, LEAF_TABLE_SPAN), fl);
        src_->write_protected(e.pa()) = true;
    }
    if (!n) n = &count(table);
    shares--;
    e = Pte{};
    (*n)--;
    fl.add_all(); // a cached non-leaf entry may still lead to the shared table
    return false;
}

Result<void> PageTable::share_leaf_tables(PageTable& child, VirtAddr va, uint64_t len,
                                          TlbFlush& fl)
{
    KASSERT(live() && kind_ == Kind::User && child.live() && child.kind_ == Kind::User &&
                child.src_ == src_ && &child != this,
            "share_leaf_tables between tables that are not two user tables of one source");
    if (!va.is_aligned(LEAF_TABLE_SPAN) || len % LEAF_TABLE_SPAN != 0) return Errno::Inval;
    const Span s = TRY(check_range(va, len));
    constexpr uint64_t TABLE_SPAN = uint64_t{1} << 30; // a level-1 table's 1 GiB
    bool flushed = false; // this table's ASID, for an entry made pending
    for (uint64_t off = s.lo; off < s.hi;) {
        const uint64_t end = sprig::min(sprig::align_down(off, TABLE_SPAN) + TABLE_SPAN, s.hi);
        const Slot at = TRY(slot_of(off, false));
        if (!at.e) {
            off = end;
            continue;
        }
        // One walk and one count lookup per level-1 table, on both sides.
        Pte* const from = at.e - index_of(off, 1);
        Pte* to = nullptr;
        uint16_t* n = nullptr;
        for (; off < end; off += LEAF_TABLE_SPAN) {
            Pte& e = from[index_of(off, 1)];
            if (!e.valid() && !pending(e)) continue;
            KASSERT(!e.leaf(), "a superpage in a user table at %#lx", to_va(off).value());
            const PhysAddr leaf = e.pa();
            Page::PtCounts& c = src_->pt_counts(leaf);
            if (c.shares == UINT16_MAX) {
                // Never shared further: write-protected or pending (it is
                // shared), the child faults its pages in.
                continue;
            }
            if (!to) {
                // Before this slot changes: NoMem leaves it as it was.
                const Slot cs = TRY(child.slot_of(off, true));
                to = cs.e - index_of(off, 1);
                n = &child.count(cs.table);
            }
            uint64_t raw = e.raw;
            if (!pending(e) && (!c.write_protected || !(raw & WP_HINT))) {
                if (count(leaf) >= defer_pass_min) {
                    // A full table: the pass waits for the first access on
                    // either side (revalidate), which a fork then exec or
                    // exit never makes.  Both entries pending.
                    raw &= ~pte::V;
                    if (!flushed) {
                        TlbFlush own(asid_, src_); // a cached entry may lead to the table
                        own.add_all();
                        fl.merge(static_cast<TlbFlush&&>(own));
                        flushed = true;
                    }
                } else {
                    // Once per table until something grants W in it again:
                    // a parent forking again without writing pays nothing
                    // per page.
                    write_protect_leaves(leaf, off, fl);
                    c.write_protected = true;
                }
            }
            // The hints: the hardware ignores them (V kept, or cleared with
            // the flush above).  The child's entry is the same: pending
            // when the parent's is.
            raw |= SHARED_HINT | WP_HINT;
            e.raw = raw;
            Pte& ce = to[index_of(off, 1)];
            KASSERT(ce.raw == 0, "sharing into a child slot %#lx that is in use", off);
            ce.raw = raw;
            (*n)++;
            c.shares++;
        }
    }
    return {};
}

// Takes W (and D, which goes with it) from every valid leaf of a leaf
// table whose slot starts at lo: share_leaf_tables' one pass, the one
// per-page cost a fork keeps.  A table of a few entries names each page
// it changes in the flush; a fuller one (past what a flush names page by
// page anyway) is cleared without a test per entry, up to its last valid
// one (an invalid entry is 0 and stays so), and flushes the whole space.
void PageTable::write_protect_leaves(PhysAddr table, uint64_t lo, TlbFlush& fl)
{
    Pte* t = table_of(table);
    TlbFlush own(asid_, src_); // fl may be an empty token, without our ASID
    unsigned left = count(table);
    if (left > TlbFlush::MAX_PAGES) {
        for (unsigned i = 0; left > 0; i++) {
            KASSERT(i < arch::PT_ENTRIES, "leaf table %#lx holds fewer valid entries than counted",
                    table.value());
            const uint64_t raw = t[i].raw;
            KASSERT(!(raw & pte::V) || (raw & pte::RWX), "a pointer entry in leaf table %#lx",
                    table.value());
            left -= static_cast<unsigned>(raw & pte::V);
            t[i].raw = raw & ~(pte::W | pte::D);
        }
        own.add_all();
    } else {
        for (unsigned i = 0; left > 0 && i < arch::PT_ENTRIES; i++) {
            const uint64_t raw = t[i].raw;
            if (!(raw & pte::V)) continue;
            KASSERT(raw & pte::RWX, "a pointer entry in leaf table %#lx", table.value());
            left--;
            if (raw & pte::W) {
                t[i].raw = raw & ~(pte::W | pte::D);
                own.add_page(to_va(lo + i * arch::PAGE_SIZE));
            }
        }
    }
    fl.merge(static_cast<TlbFlush&&>(own));
}

Result<TlbFlush> PageTable::unshare(VirtAddr va)
{
    KASSERT(live(), "unshare on an empty page table");
    const Span s = TRY(check_range(va, arch::PAGE_SIZE));
    TlbFlush fl(asid_, src_);
    if (Result<void> r = own_slot(s.lo, fl); !r.ok()) {
        fl.execute(); // a pending entry may have been made valid first
        return r.error();
    }
    return fl;
}

bool PageTable::settle_pending(VirtAddr va, uint64_t need, TlbFlush& fl)
{
    KASSERT(live(), "settle_pending on an empty page table");
    if (va.value() >= HALF) return false;
    const Result<Slot> at = slot_of(va.value(), false);
    if (!at.ok() || !at.value().e || !pending(*at.value().e)) return false;
    Pte& e = *at.value().e;
    revalidate(e, va.value(), fl);
    const Pte leaf = table_of(e.pa())[index_of(va.value(), 0)];
    return leaf.valid() && (leaf.flags() & need) == need;
}

// A pending entry (V clear, the hint set) becomes valid again.  While
// other spaces share its table and it is not yet marked write-protected,
// every entry pointing at it is pending (so no TLB holds its leaves: a
// fork flushed the parent's ASID when it made its entry pending, the
// child never ran with it): the pass deferred at fork runs now, once for
// all of them.  When the others have let go, the table's leaves are this
// space's alone and keep their W: no pass at all (a fork then exec).
void PageTable::revalidate(Pte& e, uint64_t off, TlbFlush& fl)
{
    KASSERT(pending(e), "revalidating level-1 entry %#lx that is not pending", e.raw);
    const PhysAddr leaf = e.pa();
    Page::PtCounts& c = src_->pt_counts(leaf);
    if (c.shares > 0 && !c.write_protected) {
        write_protect_leaves(leaf, sprig::align_down(off, LEAF_TABLE_SPAN), fl);
        c.write_protected = true;
    }
    e.raw = (e.raw | pte::V) & ~WP_HINT;
    if (c.write_protected) e.raw |= WP_HINT;
    // Sprig flushes on invalid -> valid too (a cached invalid entry); a
    // level-1 entry's walk is ordered only by a flush without an address.
    TlbFlush own(asid_, src_); // fl may be an empty token, without our ASID
    own.add_all();
    fl.merge(static_cast<TlbFlush&&>(own));
}

bool PageTable::leaf_table_shared(VirtAddr va) const
{
    if (va.value() >= HALF || !live()) return false;
    PhysAddr table = root_;
    for (unsigned level = TOP; level > 1; level--) {
        const Pte e = table_of(table)[index_of(va.value(), level)];
        if (!e.valid() || e.leaf()) return false;
        table = e.pa();
    }
    const Pte e = table_of(table)[index_of(va.value(), 1)];
    return points_below(e) && (e.raw & SHARED_HINT) && src_->share_count(e.pa()) > 0;
}
