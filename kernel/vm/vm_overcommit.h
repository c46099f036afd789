// vm.overcommit, FreeBSD's tunable for commit accounting: bit 0
// (SWAP_RESERVE_FORCE_ON) makes the kernel's account strict, so a charge
// beyond its limit fails with ENOMEM (fork, mmap and break alike); 0 (the
// default, as FreeBSD ships) counts and never refuses.  FreeBSD's other
// bits (per-uid RLIMIT_SWAP, non-wired memory) have nothing to act on in
// Sprig and are refused.  The limit is the RAM left to users at boot.
//
// Set from the command line (vm.overcommit=N) and by the sysctl of the
// same name (root only).
#pragma once

#include <stdint.h>
#include <lib/result.h>

class CmdLine;
class CommitAccount;
class SysctlRegistry;

inline constexpr int SWAP_RESERVE_FORCE_ON = 1;

// Applies vm.overcommit=N from cmdline (a bad value is reported on the
// console and ignored) and sets the account's limit to user_bytes.
void vm_overcommit_init(const CmdLine& cmdline, CommitAccount& account, uint64_t user_bytes);
// Adds vm.overcommit (read-write, root only) for the kernel's account.
Result<void> vm_overcommit_sysctl_register(SysctlRegistry& registry);
// The current value.
int vm_overcommit();
