// The initrd: a cpio archive the loader put in RAM (the device tree's
// /chosen linux,initrd-start/-end; QEMU's -initrd), kept mapped through
// the direct map for the kernel's life.  Programs and files are found
// here by path, as members or as their vnodes.
#pragma once

#include <stddef.h>
#include <kernel/fs/cpio.h>
#include <lib/result.h>

struct vnode;

// Boot: the archive's bytes (nullptr, 0: there is none).  The vnodes of
// the archive before are freed: none may be in use.
void initrd_set(const void* base, size_t len);
bool initrd_present();
// The member at path.  NoEnt when there is no such member or no initrd,
// Inval when the archive is malformed.
Result<CpioEntry> initrd_lookup(const char* path);
// The vnode of the member at path, with a use reference for the caller
// to vrele (namei's result): the same vnode every time the member is
// named, by any of its spellings ("bin/sh", "/bin/sh").  NoEnt, Inval as
// initrd_lookup; NoMem when a first vnode cannot be made.
Result<vnode*> initrd_vget(const char* path);
// The root ("" or "/") is a directory of mode 0755 the archive need not list.
//
// The inode number stat(2) and getdirentries give a member: its header's
// place in the archive (2 for the root).
uint64_t initrd_fileid(const CpioEntry& e);
// The index-th member directly inside directory dir ("a/b", "" for the
// root), in archive order: true with *e and *name (the last component)
// filled, false past the last.  Inval for a malformed archive.
Result<bool> initrd_dir_entry(const char* dir, uint64_t index, CpioEntry* e, const char** name);
// Vnodes made so far, for tests.
size_t initrd_vnode_count();
