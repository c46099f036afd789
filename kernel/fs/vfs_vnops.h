// Files over vnodes (FreeBSD's vfs_vnops.c): what open(2) of an initrd
// member or a tmpfs file makes.  Reads and writes move the file's shared
// offset (DFLAG_SEEKABLE: read, write and lseek move f_offset); the
// initrd is read-only, so only tmpfs files are ever open for writing
// (O_APPEND writes at the end, kernel/fs/tmpfs.h).  The file holds a use
// reference on its vnode, dropped by the last close.
#pragma once

#include <kernel/fs/file.h>

struct vnode;

// The vnode kind's operations (FreeBSD's vnops).
extern const fileops vnops;

// Gives fp (from falloc_noinstall) the vnode kind (vn_open's end): it
// takes over the caller's use reference on vp.  fflags as finit's.
void vn_finit(file* fp, uint32_t fflags, vnode* vp);
