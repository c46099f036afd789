#include <mm/kstack.h>

#include <lib/bits.h>

#include <new>

#include <mm/fail_point.h>
#include <mm/intr_off.h>
#include <mm/kmem.h>
#include <mm/page_alloc.h>
#include <mm/pagetable.h>

namespace {
constexpr uint64_t PG = arch::PAGE_SIZE;
constexpr uint64_t STACK_PERMS = arch::pte::R | arch::pte::W | arch::pte::G;
static_assert(KSTACK_MAX_PAGES < KStackAllocator::SLOT_PAGES, "no room for the guard");
static_assert(arch::KSTACK_REGION_SIZE % KStackAllocator::SLOT_SIZE == 0);
} // namespace

KStackAllocator::KStackAllocator(PageAllocator& pages, PageTable& pt, uint32_t nslots,
                                 unsigned cache_max)
    : pages_(pages), pt_(pt), nslots_(nslots), cache_max_(cache_max)
{
    KASSERT(nslots > 0 && nslots <= MAX_SLOTS, "kstack: %u slots (at most %u)", nslots,
            MAX_SLOTS);
    KASSERT(cache_max <= KSTACK_CACHE_MAX, "kstack: a cache of %u stacks (at most %u)", cache_max,
            KSTACK_CACHE_MAX);
}

bool KStackAllocator::slot_busy(uint32_t slot) const
{
    KASSERT(slot < nslots_, "kstack: slot %u of %u", slot, nslots_);
    return (busy_[slot / WORD_BITS] >> (slot % WORD_BITS)) & 1;
}

// The lowest free slot (first fit, so freed slots are reused first).
Result<uint32_t> KStackAllocator::take_slot()
{
    IntrOff off;
    const uint32_t words = (nslots_ + WORD_BITS - 1) / WORD_BITS;
    for (uint32_t w = hint_; w < words; w++) {
        if (busy_[w] == ~uint64_t{0}) continue;
        const uint32_t slot = w * WORD_BITS + sprig::lowest_bit(~busy_[w]);
        if (slot >= nslots_) break;
        busy_[w] |= uint64_t{1} << (slot % WORD_BITS);
        hint_ = w;
        return slot;
    }
    hint_ = words;
    return Errno::NoMem;
}

void KStackAllocator::release_slot(uint32_t slot)
{
    IntrOff off;
    KASSERT(slot_busy(slot), "kstack: slot %u freed twice", slot);
    busy_[slot / WORD_BITS] &= ~(uint64_t{1} << (slot % WORD_BITS));
    if (slot / WORD_BITS < hint_) hint_ = slot / WORD_BITS;
}

// Every stack of a 2 MiB stretch hangs from one level-0 table, which a
// map may create and an unmap prunes.  Another thread's stack operation
// must not run between this one's reading of an entry and its writing
// below it (a table pruned under a map loses the new leaf; two maps each
// creating the table lose one's leaves), so each edit of the region runs
// with interrupts off: no preemption, no interrupt, on the one hart.
Result<TlbFlush> KStackAllocator::map_page(VirtAddr va, PhysAddr pa)
{
    IntrOff off;
    return pt_.map(va, pa, PG, STACK_PERMS);
}

// Allocates and maps the pages of [lo, lo + pages * PG), recording each
// page in pas[] and counting in `done` the ones both allocated and mapped.
// On failure the caller unwinds the first `done` with depopulate(); the
// page that failed to map is freed here.  The flushes are run before
// returning (the kernel's rule: invalid -> valid is flushed too).
Result<void> KStackAllocator::populate(VirtAddr lo, unsigned pages, PhysAddr* pas, unsigned& done)
{
    TlbFlush flush;
    Result<void> res;
    for (done = 0; done < pages; done++) {
        // Not zeroed: a stack is written before it is read.
        Result<PhysAddr> pa = pages_.alloc(0);
        if (!pa.ok()) {
            res = pa.error();
            break;
        }
        Result<TlbFlush> fl = map_page(lo + done * PG, pa.value());
        if (!fl.ok()) {
            pages_.free(pa.value(), 0);
            res = fl.error();
            break;
        }
        pas[done] = pa.value();
        flush.merge(fl.release_value());
    }
    flush.execute();
    return res;
}

// Unmaps the first n pages at lo, flushes, then frees them: a page goes
// back only once no translation cache can still reach it.
void KStackAllocator::depopulate(VirtAddr lo, const PhysAddr* pas, unsigned n)
{
    if (n == 0) return;
    Result<TlbFlush> fl = [&] {
        IntrOff off; // see map_page
        return pt_.unmap(lo, n * PG);
    }();
    // 4 KiB leaves only: nothing to split, so unmap cannot need a page.
    KASSERT(fl.ok(), "kstack: unmap of %#lx failed (%s)", lo.value(), errno_name(fl.error()));
    fl.value().execute();
    for (unsigned i = 0; i < n; i++) pages_.free(pas[i], 0);
    pages_mapped_ -= n;
}

Result<KStack> KStackAllocator::alloc_new(unsigned pages)
{
    const uint32_t slot = TRY(take_slot());
    const VirtAddr top = slot_top(slot);
    const VirtAddr lo = top - uint64_t{pages} * PG;
    PhysAddr pas[KSTACK_MAX_PAGES];
    unsigned done = 0;
    Result<void> r = populate(lo, pages, pas, done);
    pages_mapped_ += done;
    if (!r.ok()) {
        depopulate(lo, pas, done);
        release_slot(slot);
        return r.error();
    }
    return KStack(slot, top, pages);
}

Result<KStack> KStackAllocator::alloc(unsigned pages)
{
    if (pages == 0 || pages > KSTACK_MAX_PAGES) return Errno::Inval;
    if (fail_site_hit(FailSite::KStack)) return Errno::NoMem;
    // Memory short: the cached stacks go back first, so that a stack is
    // had only as the allocator's reserve rules allow (a fork bomb must
    // not live off the cache while everybody else is refused).
    if (short_of_pages()) (void)drain();
    KStack ks = pages == KSTACK_PAGES ? cache_take() : KStack();
    if (!ks.valid()) {
        Result<KStack> r = alloc_new(pages);
        // Cached stacks are free memory held back: give them up first.
        if (!r.ok() && r.error() == Errno::NoMem && drain() > 0) r = alloc_new(pages);
        ks = TRY(r);
    }
    IntrOff off;
    in_use_++;
    return ks;
}

// Whether ks went into the cache (it stays mapped, its slot busy).
bool KStackAllocator::short_of_pages() const
{
    return pages_.free_pages() <= pages_.reserved_pages();
}

bool KStackAllocator::cache_put(const KStack& ks)
{
    if (ks.pages() != KSTACK_PAGES || ks.slot() >= SLOTS_PER_TABLE || short_of_pages())
        return false;
    IntrOff off;
    if (ncached_ == cache_max_) return false;
    cache_[ncached_++] = ks;
    return true;
}

// The most recently cached stack (its pages likeliest still in the data
// cache), or no stack.
KStack KStackAllocator::cache_take()
{
    IntrOff off;
    return ncached_ > 0 ? cache_[--ncached_] : KStack();
}

void KStackAllocator::free_now(const KStack& ks)
{
    PhysAddr pas[KSTACK_MAX_PAGES];
    for (unsigned i = 0; i < ks.pages(); i++) {
        const Translation t = pt_.lookup(ks.lo() + i * PG);
        KASSERT(t.valid() && t.level == 0, "kstack: page %u of the stack at %#lx not mapped", i,
                ks.top().value());
        pas[i] = t.pa;
    }
    depopulate(ks.lo(), pas, ks.pages());
    release_slot(ks.slot());
}

void KStackAllocator::free(const KStack& ks)
{
    KASSERT(ks.valid() && ks.pages() <= KSTACK_MAX_PAGES, "kstack: freeing no stack");
    KASSERT(ks.slot() < nslots_ && ks.top() == slot_top(ks.slot()),
            "kstack: %#lx is not a stack of this allocator", ks.top().value());
    KASSERT(slot_busy(ks.slot()), "kstack: stack at %#lx freed twice", ks.top().value());
    KASSERT(!pt_.lookup(ks.guard()), "kstack: guard page %#lx is mapped", ks.guard().value());
    if constexpr (INVARIANTS) {
        IntrOff off;
        for (unsigned i = 0; i < ncached_; i++)
            KASSERT(cache_[i].slot() != ks.slot(), "kstack: cached stack at %#lx freed twice",
                    ks.top().value());
    }
    {
        IntrOff off;
        KASSERT(in_use_ > 0, "kstack: freeing a stack with none in use");
        in_use_--;
    }
    if (!cache_put(ks)) free_now(ks);
}

uint64_t KStackAllocator::drain()
{
    uint64_t n = 0;
    for (KStack ks = cache_take(); ks.valid(); ks = cache_take()) {
        free_now(ks);
        n += ks.pages();
    }
    return n;
}

namespace {
alignas(KStackAllocator) unsigned char g_kstacks_mem[sizeof(KStackAllocator)];
KStackAllocator* g_kstacks = nullptr;
} // namespace

KStackAllocator& kernel_kstacks()
{
    PageAllocator& pages = vm_pages();
    PageTable& pt = kernel_pmap();
    if (g_kstacks && g_kstacks->uses(pages, pt)) return *g_kstacks;
    KASSERT(!g_kstacks || g_kstacks->in_use() == 0,
            "kstack: kernel memory replaced with %zu stacks still in use", g_kstacks->in_use());
    KASSERT(!g_kstacks || g_kstacks->cached() == 0,
            "kstack: kernel memory replaced with %u stacks still cached (drain first)",
            g_kstacks->cached());
    g_kstacks = new (g_kstacks_mem)
        KStackAllocator(pages, pt, KStackAllocator::MAX_SLOTS, KSTACK_CACHE_MAX);
    return *g_kstacks;
}

Result<KStack> kstack_alloc(unsigned pages) { return kernel_kstacks().alloc(pages); }

void kstack_free(const KStack& ks) { kernel_kstacks().free(ks); }

uint64_t kstack_cached_pages() { return g_kstacks ? g_kstacks->cached_pages() : 0; }

uint64_t kstack_cache_drain() { return g_kstacks ? g_kstacks->drain() : 0; }
