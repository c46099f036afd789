// The system call table (FreeBSD's sysent): one entry per number, the
// gaps and everything past the end calling nosys, so that a lookup is a
// bounds check and one load.  The table is built at compile time in
// kernel/syscall/syscall.cpp; the machine's cpu_fetch_syscall_args
// (<arch/syscall_machdep.h>) picks the entry for the number it finds.
#pragma once

#include <abi/errno.h>
#include <stdint.h>

struct thread;

// sy_flags bits.  SYF_FULLFRAME: the call reads, copies or rewrites the
// caller's whole user frame (fork's copy, exec's and sigreturn's new
// registers), so the machine must have saved every register before it
// runs; other calls may run with only the registers C code does not keep
// saved (arch/riscv/trapvec.S, docs/syscalls.md).
inline constexpr uint32_t SYF_FULLFRAME = 0x1;

struct sysent {
    Errno (*sy_call)(thread* td, const uint64_t* args);
    uint32_t sy_flags = 0;
};

// sysent_table[0 .. sysent_size - 1]; sysent_nosys for any other number.
extern const sysent* const sysent_table;
extern const unsigned sysent_size;
extern const sysent sysent_nosys;

inline const sysent* sysent_lookup(uint64_t code)
{
    return code < sysent_size ? &sysent_table[code] : &sysent_nosys;
}
