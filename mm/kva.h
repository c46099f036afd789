// Kernel virtual address space for device registers (FreeBSD's
// pmap_mapdev): each request gets fresh pages in the MMIO region of
// arch/param.h, mapped read-write, never executable, global.
#pragma once

#include <stddef.h>
#include <lib/addr.h>
#include <lib/result.h>

// Maps [pa, pa + size) (rounded out to pages) and returns the virtual
// address of pa.  NoMem when the region or the table pages run out.
Result<void*> pmap_mapdev(PhysAddr pa, size_t size);
