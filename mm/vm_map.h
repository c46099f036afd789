// An address space's map (FreeBSD's vm_map): the ordered, non-overlapping
// entries that say what each range of user addresses is — its protection,
// the most protection it may ever get, what a fork does with it, and the
// object its pages come from.  The page table (pmap) follows the map; it
// is not part of it.
//
// Every operation either completes or changes nothing: the entries a split
// needs are taken from the zone before anything changes, so a NoMem leaves
// the map as it was.  Adjacent entries that differ in nothing but their
// range are merged (vm_map_simplify_entry), so a map does not fragment
// under mprotect/munmap churn.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/list.h>
#include <lib/result.h>
#include <mm/zone.h>

struct vm_object;

// FreeBSD's VM_PROT_* bits.
using vm_prot_t = uint8_t;
inline constexpr vm_prot_t VM_PROT_NONE = 0x00;
inline constexpr vm_prot_t VM_PROT_READ = 0x01;
inline constexpr vm_prot_t VM_PROT_WRITE = 0x02;
inline constexpr vm_prot_t VM_PROT_EXECUTE = 0x04;
inline constexpr vm_prot_t VM_PROT_ALL = VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE;

// What vmspace_fork does with an entry (FreeBSD's VM_INHERIT_*).
enum class VmInherit : uint8_t {
    Share = 0, // the child maps the same object
    Copy = 1,  // the child gets a copy-on-write copy
    None = 2,  // the child gets nothing here
};

struct vm_map_entry {
    ListNode link;
    uint64_t start = 0; // page aligned
    uint64_t end = 0;   // one past the last byte, page aligned
    // The backing object (one reference held), or nullptr for private
    // anonymous memory not touched yet.
    vm_object* object = nullptr;
    uint64_t offset = 0; // byte offset of `start` in the object
    vm_prot_t protection = VM_PROT_NONE;
    vm_prot_t max_protection = VM_PROT_NONE;
    VmInherit inheritance = VmInherit::Copy;

    uint64_t size() const { return end - start; }
};

using VmMapEntryZone = TypedZone<vm_map_entry>;

class VmMap {
public:
    using EntryList = List<vm_map_entry, &vm_map_entry::link>;

    // An empty map of the addresses [min, max), both page aligned.
    VmMap(VmMapEntryZone& zone, uint64_t min, uint64_t max);
    // Removes every entry (dropping their object references).
    ~VmMap();
    VmMap(const VmMap&) = delete;
    VmMap& operator=(const VmMap&) = delete;

    // Maps [start, end) (vm_map_insert).  Takes over the caller's reference
    // on obj (which may be nullptr).  Inval: not page aligned, empty,
    // outside the map, or prot not within maxprot.  NoMem: the range
    // overlaps an entry (FreeBSD's KERN_NO_SPACE, which mmap reports as
    // ENOMEM), or the zone cannot grow.  On failure the reference on obj
    // is still the caller's.
    Result<void> insert(uint64_t start, uint64_t end, vm_object* obj, uint64_t offset,
                        vm_prot_t prot, vm_prot_t maxprot, VmInherit inherit);
    // The lowest page-aligned address at or above hint where `length`
    // bytes are free (vm_map_findspace).  NoMem when there is none.
    Result<uint64_t> findspace(uint64_t hint, uint64_t length) const;
    // The entry holding addr, or nullptr (vm_map_lookup_entry).
    vm_map_entry* lookup(uint64_t addr);
    const vm_map_entry* lookup(uint64_t addr) const;
    // Unmaps [start, end), splitting the entries at its ends (vm_map_delete);
    // holes in the range are fine.  Inval: not page aligned or outside the
    // map.  NoMem leaves the map as it was.
    Result<void> remove(uint64_t start, uint64_t end);
    // Sets the protection of [start, end), skipping holes (vm_map_protect).
    // Acces when prot exceeds an entry's max_protection, and then nothing
    // changes.  Inval and NoMem as for remove.
    Result<void> protect(uint64_t start, uint64_t end, vm_prot_t prot);
    // Sets the inheritance of [start, end) (vm_map_inherit).
    Result<void> inherit(uint64_t start, uint64_t end, VmInherit inh);

    EntryList& entries() { return entries_; }
    size_t entry_count() const { return entries_.size(); }
    // Bytes mapped.
    uint64_t size() const { return size_; }
    uint64_t min() const { return min_; }
    uint64_t max() const { return max_; }

    // KASSERTs the map's invariants: entries sorted, non-overlapping, page
    // aligned, non-empty, inside [min, max); size() their total; no two
    // neighbours that could be merged.
    void check() const;

private:
    // Entries for the splits of one operation, taken before it changes
    // anything; what is not used goes back to the zone.
    class Spares;

    Result<void> check_range(uint64_t start, uint64_t end) const;
    // The first entry that ends above addr, or nullptr.
    vm_map_entry* first_ending_above(uint64_t addr);
    // Splits e at addr (start < addr < end) with a spare: e keeps the low
    // part, the new entry the high part.  Returns the high part.
    vm_map_entry* split(vm_map_entry* e, uint64_t addr, Spares& spares);
    // Splits the entries of [start, end) so that the range's ends fall on
    // entry boundaries; returns the first entry inside, or nullptr.
    vm_map_entry* clip_range(uint64_t start, uint64_t end, Spares& spares);
    // How many splits clip_range(start, end) will make.
    unsigned splits_needed(uint64_t start, uint64_t end);
    void unlink_free(vm_map_entry* e);
    // Merges e with its neighbours where nothing but the range differs.
    void simplify(vm_map_entry* e);
    // Merges every entry of [start, end) with its neighbours.
    void simplify_range(uint64_t start, uint64_t end);
    template <typename Fn>
    Result<void> change_range(uint64_t start, uint64_t end, Fn change);

    VmMapEntryZone& zone_;
    EntryList entries_;
    uint64_t min_;
    uint64_t max_;
    uint64_t size_ = 0;
};
