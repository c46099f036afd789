#include <mm/tlb_flush.h>

#include <kernel/machdep.h>
#include <lib/kassert.h>
#include <mm/pt_pages.h>

namespace {
// A deferred page's first word holds the next one's address.
uint64_t* link_of(PhysAddr pa) { return static_cast<uint64_t*>(arch::phys_to_virt(pa)); }
} // namespace

void TlbFlush::add_page(VirtAddr va)
{
    if (all_) return;
    for (unsigned i = 0; i < npages_; i++)
        if (pages_[i] == va.value()) return;
    if (npages_ == MAX_PAGES) {
        add_all();
        return;
    }
    pages_[npages_++] = va.value();
}

void TlbFlush::add_all()
{
    all_ = true;
    npages_ = 0;
}

void TlbFlush::defer_free(PhysAddr table)
{
    KASSERT(src_ != nullptr, "a token without a page source cannot free tables");
    *link_of(table) = free_head_.value();
    free_head_ = table;
    nfree_++;
    add_all();
}

// Contract: both tokens belong to one address space (same ASID and page
// source, or o has none yet).
void TlbFlush::merge(TlbFlush&& o)
{
    if (&o == this || !o.pending()) return;
    if (!pending()) {
        *this = static_cast<TlbFlush&&>(o);
        return;
    }
    KASSERT(o.asid_ == asid_, "merging flushes of asid %u and %u", unsigned(asid_),
            unsigned(o.asid_));
    KASSERT(o.nfree_ == 0 || src_ == nullptr || o.src_ == src_, "merging two page sources");
    if (src_ == nullptr) src_ = o.src_;
    if (o.all_) add_all();
    for (unsigned i = 0; i < o.npages_; i++) add_page(VirtAddr(o.pages_[i]));
    while (o.nfree_ > 0) {
        PhysAddr p = o.free_head_;
        o.free_head_ = PhysAddr(*link_of(p));
        o.nfree_--;
        defer_free(p);
    }
    o.reset();
}

void TlbFlush::execute()
{
    if (all_) {
        if (asid_ == 0)
            arch::tlb_flush_all();
        else
            arch::tlb_flush_asid(asid_);
    } else {
        for (unsigned i = 0; i < npages_; i++) arch::tlb_flush_page(VirtAddr(pages_[i]), asid_);
    }
    release_tables();
    reset();
}

void TlbFlush::dismiss()
{
    release_tables();
    reset();
}

void TlbFlush::release_tables()
{
    while (nfree_ > 0) {
        PhysAddr p = free_head_;
        free_head_ = PhysAddr(*link_of(p));
        nfree_--;
        src_->free_table_page(p);
    }
}

