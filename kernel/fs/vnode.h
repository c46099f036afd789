// Vnodes (FreeBSD's struct vnode, vfs_subr.c): a file of the file system,
// whatever opened it.  A process holds a use reference on the vnode of
// the program it runs (p_textvp), which fork1 takes for the child and exit
// drops; an open file of the initrd holds one on the vnode it reads.
//
// Sprig's vnodes are the members of the initrd (kernel/fs/initrd.h): one
// per member, made the first time a path names it (initrd_vget) and kept
// while the initrd is, so the last vrele() frees nothing: the use count is
// bookkeeping that tests (and later `ps`-like tools) check.  exec and open
// naming the same path get the same vnode.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/list.h>

// What a vnode is (FreeBSD's enum vtype, the part Sprig has).
enum class VType : uint8_t {
    VNON, // none (a vnode not made by the initrd, in tests)
    VREG, // a regular file
    VDIR, // a directory
};

struct vnode {
    uint32_t v_usecount = 0;      // use references (vref/vrele)
    const char* v_name = nullptr; // its path in the initrd, for messages
    VType v_type = VType::VNON;
    uint16_t v_mode = 0;             // permission bits (07777), as the archive gives them
    uint32_t v_uid = 0, v_gid = 0;   // owner and group
    const uint8_t* v_data = nullptr; // the member's bytes, in the initrd
    size_t v_size = 0;               // how many
    ListNode v_list;                 // on the initrd's vnode list
};

// Takes a use reference (vref).
void vref(vnode* vp);
// Drops a use reference (vrele); the count must be positive.
void vrele(vnode* vp);
// How many use references vp has (vrefcnt).
inline uint32_t vrefcnt(const vnode* vp) { return vp->v_usecount; }
