// Whether a credential may read, write or execute a file (FreeBSD's
// vaccess, vfs_subr.c): the owner's bits when the effective uid owns the
// file, else the group's when the file's group is one of the
// credential's, else the others'; only one class is ever consulted.  A
// privileged credential may execute a file only if some execute bit is
// set, as in FreeBSD.
#pragma once

#include <stdint.h>
#include <lib/result.h>

struct ucred;
struct vnode;

// FreeBSD's accmode bits (VEXEC, VWRITE, VREAD), the owner's mode bits.
inline constexpr unsigned VEXEC = 0100;
inline constexpr unsigned VWRITE = 0200;
inline constexpr unsigned VREAD = 0400;

// Errno::Acces when cred may not access vp as accmode asks.
Result<void> vaccess(const vnode* vp, unsigned accmode, const ucred* cred);
