// tmpfs's nodes, directory entries and the mount (FreeBSD's tmpfs_subr.c
// and tmpfs_vfsops.c, reduced): what a name-space change does.
#include <kernel/fs/tmpfs.h>

#include <new>
#include <lib/kassert.h>
#include <string.h>
#include <mm/kmalloc.h>

namespace {

tmpfs_mount g_mount;
bool g_mounted = false;

Result<tmpfs_node*> node_alloc(tmpfs_mount* tm, VType type, uint16_t mode, uint32_t uid, uint32_t gid)
{
    if (tm->tm_nodes_inuse >= tm->tm_nodes_max) return Errno::NoSpc;
    void* mem = TRY(kmalloc(sizeof(tmpfs_node)));
    auto* n = new (mem) tmpfs_node;
    vnode* vp = TMPFS_TO_VP(n);
    vp->v_name = "tmpfs";
    vp->v_type = type;
    vp->v_fs = VFs::Tmpfs;
    vp->v_mode = uint16_t(mode & 07777);
    vp->v_uid = uid;
    vp->v_gid = gid;
    vp->v_fileid = tm->tm_nextid++;
    tm->tm_nodes.push_back(n);
    tm->tm_nodes_inuse++;
    return n;
}

void node_free(tmpfs_mount* tm, tmpfs_node* n)
{
    KASSERT(n->tn_links == 0 && TMPFS_TO_VP(n)->v_usecount == 0,
            "tmpfs: freeing node %lu with %u links, %u references", TMPFS_TO_VP(n)->v_fileid,
            n->tn_links, TMPFS_TO_VP(n)->v_usecount);
    KASSERT(n->tn_dir.empty(), "tmpfs: freeing directory %lu with entries", TMPFS_TO_VP(n)->v_fileid);
    KASSERT(TMPFS_TO_VP(n)->v_sel.empty(), "tmpfs: freeing node %lu that knotes watch",
            TMPFS_TO_VP(n)->v_fileid);
    KASSERT(!n->tn_lock.locked(), "tmpfs: freeing node %lu while a transfer holds it",
            TMPFS_TO_VP(n)->v_fileid);
    tmpfs_free_pages(n);
    tm->tm_nodes.remove(n);
    tm->tm_nodes_inuse--;
    n->~tmpfs_node();
    kfree(n);
}

// Frees n when nothing names or uses it any more.
void node_maybe_free(tmpfs_node* n)
{
    if (n->tn_links == 0 && TMPFS_TO_VP(n)->v_usecount == 0) node_free(&g_mount, n);
}

Result<tmpfs_dirent*> dirent_alloc(tmpfs_node* node, const char* name, size_t namelen)
{
    KASSERT(namelen > 0 && namelen <= NAME_MAX, "tmpfs: a name of %zu bytes", namelen);
    void* mem = TRY(kmalloc(sizeof(tmpfs_dirent)));
    auto* de = new (mem) tmpfs_dirent;
    de->td_node = node;
    de->td_namelen = uint16_t(namelen);
    memcpy(de->td_name, name, namelen);
    de->td_name[namelen] = '\0';
    return de;
}

void dirent_free(tmpfs_dirent* de)
{
    de->~tmpfs_dirent();
    kfree(de);
}

} // namespace

tmpfs_mount* tmpfs_root_mount() { return g_mounted ? &g_mount : nullptr; }

Errno tmpfs_mount_root(uint64_t pages_max, uint64_t nodes_max)
{
    KASSERT(!g_mounted, "tmpfs mounted twice");
    g_mount.tm_pages_max = pages_max;
    g_mount.tm_nodes_max = nodes_max;
    g_mount.tm_nextid = 2;
    Result<tmpfs_node*> root = node_alloc(&g_mount, VType::VDIR, 01777, 0, 0);
    if (!root.ok()) return root.error();
    tmpfs_node* r = root.value();
    r->tn_parent = r;
    r->tn_links = 2; // its own "." and the mount point's name
    g_mount.tm_root = r;
    g_mounted = true;
    return Errno::Ok;
}

Errno tmpfs_unmount_root()
{
    KASSERT(g_mounted, "tmpfs unmounted while not mounted");
    for (tmpfs_node* n : g_mount.tm_nodes)
        if (TMPFS_TO_VP(n)->v_usecount) return Errno::Busy;
    // Unlink everything, deepest last: each node loses its links, then goes.
    while (tmpfs_node* n = g_mount.tm_nodes.pop_front()) {
        g_mount.tm_nodes.push_back(n); // node_free removes it from the list
        while (tmpfs_dirent* de = n->tn_dir.pop_front()) dirent_free(de);
        n->tn_links = 0;
        n->tn_parent = nullptr;
        node_free(&g_mount, n);
    }
    KASSERT(g_mount.tm_pages_used == 0, "tmpfs: %lu pages held after unmount", g_mount.tm_pages_used);
    g_mount.tm_root = nullptr;
    g_mounted = false;
    return Errno::Ok;
}

bool tmpfs_dir_holds(const tmpfs_node* dir, const tmpfs_node* n)
{
    for (const tmpfs_dirent* de : const_cast<tmpfs_node*>(dir)->tn_dir)
        if (de->td_node == n) return true;
    return false;
}

tmpfs_dirent* tmpfs_dir_lookup(tmpfs_node* dir, const char* name, size_t namelen)
{
    KASSERT(TMPFS_TO_VP(dir)->v_type == VType::VDIR, "tmpfs: lookup in a non-directory");
    for (tmpfs_dirent* de : dir->tn_dir)
        if (de->td_namelen == namelen && memcmp(de->td_name, name, namelen) == 0) return de;
    return nullptr;
}

Result<tmpfs_node*> tmpfs_create(tmpfs_node* dir, const char* name, size_t namelen, VType type,
                                 uint16_t mode, uint32_t uid, uint32_t gid)
{
    KASSERT(tmpfs_dir_lookup(dir, name, namelen) == nullptr, "tmpfs: creating a name that exists");
    tmpfs_node* n = TRY(node_alloc(&g_mount, type, mode, uid, gid));
    Result<tmpfs_dirent*> de = dirent_alloc(n, name, namelen);
    if (!de.ok()) {
        node_free(&g_mount, n);
        return de.error();
    }
    dir->tn_dir.push_back(de.value());
    n->tn_links = 1;
    if (type == VType::VDIR) {
        n->tn_parent = dir;
        n->tn_links++; // its own "."
        dir->tn_links++; // its ".."
    }
    return n;
}

void tmpfs_dir_remove(tmpfs_node* dir, tmpfs_dirent* de)
{
    tmpfs_node* n = de->td_node;
    dir->tn_dir.remove(de);
    dirent_free(de);
    if (TMPFS_TO_VP(n)->v_type == VType::VDIR) {
        KASSERT(n->tn_dir.empty() && n->tn_links == 2, "tmpfs: removing a directory with entries");
        KASSERT(dir->tn_links > 2, "tmpfs: a parent with %u links", dir->tn_links);
        dir->tn_links--;
        n->tn_links = 0;
        n->tn_parent = nullptr;
    } else {
        KASSERT(n->tn_links > 0, "tmpfs: removing an entry of a node with no link");
        n->tn_links--;
    }
    node_maybe_free(n);
}

Errno tmpfs_dir_move(tmpfs_node* dir, tmpfs_dirent* de, tmpfs_node* newdir, const char* newname,
                     size_t namelen)
{
    Result<tmpfs_dirent*> nde = dirent_alloc(de->td_node, newname, namelen);
    if (!nde.ok()) return nde.error();
    tmpfs_node* n = de->td_node;
    dir->tn_dir.remove(de);
    dirent_free(de);
    newdir->tn_dir.push_back(nde.value());
    if (TMPFS_TO_VP(n)->v_type == VType::VDIR && dir != newdir) {
        dir->tn_links--;
        newdir->tn_links++;
        n->tn_parent = newdir;
    }
    return Errno::Ok;
}

void tmpfs_dir_replace(tmpfs_node* fdir, tmpfs_dirent* fde, tmpfs_node* tdir, tmpfs_dirent* tde)
{
    tmpfs_node* n = fde->td_node;
    tmpfs_node* old = tde->td_node;
    KASSERT(n != old, "tmpfs: replacing a name by itself");
    fdir->tn_dir.remove(fde);
    dirent_free(fde);
    tde->td_node = n;
    if (TMPFS_TO_VP(n)->v_type == VType::VDIR && fdir != tdir) {
        fdir->tn_links--;
        tdir->tn_links++;
        n->tn_parent = tdir;
    }
    if (TMPFS_TO_VP(old)->v_type == VType::VDIR) {
        KASSERT(old->tn_dir.empty(), "tmpfs: a directory with entries replaced");
        tdir->tn_links--;
        old->tn_links = 0;
        old->tn_parent = nullptr;
    } else {
        old->tn_links--;
    }
    node_maybe_free(old);
}

void tmpfs_inactive(vnode* vp)
{
    KASSERT(vp->v_fs == VFs::Tmpfs, "tmpfs_inactive of another file system's vnode");
    node_maybe_free(VP_TO_TMPFS(vp));
}
