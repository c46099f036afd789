// __sysctl(2)'s numeric names and the process records of kern.proc,
// shared by the kernel and user space (sysctl, ps).  FreeBSD's numbers
// (sys/sysctl.h) where FreeBSD fixes them; the nodes FreeBSD numbers with
// OID_AUTO get stable numbers from 0x100 (see docs/syscalls.md), and a
// program should find those by name ({0, 3}, sysctlnametomib).
//
// struct kinfo_proc is Sprig's own, much smaller than FreeBSD's: the
// fields ps needs, versioned by ki_structsize as FreeBSD's is.
#pragma once

#include <stddef.h>
#include <stdint.h>

inline constexpr int CTL_MAXNAME = 24; // deepest numeric name

// Top level.
inline constexpr int CTL_UNSPEC = 0; // the sysctl tree itself (below)
inline constexpr int CTL_KERN = 1;
inline constexpr int CTL_VM = 2;
inline constexpr int CTL_DEBUG = 5;
inline constexpr int CTL_HW = 6;

// {CTL_UNSPEC, x, ...}: questions about the tree.
inline constexpr int CTL_SYSCTL_NEXT = 1;    // {0, 1, oid...}: the next leaf's oid
inline constexpr int CTL_SYSCTL_NAME = 2;    // {0, 2, oid...}: its dotted name
inline constexpr int CTL_SYSCTL_NAME2OID = 3; // {0, 3}, newp = name: its oid

// CTL_KERN's fixed numbers.
inline constexpr int KERN_OSTYPE = 1;    // string: "Sprig"
inline constexpr int KERN_OSRELEASE = 2; // string: the release
inline constexpr int KERN_VERSION = 4;   // string: the kernel's banner line
inline constexpr int KERN_MAXPROC = 6;
inline constexpr int KERN_PROC = 14;
inline constexpr int KERN_MAXPROCPERUID = 28;

// CTL_HW's.
inline constexpr int HW_MACHINE = 1; // string: "riscv"

// {CTL_KERN, KERN_PROC, x, ...}: an array of struct kinfo_proc.
inline constexpr int KERN_PROC_ALL = 0; // every process, zombies included
inline constexpr int KERN_PROC_PID = 1; // {..., pid}: that one

// ki_stat: FreeBSD's process states (sys/proc.h).
inline constexpr char SIDL = 1;   // being made by fork
inline constexpr char SRUN = 2;   // running or runnable
inline constexpr char SSLEEP = 3; // sleeping (ki_wmesg says on what)
inline constexpr char SSTOP = 4;  // stopped
inline constexpr char SZOMB = 5;  // exited, not yet reaped

inline constexpr size_t WMESGLEN = 8;  // FreeBSD's, without the NUL
inline constexpr size_t COMMLEN = 19;

// ki_flag bits a ps shows (the kernel's p_flag, FreeBSD's values).
inline constexpr int64_t KI_P_CONTROLT = 0x00002; // has a controlling terminal
inline constexpr int64_t KI_P_KTHREAD = 0x00004;  // kernel process
inline constexpr int64_t KI_P_PPWAIT = 0x00010;   // vfork child: its parent waits for its exec/exit
inline constexpr int64_t KI_P_SUGID = 0x00100;    // changed ids
inline constexpr int64_t KI_P_SYSTEM = 0x00200;   // system process
inline constexpr int64_t KI_P_WEXIT = 0x02000;    // exiting
inline constexpr int64_t KI_P_EXEC = 0x04000;     // has exec'd

// A vfork parent sleeps with this wait message until its child execs or
// exits ("waiting for its vfork child").
inline constexpr char KI_WMESG_PPWAIT[] = "ppwait";

struct kinfo_proc {
    int32_t ki_structsize; // sizeof(struct kinfo_proc): the version
    int32_t ki_pid;
    int32_t ki_ppid;       // 0 for a process without a parent
    int32_t ki_pgid;
    int32_t ki_sid;
    uint32_t ki_uid;       // effective user id
    uint32_t ki_ruid;      // real user id
    uint32_t ki_svuid;     // saved user id
    uint32_t ki_rgid;      // real group id
    uint32_t ki_gid;       // effective group id
    char ki_stat;          // SIDL ... SZOMB
    uint8_t ki_pri;        // scheduling priority (lower runs first)
    uint16_t ki_spare0;
    uint32_t ki_spare1;
    int64_t ki_flag;       // KI_P_* (p_flag)
    uint64_t ki_runtime;   // microseconds run
    char ki_wmesg[WMESGLEN + 1]; // what it sleeps on, "" when it does not
    char ki_comm[COMMLEN + 1];   // command name
};
static_assert(offsetof(kinfo_proc, ki_stat) == 40 && offsetof(kinfo_proc, ki_flag) == 48 &&
                  offsetof(kinfo_proc, ki_wmesg) == 64 && offsetof(kinfo_proc, ki_comm) == 73 &&
                  sizeof(kinfo_proc) == 96,
              "Sprig's kinfo_proc layout, version 96");
