#include <kernel/fs/initrd_index.h>

#include <string.h>
#include <lib/kassert.h>
#include <mm/kmalloc.h>

namespace {

using Slot = InitrdIndex::Slot;

// Name order; among members of one name, archive order (their names'
// addresses), so that the search finds the first as a walk would.
bool before(const Slot& a, const Slot& b)
{
    const int c = strcmp(a.key, b.key);
    return c < 0 || (c == 0 && a.e.name < b.e.name);
}

// Heapsort: no allocation, no recursion, n log n whatever the archive.
void sift_down(Slot* s, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && before(s[child], s[child + 1])) child++;
        if (!before(s[root], s[child])) return;
        const Slot t = s[root];
        s[root] = s[child];
        s[child] = t;
    }
}

void sort(Slot* s, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) sift_down(s, i, n);
    for (size_t end = n; end-- > 1;) {
        const Slot t = s[0];
        s[0] = s[end];
        s[end] = t;
        sift_down(s, 0, end);
    }
}

} // namespace

Result<void> InitrdIndex::build(const void* base, size_t len)
{
    clear();
    CpioReader count(base, len);
    CpioEntry e;
    size_t n = 0;
    Result<bool> more = false;
    while ((more = count.next(&e)).ok() && more.value()) n++;
    void* mem = TRY(kmalloc(sizeof(Slot) * (n ? n : 1)));
    slots_ = static_cast<Slot*>(mem);
    CpioReader fill(base, len);
    for (size_t i = 0; i < n; i++) {
        const Result<bool> got = fill.next(&e);
        KASSERT(got.ok() && got.value(), "initrd index: member %zu read once, not twice", i);
        slots_[i] = {cpio_skip_prefix(e.name), e, nullptr};
    }
    n_ = n;
    tail_ = more.ok() ? Errno::Ok : more.error();
    sort(slots_, n_);
    built_ = true;
    return {};
}

void InitrdIndex::clear()
{
    kfree(slots_);
    slots_ = nullptr;
    n_ = 0;
    built_ = false;
    tail_ = Errno::Ok;
}

Result<Slot*> InitrdIndex::find(const char* path)
{
    KASSERT(built_, "initrd index: find before build");
    const char* want = cpio_skip_prefix(path);
    size_t lo = 0, hi = n_; // the first slot whose key is not below want
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (strcmp(slots_[mid].key, want) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n_ && strcmp(slots_[lo].key, want) == 0) return &slots_[lo];
    return tail_ == Errno::Ok ? Errno::NoEnt : tail_;
}
