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
// Vnodes made so far, for tests.
size_t initrd_vnode_count();
