#include <kernel/fs/tmpfs_check.h>

#include <arch/pte.h>
#include <kernel/debug/invariant_report.h>
#include <kernel/fs/tmpfs.h>

Result<void> tmpfs_boot(uint64_t physpages)
{
    const uint64_t pages = physpages / TMPFS_PAGES_DIVISOR;
    const Errno e = tmpfs_mount_root(pages, pages / 4 + 16);
    if (e != Errno::Ok) return e;
    return {};
}

uint64_t tmpfs_charged_bytes()
{
    const tmpfs_mount* tm = tmpfs_root_mount();
    return tm ? tm->tm_pages_used * arch::PAGE_SIZE : 0;
}

namespace {

// Counts into tn_check_links, in one pass over every directory, what
// names each node: entries, a directory's own ".", its subdirectories'
// "..", and for the root the mount point's name.
void count_links(tmpfs_mount* tm)
{
    for (tmpfs_node* n : tm->tm_nodes) n->tn_check_links = 0;
    for (tmpfs_node* d : tm->tm_nodes) {
        if (d->tn_vnode.v_type == VType::VDIR && d->tn_parent) d->tn_check_links++;
        for (tmpfs_dirent* de : d->tn_dir) {
            de->td_node->tn_check_links++;
            if (de->td_node->tn_vnode.v_type == VType::VDIR) d->tn_check_links++;
        }
    }
    tm->tm_root->tn_check_links++;
}

uint64_t pages_held(const tmpfs_node* n)
{
    uint64_t held = 0;
    for (size_t i = 0; i < n->tn_npages; i++) held += n->tn_pages[i] != nullptr;
    return held;
}

} // namespace

void tmpfs_check(InvariantReport& r)
{
    tmpfs_mount* tm = tmpfs_root_mount();
    if (!tm) return;
    uint64_t pages = 0, nodes = 0;
    count_links(tm);
    for (tmpfs_node* n : tm->tm_nodes) {
        nodes++;
        pages += pages_held(n);
        const uint32_t want = n->tn_check_links;
        if (n->tn_links != want)
            r.violation("tmpfs", "node %lu has %u links, %u name it", n->tn_vnode.v_fileid, n->tn_links, want);
        if (n->tn_links == 0 && n->tn_vnode.v_usecount == 0)
            r.violation("tmpfs", "node %lu has neither a link nor a reference", n->tn_vnode.v_fileid);
        if (n->tn_vnode.v_type == VType::VDIR && n->tn_parent && n != tm->tm_root &&
            !tmpfs_dir_holds(n->tn_parent, n))
            r.violation("tmpfs", "directory %lu is not in its parent", n->tn_vnode.v_fileid);
    }
    if (pages != tm->tm_pages_used || pages > tm->tm_pages_max)
        r.violation("tmpfs", "%lu pages held, %lu counted (at most %lu)", pages, tm->tm_pages_used,
                    tm->tm_pages_max);
    if (nodes != tm->tm_nodes_inuse)
        r.violation("tmpfs", "%lu nodes listed, %lu counted", nodes, tm->tm_nodes_inuse);
}
