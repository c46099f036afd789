// Mapping a checked program into an address space (imgact_elf's loading
// half): each PT_LOAD segment becomes one private map entry over an
// object of its own holding the segment's file bytes (copied: initrd
// members are not page aligned), the bss beyond them zero-filled on
// demand, with the segment's protection.  Writable segments are charged
// to the space's account.
#pragma once

#include <stddef.h>
#include <lib/result.h>

struct ElfImage;
struct vmspace;

// Maps img's segments (from elf_parse(file, len)) into vm, which must
// have room for them, and records the text and data sizes and where the
// data (and so the break) starts.  NoMem (no page, no entry, a range
// taken, or the account refused): nothing this call mapped is left.
Result<void> elf_load(vmspace* vm, const void* file, size_t len, const ElfImage& img);
