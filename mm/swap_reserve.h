// Commit accounting (FreeBSD's swap_reserve, swap_reserve_force and
// swap_release in vm/swap_pager.c): how many bytes of private writable
// memory the address spaces have been promised.  Sprig has no swap, but the
// ledger is the same: fork charges the copied private memory, exec charges
// the new image's data and stack, the last vmspace_free gives it back.
//
// Two policies, FreeBSD's vm.overcommit:
//  - default (vm.overcommit = 0, FreeBSD out of the box): every reservation
//    is counted and succeeds; the count is there to be reported.
//  - strict (SWAP_RESERVE_FORCE_ON): a reservation that would take the
//    total above the limit is refused and nothing changes.  The limit is
//    FreeBSD's swap_total (0 with no swap device); boot code may set it to
//    the RAM that can back user memory.
// reserve_force always counts: it is for charges that already exist and
// will be released later (fork1's failed reservation, see vmspace_fork).
//
// Amounts are bytes, rounded up to whole pages, so reserve(x) and
// release(x) balance whatever x is.  Per-uid accounting (ui_vmsize,
// RLIMIT_SWAP) is not kept.
//
// Objects, not a hidden global: host tests make their own; the kernel's is
// kernel_commit().
#pragma once

#include <stdint.h>
#include <mm/fail_point.h>

class CommitAccount {
public:
    constexpr CommitAccount() = default;
    CommitAccount(const CommitAccount&) = delete;
    CommitAccount& operator=(const CommitAccount&) = delete;

    // Reserves bytes (swap_reserve).  Default mode: always true.  Strict
    // mode: false when reserved() + bytes would exceed limit(), and nothing
    // changes.  An injected failure (fail_after) refuses in either mode.
    bool reserve(uint64_t bytes);
    // Reserves bytes whatever the mode and limit (swap_reserve_force).
    void reserve_force(uint64_t bytes);
    // Gives back bytes (swap_release); at least that much must be reserved.
    void release(uint64_t bytes);

    // Bytes reserved now (FreeBSD's vm.swap_reserved).
    uint64_t reserved() const { return reserved_; }
    uint64_t limit() const { return limit_; }
    bool strict() const { return strict_; }
    // Reservations refused (strict limit or injected).
    uint64_t refused() const { return refused_; }

    void set_limit(uint64_t bytes) { limit_ = bytes; }
    void set_strict(bool on) { strict_ = on; }

    // Lets n more reserve() calls succeed, then refuses one (mm/fail_point.h).
    void fail_after(long n) { fail_.fail_after(n); }
    uint64_t injected_failures() const { return fail_.injected(); }

    // bytes rounded up to whole pages: what is counted for them.
    static uint64_t round(uint64_t bytes);

private:
    uint64_t reserved_ = 0;
    uint64_t limit_ = 0;
    uint64_t refused_ = 0;
    bool strict_ = false;
    FailPoint fail_;
};

// The kernel's account (default mode, limit 0, until boot code says more).
CommitAccount& kernel_commit();
