// Path lookup (FreeBSD's namei, vfs_lookup.c, for Sprig's two file
// systems): the initrd at / and tmpfs mounted at /tmp.  Sprig has no
// current directory and no symbolic links: every path is taken from the
// root, and "." and ".." are resolved by name before the walk (so
// "/tmp/../bin/sh" is /bin/sh, and "/tmp/f/.." is /tmp even if f is a
// file).  A path whose first component is "tmp" crosses into tmpfs.
#pragma once

#include <stddef.h>
#include <abi/errno.h>

struct ucred;
struct tmpfs_node;
struct tmpfs_dirent;

// What a path names.
struct nameidata {
    bool ni_tmpfs = false;   // in tmpfs (else the initrd, at ni_path)
    const char* ni_path = nullptr; // the canonical path ("a/b", "" for /), in the caller's buffer
    // tmpfs: the directory holding the last component (null for /tmp
    // itself), its entry (null when missing) and the node (null when missing).
    tmpfs_node* ni_dvp = nullptr;
    tmpfs_dirent* ni_de = nullptr;
    tmpfs_node* ni_vp = nullptr;
    const char* ni_name = nullptr; // the last component (not NUL-terminated)
    size_t ni_namelen = 0;
    bool ni_trailing_slash = false; // "d/": the path must name a directory
    bool ni_lastdot = false;        // the path ended in "." or ".."
};

// Looks path up for cred, rewriting it in place to its canonical form.
// NoEnt (an empty path, or a missing directory on the way), NotDir (a
// file on the way, or a trailing slash after a file), NameTooLong (a
// component over NAME_MAX), Acces (a tmpfs directory on the way cred may
// not search).  A missing last component is not an error: ni_vp is null.
// The tmpfs pointers stay valid until the caller sleeps.
Errno namei(char* path, const ucred* cred, nameidata* nd);
