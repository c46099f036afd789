// Page-table pages for host tests: a free list over a HostArena, with the
// counters and fault injection the unwind tests need.  Freed pages are
// poisoned and handed out again first (LIFO), so a page still in use after
// it was freed, by the code or by a stale cached walk, shows up at once.
#pragma once

#include <arch/host_arena.h>
#include <kernel/machdep.h>
#include <arch/pte.h>
#include <mm/fail_point.h>
#include <mm/pt_pages.h>

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string.h>
#include <vector>

class ArenaPtSource final : public PtPageSource {
public:
    explicit ArenaPtSource(HostArena& arena) : arena_(arena), next_(arena.base()) {}

    Result<PhysAddr> alloc_table_page() override
    {
        if (fail_after_ == 0 || fail_site_hit(FailSite::PtPage)) {
            injected_++;
            return Errno::NoMem;
        }
        PhysAddr p;
        if (!free_.empty()) {
            p = free_.back();
            free_.pop_back();
        } else if (arena_.contains(next_, arch::PAGE_SIZE)) {
            p = next_;
            next_ += arch::PAGE_SIZE;
        } else {
            return Errno::NoMem;
        }
        if (fail_after_ > 0) fail_after_--;
        memset(arch::phys_to_virt(p), 0, arch::PAGE_SIZE);
        live_[p.value()] = Counts{};
        allocs_++;
        return p;
    }

    // The contract a zero-pool source relies on: a page given back with a
    // count of 0 is all zeros but its first word.
    void free_table_page(PhysAddr p) override
    {
        const auto it = live_.find(p.value());
        CHECK_MESSAGE(it != live_.end(), "freeing a page not handed out: ", p.value());
        if (it == live_.end()) return;
        CHECK_MESSAGE(it->second.shares == 0, "freeing a table still shared: ", p.value());
        if (it->second.valid == 0) {
            const auto* w = static_cast<const uint64_t*>(arch::phys_to_virt(p));
            size_t nonzero = 0;
            for (size_t i = 1; i < arch::PAGE_SIZE / 8; i++) nonzero += w[i] != 0;
            CHECK_MESSAGE(nonzero == 0, "table page with a count of 0 is not zero: ", p.value());
            zero_frees_++;
        }
        live_.erase(it);
        memset(arch::phys_to_virt(p), 0xa5, arch::PAGE_SIZE);
        free_.push_back(p);
        frees_++;
    }

    // n more allocations succeed, then every one fails until no_fail().
    void fail_after(long n) { fail_after_ = n; }
    void no_fail() { fail_after_ = -1; }

    size_t in_use() const { return live_.size(); }
    uint64_t pages_in_use() const override { return live_.size(); }
    bool owns(PhysAddr p) const { return live_.count(p.value()) == 1; }
    // Pages given back with a count of 0 (all zeros but the link word).
    uint64_t zero_frees() const { return zero_frees_; }
    uint64_t allocs() const { return allocs_; }
    uint64_t frees() const { return frees_; }
    uint64_t injected() const { return injected_; }

private:
    using Counts = Page::PtCounts;
    Counts& counts_slow(PhysAddr table) override
    {
        const auto it = live_.find(table.value());
        REQUIRE_MESSAGE(it != live_.end(), "count of a page not handed out: ", table.value());
        return it->second;
    }

    HostArena& arena_;
    PhysAddr next_;
    std::vector<PhysAddr> free_;
    std::map<uint64_t, Counts> live_; // page -> its counts
    long fail_after_ = -1;
    uint64_t allocs_ = 0;
    uint64_t frees_ = 0;
    uint64_t injected_ = 0;
    uint64_t zero_frees_ = 0;
};
