// The user programs of the process self-test, written in each machine's
// own code (arch/riscv/selftest_user.S); the host has no user mode and
// panics if asked.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace arch {

// TouchPages: a0 = first page, a1 = count; writes each page, then exits
// with getpid() & 0xff.  StoreToNull: stores to address 8 (SIGSEGV).
// Spin: loops forever without a system call (only a signal ends it).
enum class SelftestProgram : uint8_t { TouchPages, StoreToNull, Spin };

struct UserCode {
    const unsigned char* bytes;
    size_t size;
};

UserCode selftest_user_program(SelftestProgram which);

} // namespace arch
