// ps's STAT column from a kinfo_proc record.  Pure (abi/sysctl.h only),
// so the host tests build it too.
#pragma once

#include <abi/sysctl.h>

namespace ps {

// Room for the letter, every modifier and the NUL.
inline constexpr int kStateLen = 8;

// FreeBSD's first letter (R runnable, S sleeping, T stopped, Z zombie,
// I being created, ? unknown), then modifiers: V for a vfork parent
// suspended until its child execs or exits (asleep on "ppwait"), v for
// that vfork child (P_PPWAIT), s for a session leader, K for a kernel
// process.
void state(const kinfo_proc& k, char out[kStateLen]);

} // namespace ps
