// The -t trstr letters ktrace(1) and kdump(1) share (FreeBSD's
// usr.bin/ktrace/subr.c): c system calls and their returns, n namei,
// i genio, s signals, t structures, u utrace, w context switches,
// y sysctl, f page faults, p capability failures, a all of them,
// + the default set.  Pure, so the host tests build it too.
#pragma once

#include <abi/ktrace.h>

namespace ktr {

inline constexpr int DEF_POINTS = KTRFAC_SYSCALL | KTRFAC_SYSRET | KTRFAC_NAMEI | KTRFAC_GENIO |
                                  KTRFAC_PSIG | KTRFAC_USER | KTRFAC_STRUCT | KTRFAC_SYSCTL |
                                  KTRFAC_CAPFAIL | KTRFAC_STRUCT_ARRAY;
inline constexpr int ALL_POINTS = DEF_POINTS | KTRFAC_CSW | KTRFAC_FAULT | KTRFAC_FAULTEND;
// Every process's beginning and end, which ktrace always asks for so
// that kdump can tell which ABI each process ran.
inline constexpr int PROC_ABI_POINTS = KTRFAC_PROCCTOR | KTRFAC_PROCDTOR;

// The facilities trstr names, or -1 if it holds any other character (or
// is empty).
int getpoints(const char* trstr);

} // namespace ktr
