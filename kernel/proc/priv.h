// Privilege checks (FreeBSD's priv(9)): one question, "may this
// credential do that", asked by name rather than by testing for uid 0 all
// over the kernel.  Sprig has no jails or MAC: root (effective uid 0) holds
// every privilege and nobody else holds any.
#pragma once

#include <lib/result.h>

struct ucred;

// FreeBSD's numbers (sys/priv.h), kernel-internal.
enum class Priv : int {
    MaxProc = 4,          // PRIV_MAXPROC: use the last processes kept for root
    Ktrace = 5,           // PRIV_KTRACE: set KTRFAC_ROOT on a trace
    CredSetuid = 50,      // PRIV_CRED_SETUID: setuid(2) to any uid
    DebugDiffCred = 80,   // PRIV_DEBUG_DIFFCRED: trace another user's process
    DebugSugid = 81,      // PRIV_DEBUG_SUGID: trace a set-id process
    ProcLimit = 160,      // PRIV_PROC_LIMIT: exceed RLIMIT_NPROC
    ProcSetRlimit = 162,  // PRIV_PROC_SETRLIMIT: raise a hard limit
    SignalDiffCred = 190, // PRIV_SIGNAL_DIFFCRED: signal another user's process
    SignalSugid = 191,    // PRIV_SIGNAL_SUGID: any signal to a set-id process
    SysctlWrite = 211,    // PRIV_SYSCTL_WRITE: write a root-only sysctl
    VfsRead = 310,        // PRIV_VFS_READ: read a file whatever its mode
    VfsWrite = 311,       // PRIV_VFS_WRITE: write a file whatever its mode
    VfsExec = 313,        // PRIV_VFS_EXEC: execute a file whatever its owner bits (one x bit needed)
    VfsAdmin = 324,       // PRIV_VFS_ADMIN: remove or rename another user's file in a sticky directory
    VmMadvProtect = 360,  // PRIV_VM_MADV_PROTECT: protect a process from the OOM killer
};

// Whether cred holds priv (priv_check_cred; flags as FreeBSD's, unused).
// Errno::Perm when it does not.
Result<void> priv_check_cred(const ucred* cred, Priv priv, int flags = 0);
