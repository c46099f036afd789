// Vnodes, the least fork needs (FreeBSD's struct vnode, vfs_subr.c): a
// process holds a use reference on the vnode of the program it runs
// (p_textvp), which fork1 takes for the child and exit drops.
//
// Sprig's vnodes are the files of the initrd, made once at boot and kept
// for the life of the system, so the last vrele() frees nothing: the use
// count is bookkeeping that tests (and later `ps`-like tools) check.  When
// vnodes can come and go, vrele() at zero is where they will be freed.
#pragma once

#include <stdint.h>

struct vnode {
    uint32_t v_usecount = 0;     // use references (vref/vrele)
    const char* v_name = nullptr; // its path in the initrd, for messages
};

// Takes a use reference (vref).
void vref(vnode* vp);
// Drops a use reference (vrele); the count must be positive.
void vrele(vnode* vp);
// How many use references vp has (vrefcnt).
inline uint32_t vrefcnt(const vnode* vp) { return vp->v_usecount; }
