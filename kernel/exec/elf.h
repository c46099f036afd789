// Reading a program for exec (FreeBSD's imgact_elf.c, its checking half):
// a static, non-PIE RV64 ELF executable, turned into a load plan of its
// PT_LOAD segments.  Everything else, and anything malformed (truncated,
// another machine, a segment past the file or outside the user half, two
// segments in one page, an entry point outside the code), is ENOEXEC, and
// nothing outside [file, file + len) is ever read.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/result.h>
#include <mm/vm_map.h>

// The ELF64 layouts (System V ABI), little-endian as RISC-V is.
struct Elf64_Ehdr {
    unsigned char e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};
static_assert(sizeof(Elf64_Ehdr) == 64);

struct Elf64_Phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};
static_assert(sizeof(Elf64_Phdr) == 56);

inline constexpr uint16_t ET_EXEC = 2;
inline constexpr uint16_t EM_RISCV = 243;
inline constexpr uint32_t PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3;
inline constexpr uint32_t PF_X = 1, PF_W = 2, PF_R = 4;

struct ElfSegment {
    uint64_t vaddr;  // where it starts (not necessarily page aligned)
    uint64_t memsz;  // bytes in memory: file bytes, then zeros (bss)
    uint64_t offset; // where its file bytes start
    uint64_t filesz;
    vm_prot_t prot;
};

struct ElfImage {
    static constexpr unsigned MAX_SEGMENTS = 8;
    uint64_t entry;
    ElfSegment segments[MAX_SEGMENTS]; // in increasing vaddr
    unsigned nsegments;
};

// Checks file[0, len) and returns its load plan, or NoExec.
Result<ElfImage> elf_parse(const void* file, size_t len);
