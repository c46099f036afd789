// The system call table (FreeBSD's sysent): one entry per number, the
// gaps and everything past the end calling nosys, so that a lookup is a
// bounds check and one load.  The table is built at compile time in
// kernel/syscall.cpp; the machine's cpu_fetch_syscall_args
// (<arch/syscall_machdep.h>) picks the entry for the number it finds.
#pragma once

#include <abi/errno.h>
#include <stdint.h>

struct thread;

struct sysent {
    Errno (*sy_call)(thread* td, const uint64_t* args);
};

// sysent_table[0 .. sysent_size - 1]; sysent_nosys for any other number.
extern const sysent* const sysent_table;
extern const unsigned sysent_size;
extern const sysent sysent_nosys;

inline const sysent* sysent_lookup(uint64_t code)
{
    return code < sysent_size ? &sysent_table[code] : &sysent_nosys;
}
