// Vnodes (FreeBSD's struct vnode, vfs_subr.c): a file of the file system,
// whatever opened it.  A process holds a use reference on the vnode of
// the program it runs (p_textvp), which fork1 takes for the child and exit
// drops; an open file of the initrd holds one on the vnode it reads.
//
// Sprig's vnodes belong to one of two file systems (v_fs).  The initrd's
// (kernel/fs/initrd.h): one per member, made the first time a path names
// it (initrd_vget) and kept while the initrd is, so the last vrele() frees
// nothing there; exec and open naming the same path get the same vnode.
// tmpfs's (kernel/fs/tmpfs.h): each is part of its node, and the last
// vrele() of a node no directory names any more frees it.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <kernel/fs/kern_event.h>
#include <lib/list.h>

// What a vnode is (FreeBSD's enum vtype, the part Sprig has).
enum class VType : uint8_t {
    VNON, // none (a vnode not made by the initrd, in tests)
    VREG, // a regular file
    VDIR, // a directory
};

// Which file system a vnode is of (FreeBSD's v_mount, reduced to a tag).
enum class VFs : uint8_t {
    Initrd, // read-only, the archive's bytes
    Tmpfs,  // the vnode is the first member of a tmpfs_node
};

struct vnode {
    uint32_t v_usecount = 0;      // use references (vref/vrele)
    const char* v_name = nullptr; // its path in the initrd, for messages
    VType v_type = VType::VNON;
    VFs v_fs = VFs::Initrd;
    uint16_t v_mode = 0;             // permission bits (07777), as the archive gives them
    uint32_t v_uid = 0, v_gid = 0;   // owner and group
    const uint8_t* v_data = nullptr; // the member's bytes, in the initrd
    size_t v_size = 0;               // how many (tmpfs: the file's size)
    uint64_t v_fileid = 0;           // the inode number stat(2) reports
    ListNode v_list;                 // on the initrd's vnode list
    klist v_sel;                     // EVFILT_READ/WRITE knotes on files of it (tmpfs: told of writes)
};

// Takes a use reference (vref).
void vref(vnode* vp);
// Drops a use reference (vrele); the count must be positive.
void vrele(vnode* vp);
// How many use references vp has (vrefcnt).
inline uint32_t vrefcnt(const vnode* vp) { return vp->v_usecount; }
