// tmpfs's file data (FreeBSD's tmpfs_read/tmpfs_write over its swap-backed
// object, reduced): a page array, each page kmalloc'd (a block of the
// page allocator) and charged to the kernel's commit account.
#include <kernel/fs/tmpfs.h>

#include <string.h>
#include <arch/pte.h>
#include <kernel/fs/uio.h>
#include <kernel/sched/priority.h>
#include <lib/kassert.h>
#include <lib/utility.h>
#include <mm/kmalloc.h>
#include <mm/swap_reserve.h>

namespace {

constexpr uint64_t PG = arch::PAGE_SIZE;

// What a hole reads as.
alignas(16) const uint8_t g_zeros[PG] = {};

tmpfs_mount* mount_of(tmpfs_node*)
{
    tmpfs_mount* tm = tmpfs_root_mount();
    KASSERT(tm, "tmpfs: a node with no mount");
    return tm;
}

// tn_pages with at least `slots` slots.  NoMem.
Errno pages_reserve_slots(tmpfs_node* n, size_t slots)
{
    if (slots <= n->tn_npages) return Errno::Ok;
    const size_t want = sprig::max(slots, sprig::max(n->tn_npages * 2, size_t(8)));
    Result<void*> mem = kmalloc(want * sizeof(void*));
    if (!mem.ok()) return mem.error();
    auto** pages = static_cast<void**>(mem.value());
    for (size_t i = 0; i < want; i++) pages[i] = i < n->tn_npages ? n->tn_pages[i] : nullptr;
    kfree(n->tn_pages);
    n->tn_pages = pages;
    n->tn_npages = want;
    return Errno::Ok;
}

// A zeroed page for slot idx, charged: NoSpc at the mount's limit or when
// the commit account refuses, NoMem.
Errno page_get(tmpfs_mount* tm, tmpfs_node* n, size_t idx)
{
    if (tm->tm_pages_used >= tm->tm_pages_max) return Errno::NoSpc;
    if (!kernel_commit().reserve(PG)) return Errno::NoSpc;
    Result<void*> p = kmalloc(PG);
    if (!p.ok()) {
        kernel_commit().release(PG);
        return Errno::NoMem;
    }
    memset(p.value(), 0, PG);
    n->tn_pages[idx] = p.value();
    tm->tm_pages_used++;
    return Errno::Ok;
}

void pages_free(tmpfs_node* n)
{
    tmpfs_mount* tm = mount_of(n);
    for (size_t i = 0; i < n->tn_npages; i++) {
        if (!n->tn_pages[i]) continue;
        kfree(n->tn_pages[i]);
        n->tn_pages[i] = nullptr;
        kernel_commit().release(PG);
        KASSERT(tm->tm_pages_used > 0, "tmpfs: page count underflow");
        tm->tm_pages_used--;
    }
    TMPFS_TO_VP(n)->v_size = 0;
}

// One page's worth of a write at uio_offset.
Errno write_chunk(tmpfs_mount* tm, tmpfs_node* n, uio* uio)
{
    const uint64_t off = uint64_t(uio->uio_offset);
    const size_t idx = size_t(off / PG), in = size_t(off % PG);
    const size_t len = size_t(sprig::min(uint64_t(PG - in), uint64_t(uio->uio_resid)));
    if (off + len > tmpfs_maxfilesize(tm)) return Errno::FBig;
    if (const Errno e = pages_reserve_slots(n, idx + 1); e != Errno::Ok) return e;
    if (!n->tn_pages[idx])
        if (const Errno e = page_get(tm, n, idx); e != Errno::Ok) return e;
    if (const Errno e = uiomove(static_cast<uint8_t*>(n->tn_pages[idx]) + in, len, uio); e != Errno::Ok)
        return e;
    vnode* vp = TMPFS_TO_VP(n);
    if (uint64_t(uio->uio_offset) > vp->v_size) vp->v_size = size_t(uio->uio_offset);
    return Errno::Ok;
}

// A write that must be whole (IO_UNIT) fell short: the file goes back to
// size bytes, the pages wholly past it freed and the rest of its last
// page zeroed, so nothing of the failed write can be read or seen later.
void unit_undo(tmpfs_mount* tm, tmpfs_node* n, size_t size)
{
    for (size_t i = (size + PG - 1) / PG; i < n->tn_npages; i++) {
        if (!n->tn_pages[i]) continue;
        kfree(n->tn_pages[i]);
        n->tn_pages[i] = nullptr;
        kernel_commit().release(PG);
        tm->tm_pages_used--;
    }
    if (size % PG && size / PG < n->tn_npages && n->tn_pages[size / PG])
        memset(static_cast<uint8_t*>(n->tn_pages[size / PG]) + size % PG, 0, PG - size % PG);
    TMPFS_TO_VP(n)->v_size = size;
}

} // namespace

// Twice the page budget: a sparse file may be bigger than what fits, but
// its page array (8 bytes a page) stays a small allocation, and a full
// file system is ENOSPC rather than EFBIG.
uint64_t tmpfs_maxfilesize(const tmpfs_mount* tm) { return 2 * tm->tm_pages_max * PG; }

void tmpfs_free_pages(tmpfs_node* n)
{
    pages_free(n);
    kfree(n->tn_pages);
    n->tn_pages = nullptr;
    n->tn_npages = 0;
}

void tmpfs_truncate(tmpfs_node* n)
{
    SleepLockHeld held(n->tn_lock, PRIBIO, "tmpfstr");
    KASSERT(held.error() == Errno::Ok, "tmpfstr: an uninterruptible wait failed");
    pages_free(n);
}

Errno tmpfs_read(tmpfs_node* n, uio* uio)
{
    SleepLockHeld held(n->tn_lock, PRIBIO, "tmpfsrd");
    KASSERT(held.error() == Errno::Ok, "tmpfsrd: an uninterruptible wait failed");
    const vnode* vp = TMPFS_TO_VP(n);
    while (uio->uio_resid > 0 && uint64_t(uio->uio_offset) < vp->v_size) {
        const uint64_t off = uint64_t(uio->uio_offset);
        const size_t idx = size_t(off / PG), in = size_t(off % PG);
        const size_t len =
            size_t(sprig::min(sprig::min(uint64_t(PG - in), vp->v_size - off), uint64_t(uio->uio_resid)));
        const uint8_t* page = idx < n->tn_npages && n->tn_pages[idx]
                                  ? static_cast<const uint8_t*>(n->tn_pages[idx])
                                  : g_zeros;
        if (const Errno e = uiomove(const_cast<uint8_t*>(page + in), len, uio); e != Errno::Ok) return e;
    }
    return Errno::Ok;
}

Errno tmpfs_write(tmpfs_node* n, uio* uio, bool append, bool unit)
{
    SleepLockHeld held(n->tn_lock, PRIBIO, "tmpfswr");
    KASSERT(held.error() == Errno::Ok, "tmpfswr: an uninterruptible wait failed");
    tmpfs_mount* tm = mount_of(n);
    // The end is read under the lock, so appends from several files never
    // overwrite each other.
    if (append) uio->uio_offset = int64_t(TMPFS_TO_VP(n)->v_size);
    const size_t cnt = uio->uio_resid, size = TMPFS_TO_VP(n)->v_size;
    while (uio->uio_resid > 0) {
        const Errno e = write_chunk(tm, n, uio);
        if (e == Errno::Ok) continue;
        if (unit) {
            unit_undo(tm, n, size);
            return e;
        }
        // A full file system after some bytes: the short count, as write(2) gives.
        if ((e == Errno::NoSpc || e == Errno::FBig) && uio->uio_resid != cnt) break;
        return e;
    }
    // Readers waiting in kevent for the file to grow (filt_read on a vnode).
    if (uio->uio_resid != cnt) KNOTE(&TMPFS_TO_VP(n)->v_sel, 0);
    return Errno::Ok;
}
