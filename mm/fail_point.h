// Fault injection, in the spirit of FreeBSD's fail(9).  Two kinds:
//
// FailPoint, one per allocator object, for host unit tests:
// fail_after(n) lets n more operations succeed, then makes one fail.  A
// negative n turns injection off.
//
// Kernel-wide fail sites, one per allocating subsystem (FailSite), which
// the running kernel controls through root-only sysctls and a boot switch
// (kernel/sysctl/fail_sysctl.h, docs/failpoints.md).  Each site counts the
// allocations it sees and can be told to fail
//   - the nth one from when nth is set (once; nth reads 0 again after),
//   - every kth one,
//   - each with a probability (parts per million) drawn from a generator
//     seeded by .seed, so a run can be repeated exactly,
// optionally only for allocations made on behalf of one process (the pid
// filter).  When nothing is set, the hook costs one counter increment and
// one predictable branch.
#pragma once

#include <stdint.h>

class FailPoint {
public:
    void fail_after(long n) { countdown_ = n; }

    // Called before an operation: true when this one must fail.  The
    // injection then turns itself off.
    bool should_fail()
    {
        if (countdown_ != 0) return false;
        countdown_ = -1;
        injected_++;
        return true;
    }
    // Called after an operation succeeded.
    void succeeded()
    {
        if (countdown_ > 0) countdown_--;
    }
    // How many failures were injected so far.
    uint64_t injected() const { return injected_; }

private:
    long countdown_ = -1;
    uint64_t injected_ = 0;
};

// The subsystems whose allocations can be failed.  Names (fail_site_name)
// are the sysctl and boot-switch names: debug.fail.<name>.*, fail.<name>=.
enum class FailSite : uint8_t {
    Page,    // the page allocator: every block, whoever asks
    Zone,    // every zone's object allocation (uma_zalloc)
    Kmalloc, // kmalloc, before its zones or large blocks
    PtPage,  // a page-table page of the kernel's or a user table
    KStack,  // each page of a kernel stack, before its page is allocated
    Commit,  // a commit (swap) reservation: fork's, mmap's, a COW's
    Count_
};
inline constexpr unsigned FAIL_SITES = static_cast<unsigned>(FailSite::Count_);

// One site's settings and counters.  The ints are what the sysctls read
// and write (kernel/sysctl/fail_sysctl.cpp); change them through fail_site_set.
struct FailSiteState {
    const char* name;
    int nth = 0;         // > 0: the nth allocation seen from now fails, once
    int every = 0;       // > 0: every kth allocation seen fails
    int probability = 0; // parts per million, 0..1000000
    int seed = 0;        // the generator's seed (set: restarts the sequence)
    uint32_t count = 0;    // allocations seen (past the pid filter)
    uint32_t injected = 0; // failures injected
    // Internal: allocations seen since nth / every was set, the generator.
    uint32_t nth_seen = 0;
    uint32_t every_seen = 0;
    uint64_t rng = 0;
};

namespace failsite_detail {
extern FailSiteState sites[FAIL_SITES];
extern bool armed; // some site has a setting, or the pid filter is on
bool evaluate(FailSiteState& s);
} // namespace failsite_detail

// The hook an allocator calls before allocating: true means "fail this
// one" (the caller returns NoMem as if it had run out).
inline bool fail_site_hit(FailSite site)
{
    FailSiteState& s = failsite_detail::sites[static_cast<unsigned>(site)];
    if (__builtin_expect(!failsite_detail::armed, 1)) {
        s.count++;
        return false;
    }
    return failsite_detail::evaluate(s);
}

enum class FailSetting : uint8_t { Nth, Every, Probability, Seed };

FailSiteState& fail_site(FailSite site);
const char* fail_site_name(FailSite site);
// The site of that name (fail_site_name), or Count_.
FailSite fail_site_by_name(const char* name);
// Applies a setting: false (nothing changed) for a negative value or a
// probability above a million.  Setting nth or every restarts its count.
bool fail_site_set(FailSite site, FailSetting what, int value);
// Clears every setting and the pid filter (the counters stay).
void fail_sites_reset();

// Only allocations made while current_pid() returns `pid` are seen (0:
// all).  The kernel installs current_pid (curproc's pid; -1 with no
// process); until then the filter matches nothing but pid 0.
void fail_sites_set_pid_filter(int pid);
int fail_sites_pid_filter();
void fail_sites_set_current_pid(int (*current_pid)());
