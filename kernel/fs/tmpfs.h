// tmpfs (FreeBSD's tmpfs(5)): a file system in memory, mounted at /tmp.
// Each file or directory is a node holding its vnode; a directory holds
// its entries (a list), a regular file its data as whole pages from the
// page allocator (kmalloc of a page is a block of the page allocator),
// each charged to the kernel's commit account like a page of anonymous
// memory.  The mount bounds its pages (tm_pages_max) and its nodes
// (tm_nodes_max): beyond either, a write or a create is ENOSPC.
//
// A node lives while it has a link (a directory entry naming it) or a use
// reference (an open file, a lookup in progress): unlink drops the link,
// and the last vrele of an unlinked node frees it with its pages, so an
// unlinked file stays readable until its last close.
//
// Name-space changes never sleep (the hart is not preempted and every
// allocation is M_NOWAIT), so lookups hand back unreferenced nodes that
// stay valid until the caller sleeps.  Data transfers do sleep (a user
// copy may fault) and take the node's tn_lock, which makes an O_APPEND
// write atomic with respect to other writers and keeps truncation from
// freeing pages under a copy.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <kernel/fs/vnode.h>
#include <kernel/sched/sleep_lock.h>
#include <lib/list.h>
#include <lib/result.h>

struct uio;

// The longest name of one component (FreeBSD's NAME_MAX), NUL excluded.
inline constexpr size_t NAME_MAX = 255;

struct tmpfs_node;

// A directory entry (FreeBSD's struct tmpfs_dirent).
struct tmpfs_dirent {
    ListNode td_link;              // on the directory's tn_dir
    tmpfs_node* td_node = nullptr; // what it names (a link)
    uint16_t td_namelen = 0;
    char td_name[NAME_MAX + 1] = {};
};

struct tmpfs_node {
    vnode tn_vnode;                // type, mode, owner, size, use count
    uint32_t tn_links = 0;         // directory entries naming it (a dir's "." and its parent's entry)
    tmpfs_node* tn_parent = nullptr; // a directory's "..": itself for the root
    List<tmpfs_dirent, &tmpfs_dirent::td_link> tn_dir; // a directory's entries
    void** tn_pages = nullptr;     // a file's data pages by index (null: a hole, reads as zeros)
    size_t tn_npages = 0;          // slots in tn_pages
    SleepLock tn_lock;             // held across a data transfer
    ListNode tn_all;               // on the mount's node list
    uint32_t tn_check_links = 0;   // the invariant checker's count of what names it
};

// The vnode is the node's first member, so each converts to the other.
static_assert(__is_standard_layout(tmpfs_node), "tmpfs_node must start with its vnode");
inline tmpfs_node* VP_TO_TMPFS(vnode* vp) { return reinterpret_cast<tmpfs_node*>(vp); }
inline const tmpfs_node* VP_TO_TMPFS(const vnode* vp) { return reinterpret_cast<const tmpfs_node*>(vp); }
inline vnode* TMPFS_TO_VP(tmpfs_node* n) { return &n->tn_vnode; }

struct tmpfs_mount {
    tmpfs_node* tm_root = nullptr;
    uint64_t tm_pages_max = 0;  // data pages allowed
    uint64_t tm_pages_used = 0; // data pages held (each charged to the commit account)
    uint64_t tm_nodes_max = 0;
    uint64_t tm_nodes_inuse = 0;
    uint64_t tm_nextid = 2;     // inode numbers: the root is 2
    List<tmpfs_node, &tmpfs_node::tn_all> tm_nodes;
};

// The mount at /tmp (none until tmpfs_mount_root).
tmpfs_mount* tmpfs_root_mount();
// Mounts /tmp: a root directory of mode 01777 owned by root.  NoMem.
// pages_max and nodes_max bound what it may hold.
Errno tmpfs_mount_root(uint64_t pages_max, uint64_t nodes_max);
// Unmounts /tmp: every node must be unused (no use reference); all are
// freed.  Busy when one is still in use (nothing is freed then).
Errno tmpfs_unmount_root();

// A new node of type `type` (VREG, VDIR) with mode and owner, linked into
// dir under name (namelen bytes, no '/', not "." or ".."): NoSpc at the
// node limit, NoMem.  dir must be a directory without that name.
Result<tmpfs_node*> tmpfs_create(tmpfs_node* dir, const char* name, size_t namelen, VType type,
                                 uint16_t mode, uint32_t uid, uint32_t gid);
// Whether some entry of dir names n.
bool tmpfs_dir_holds(const tmpfs_node* dir, const tmpfs_node* n);
// The entry called name in dir, or null.
tmpfs_dirent* tmpfs_dir_lookup(tmpfs_node* dir, const char* name, size_t namelen);
// Removes the entry de from dir and drops its link; a node with no link
// and no use reference is freed.
void tmpfs_dir_remove(tmpfs_node* dir, tmpfs_dirent* de);
// Moves the entry de from dir to newdir under newname (which must not
// exist there); NoMem leaves everything as it was.
Errno tmpfs_dir_move(tmpfs_node* dir, tmpfs_dirent* de, tmpfs_node* newdir, const char* newname,
                     size_t namelen);
// rename over an existing entry: tde (in tdir) names fde's node instead,
// fde goes from fdir, and the node tde named loses that link (an empty
// directory, both).  Allocates nothing, so cannot fail.
void tmpfs_dir_replace(tmpfs_node* fdir, tmpfs_dirent* fde, tmpfs_node* tdir, tmpfs_dirent* tde);
// The vnode's last use reference went (vrele): frees the node if it has no link.
void tmpfs_inactive(vnode* vp);

// Data: uio moves bytes from/to the file at uio_offset.  write extends the
// file; NoSpc (the page limit), NoMem, Fault; FBig past the largest file.
// append puts the bytes at the end, atomically.  unit (FreeBSD's IO_UNIT,
// for ktrace's records): all of it or nothing, the error and the file as
// it was rather than a short count.  Both take tn_lock.
Errno tmpfs_read(tmpfs_node* n, uio* uio);
Errno tmpfs_write(tmpfs_node* n, uio* uio, bool append, bool unit = false);
// Frees every data page (O_TRUNC); takes tn_lock.
void tmpfs_truncate(tmpfs_node* n);
// Frees every data page and the page array, with no lock (a node being freed).
void tmpfs_free_pages(tmpfs_node* n);
// The largest file: twice the mount's page budget (a sparse file may be
// bigger than what fits).
uint64_t tmpfs_maxfilesize(const tmpfs_mount* tm);
