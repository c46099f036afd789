#include <mm/swap_reserve.h>

#include <arch/pte.h>
#include <lib/kassert.h>
#include <lib/utility.h>

uint64_t CommitAccount::round(uint64_t bytes)
{
    // Anything this large is a corrupted size, not a charge.
    KASSERT(bytes <= UINT64_MAX - arch::PAGE_SIZE, "commit charge of %#lx bytes",
            static_cast<unsigned long>(bytes));
    return sprig::align_up(bytes, arch::PAGE_SIZE);
}

bool CommitAccount::reserve(uint64_t bytes)
{
    const uint64_t n = round(bytes);
    if (fail_.should_fail() || fail_site_hit(FailSite::Commit)) {
        refused_++;
        return false;
    }
    // Written as a subtraction so a huge request cannot wrap past the limit.
    if (strict_ && (reserved_ > limit_ || n > limit_ - reserved_)) {
        refused_++;
        return false;
    }
    fail_.succeeded();
    reserve_force(n);
    return true;
}

void CommitAccount::reserve_force(uint64_t bytes)
{
    const uint64_t n = round(bytes);
    KASSERT(reserved_ <= UINT64_MAX - n, "commit total overflows (%#lx + %#lx)",
            static_cast<unsigned long>(reserved_), static_cast<unsigned long>(n));
    reserved_ += n;
}

void CommitAccount::release(uint64_t bytes)
{
    const uint64_t n = round(bytes);
    KASSERT(n <= reserved_, "releasing %lu bytes with only %lu reserved",
            static_cast<unsigned long>(n), static_cast<unsigned long>(reserved_));
    reserved_ -= n;
}

CommitAccount& kernel_commit()
{
    // Constant-initialized: usable before any constructor runs.
    static constinit CommitAccount account;
    return account;
}
