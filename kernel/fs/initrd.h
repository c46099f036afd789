// The initrd: a cpio archive the loader put in RAM (the device tree's
// /chosen linux,initrd-start/-end; QEMU's -initrd), kept mapped through
// the direct map for the kernel's life.  Programs are found here by path.
#pragma once

#include <stddef.h>
#include <kernel/fs/cpio.h>
#include <lib/result.h>

// Boot: the archive's bytes (nullptr, 0: there is none).
void initrd_set(const void* base, size_t len);
bool initrd_present();
// The member at path.  NoEnt when there is no such member or no initrd,
// Inval when the archive is malformed.
Result<CpioEntry> initrd_lookup(const char* path);
