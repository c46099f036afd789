// ktrace(2) and the records it writes, FreeBSD's values and LP64 layouts
// (sys/ktrace.h, the versioned header of FreeBSD 10 and later), shared by
// the kernel and the user programs that read them (kdump).  A trace file
// is a sequence of records: a ktr_header, then ktr_len bytes of the body
// its ktr_type names.  It includes no abi/signal.h, so that user programs
// (which read that header inside <signal.h>'s namespace) can include it.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/time.h>

// ktrace(fname, ops, facs, pid): the operation in ops' low two bits...
inline constexpr int KTROP_SET = 0;       // start the facilities in facs
inline constexpr int KTROP_CLEAR = 1;     // stop them
inline constexpr int KTROP_CLEARFILE = 2; // stop every trace into fname
inline constexpr int KTROP_MASK = 3;
// ... and flags above them.
inline constexpr int KTRFLAG_DESCEND = 4; // the process's descendants too

// Record types (ktr_type's low bits) and the facility bit of each.
inline constexpr int16_t KTR_SYSCALL = 1;
inline constexpr int16_t KTR_SYSRET = 2;
inline constexpr int16_t KTR_NAMEI = 3;
inline constexpr int16_t KTR_GENIO = 4;
inline constexpr int16_t KTR_PSIG = 5;
inline constexpr int16_t KTR_CSW = 6;
inline constexpr int16_t KTR_USER = 7;
inline constexpr int16_t KTR_STRUCT = 8;
inline constexpr int16_t KTR_SYSCTL = 9;
inline constexpr int16_t KTR_PROCCTOR = 10;
inline constexpr int16_t KTR_PROCDTOR = 11;
inline constexpr int16_t KTR_CAPFAIL = 12;
inline constexpr int16_t KTR_FAULT = 13;
inline constexpr int16_t KTR_FAULTEND = 14;
inline constexpr int16_t KTR_STRUCT_ARRAY = 15;
// Bits of ktr_type above the type.
inline constexpr int16_t KTR_DROP = int16_t(0x8000);  // records were lost before this one
inline constexpr int16_t KTR_VERSIONED = 0x4000;      // the header is struct ktr_header
inline constexpr int16_t KTR_TYPE = KTR_DROP | KTR_VERSIONED;

constexpr int ktrfac(int16_t type) { return 1 << type; }
inline constexpr int KTRFAC_SYSCALL = ktrfac(KTR_SYSCALL);
inline constexpr int KTRFAC_SYSRET = ktrfac(KTR_SYSRET);
inline constexpr int KTRFAC_NAMEI = ktrfac(KTR_NAMEI);
inline constexpr int KTRFAC_GENIO = ktrfac(KTR_GENIO);
inline constexpr int KTRFAC_PSIG = ktrfac(KTR_PSIG);
inline constexpr int KTRFAC_CSW = ktrfac(KTR_CSW);
inline constexpr int KTRFAC_USER = ktrfac(KTR_USER);
inline constexpr int KTRFAC_STRUCT = ktrfac(KTR_STRUCT);
inline constexpr int KTRFAC_SYSCTL = ktrfac(KTR_SYSCTL);
inline constexpr int KTRFAC_PROCCTOR = ktrfac(KTR_PROCCTOR);
inline constexpr int KTRFAC_PROCDTOR = ktrfac(KTR_PROCDTOR);
inline constexpr int KTRFAC_CAPFAIL = ktrfac(KTR_CAPFAIL);
inline constexpr int KTRFAC_FAULT = ktrfac(KTR_FAULT);
inline constexpr int KTRFAC_FAULTEND = ktrfac(KTR_FAULTEND);
inline constexpr int KTRFAC_STRUCT_ARRAY = ktrfac(KTR_STRUCT_ARRAY);
inline constexpr int KTRFAC_MASK = 0x00ffffff;
// Flags kept with a process's facilities (p_traceflag).
inline constexpr int KTRFAC_ROOT = int(0x80000000u); // root set this trace
inline constexpr int KTRFAC_INHERIT = 0x40000000;    // children take the trace at fork
inline constexpr int KTRFAC_DROP = 0x20000000;       // the last record was lost

inline constexpr int KTR_MAXCOMLEN = 19; // FreeBSD's MAXCOMLEN
inline constexpr int16_t KTR_VERSION1 = 1;

struct ktr_header {
    int32_t ktr_len;                    // bytes of the body after the header
    int16_t ktr_type;                   // KTR_*, with KTR_VERSIONED (and KTR_DROP)
    int16_t ktr_version;                // KTR_VERSION1
    int32_t ktr_pid;
    char ktr_comm[KTR_MAXCOMLEN + 1];   // the command, NUL-terminated
    ktimespec ktr_time;                 // when (the monotonic clock)
    int64_t ktr_tid;                    // the thread
    int32_t ktr_cpu;
};
static_assert(offsetof(ktr_header, ktr_pid) == 8 && offsetof(ktr_header, ktr_time) == 32 &&
                  offsetof(ktr_header, ktr_tid) == 48 && sizeof(ktr_header) == 64,
              "FreeBSD's struct ktr_header layout (LP64)");

// KTR_SYSCALL: the call's number and its arguments as the process passed
// them (ktr_narg register-sized words follow the two shorts).
struct ktr_syscall {
    int16_t ktr_code;
    int16_t ktr_narg;
    uint64_t ktr_args[1]; // ktr_narg of them; the record is as long as they are
};
static_assert(offsetof(ktr_syscall, ktr_args) == 8, "FreeBSD's struct ktr_syscall layout");

// KTR_SYSRET: how the call ended.
struct ktr_sysret {
    int16_t ktr_code;
    int16_t ktr_eosys; // unused (0)
    int32_t ktr_error; // the errno, 0 on success
    int64_t ktr_retval;
};
static_assert(sizeof(ktr_sysret) == 16, "FreeBSD's struct ktr_sysret layout");

// KTR_NAMEI: the body is the path looked up, without a NUL.

// KTR_GENIO: the descriptor and direction, then the bytes moved.
enum class ktr_uio_rw : int32_t { UIO_READ = 0, UIO_WRITE = 1 };
struct ktr_genio {
    int32_t ktr_fd;
    ktr_uio_rw ktr_rw;
};
static_assert(sizeof(ktr_genio) == 8, "FreeBSD's struct ktr_genio layout");

// KTR_PSIG: a signal taken (delivered to a handler, or acted on).
struct ktr_psig {
    int32_t signo;
    uint64_t action; // the handler, SIG_DFL (0) or SIG_IGN (1)
    int32_t code;    // si_code
    uint32_t mask[4]; // the mask it was taken under (FreeBSD's sigset_t; abi/signal.h's
                      // ksigset_t, which user space reads in a namespace of its own)
};
static_assert(offsetof(ktr_psig, action) == 8 && offsetof(ktr_psig, mask) == 20 &&
                  sizeof(ktr_psig) == 40,
              "FreeBSD's struct ktr_psig layout (LP64)");

// KTR_PROCCTOR: a process began (its ABI's flags); KTR_PROCDTOR has no body.
struct ktr_proc_ctor {
    uint32_t sv_flags;
};
