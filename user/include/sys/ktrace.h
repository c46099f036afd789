// ktrace(2), FreeBSD's (sys/ktrace.h): the operations, facilities and
// record layouts come from abi/ktrace.h, shared with the kernel.  That
// header includes abi/signal.h, which user programs may only see inside
// namespace sprig_abi (see <signal.h>), so it is read there too and the
// names a program uses are brought out one by one.
#pragma once

#include <abi/time.h>
#include <signal.h>
#include <sys/types.h>

namespace sprig_abi {
#include <abi/ktrace.h>
}

using sprig_abi::KTROP_SET;
using sprig_abi::KTROP_CLEAR;
using sprig_abi::KTROP_CLEARFILE;
using sprig_abi::KTROP_MASK;
using sprig_abi::KTRFLAG_DESCEND;
using sprig_abi::KTR_SYSCALL;
using sprig_abi::KTR_SYSRET;
using sprig_abi::KTR_NAMEI;
using sprig_abi::KTR_GENIO;
using sprig_abi::KTR_PSIG;
using sprig_abi::KTR_PROCCTOR;
using sprig_abi::KTR_PROCDTOR;
using sprig_abi::KTR_DROP;
using sprig_abi::KTR_VERSIONED;
using sprig_abi::KTR_TYPE;
using sprig_abi::KTR_VERSION1;
using sprig_abi::KTR_MAXCOMLEN;
using sprig_abi::KTRFAC_SYSCALL;
using sprig_abi::KTRFAC_SYSRET;
using sprig_abi::KTRFAC_NAMEI;
using sprig_abi::KTRFAC_GENIO;
using sprig_abi::KTRFAC_PSIG;
using sprig_abi::KTRFAC_CSW;
using sprig_abi::KTRFAC_USER;
using sprig_abi::KTRFAC_STRUCT;
using sprig_abi::KTRFAC_SYSCTL;
using sprig_abi::KTRFAC_PROCCTOR;
using sprig_abi::KTRFAC_PROCDTOR;
using sprig_abi::KTRFAC_CAPFAIL;
using sprig_abi::KTRFAC_FAULT;
using sprig_abi::KTRFAC_FAULTEND;
using sprig_abi::KTRFAC_STRUCT_ARRAY;
using sprig_abi::KTRFAC_MASK;
using sprig_abi::KTRFAC_ROOT;
using sprig_abi::KTRFAC_INHERIT;
using sprig_abi::KTRFAC_DROP;
using sprig_abi::ktr_header;
using sprig_abi::ktr_syscall;
using sprig_abi::ktr_sysret;
using sprig_abi::ktr_genio;
using sprig_abi::ktr_psig;

extern "C" int ktrace(const char* tracefile, int ops, int trpoints, pid_t pid);
