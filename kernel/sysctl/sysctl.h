// A small sysctl: named integer nodes ("kern.lastpid") in a fixed table, read
// and written by name or by FreeBSD's numeric name ({1, 6} for
// kern.maxproc).  The numeric names come from one table
// (kernel/sysctl/sysctl_oids.cpp, listed in docs/syscalls.md); __sysctl(2)
// (kernel/sysctl/kern_sysctl.h) exposes the nodes to user programs.
//
// Permission rules follow FreeBSD's sysctl(3): unknown name ENOENT; a write
// to a node without CTLFLAG_WR EPERM ("an attempt is made to set a read-only
// value"); a write to a CTLFLAG_ROOTWR node by an unprivileged caller EPERM
// ("a process without appropriate privilege attempts to set a value").
// FreeBSD makes every write root-only unless the node says CTLFLAG_ANYBODY;
// Sprig states it per node with CTLFLAG_ROOTWR instead, so kernel nodes
// ported from FreeBSD should carry CTLFLAG_ROOTWR unless FreeBSD's had
// CTLFLAG_ANYBODY.
#pragma once

#include <lib/result.h>
#include <stddef.h>
#include <stdint.h>

// FreeBSD's values for the access bits (sys/sysctl.h).
inline constexpr uint32_t CTLFLAG_RD = 0x80000000;
inline constexpr uint32_t CTLFLAG_WR = 0x40000000;
inline constexpr uint32_t CTLFLAG_RW = CTLFLAG_RD | CTLFLAG_WR;
// Sprig's: only a privileged caller may write (FreeBSD's default, see above).
inline constexpr uint32_t CTLFLAG_ROOTWR = 0x00000100;

// FreeBSD's CTL_MAXNAME: the deepest numeric name.
inline constexpr size_t SYSCTL_MAXNAME = 24;

// Validates or transforms a value being written (FreeBSD's SYSCTL_PROC
// handler, reduced to integers): returns what to store, or the error for
// the writer, in which case nothing is stored.
using SysctlWriteHandler = Result<int> (*)(int requested);

// Computes a read-only node's value when it is read (free pages, say).
using SysctlReadHandler = int (*)(const void* arg);

struct SysctlNode {
    const char* name = nullptr;   // full dotted name, e.g. "kern.randompid"
    uint32_t flags = 0;           // CTLFLAG_*
    int* value = nullptr;         // where the integer lives (the seed's arg1)
    // Instead of value, for a node without CTLFLAG_WR: its value on demand.
    SysctlReadHandler get = nullptr;
    const void* get_arg = nullptr;
    SysctlWriteHandler handler = nullptr; // null: writes store as given
    const char* descr = "";       // the seed's description string
    // FreeBSD's numeric name, e.g. {1, 6} for kern.maxproc.  add() fills
    // it in from sysctl_oid_lookup() when oid_len is 0; a node the table
    // does not know keeps none (reachable by name only, inside the kernel).
    int oid[SYSCTL_MAXNAME] = {};
    size_t oid_len = 0;
};

class SysctlRegistry {
public:
    static constexpr size_t MAX_NODES = 160;

    constexpr SysctlRegistry() = default;
    SysctlRegistry(const SysctlRegistry&) = delete;
    SysctlRegistry& operator=(const SysctlRegistry&) = delete;

    // Copies node into the table.  Errno::Inval: no name, no value (or
    // both a value and a get handler, or a writable get node) or no access
    // bit; Errno::Exist: the name (or a non-empty oid) is taken;
    // Errno::NoMem: the table is full.
    Result<void> add(const SysctlNode& node);

    // The node of that name / numeric name, or null.
    const SysctlNode* find(const char* name) const;
    const SysctlNode* find(const int* oid, size_t oid_len) const;

    // The value.  Errno::NoEnt: no such node.
    Result<int> read(const char* name) const;
    static int value_of(const SysctlNode& node);
    // Stores value (after the node's handler) and returns the old value, as
    // sysctl(3) returns oldp along with setting newp.  Errors: NoEnt,
    // Perm (read-only node, or root-only node and !privileged), or the
    // handler's; on an error the value is unchanged.
    Result<int> write(const char* name, int value, bool privileged);

    size_t size() const { return count_; }
    const SysctlNode* begin() const { return nodes_; }
    const SysctlNode* end() const { return nodes_ + count_; }

private:
    SysctlNode* find_mut(const char* name);

    SysctlNode nodes_[MAX_NODES] = {};
    size_t count_ = 0;
};

// The numeric name Sprig gives a node (FreeBSD's where FreeBSD fixes one,
// KERN_MAXPROC; stable numbers from 0x100, OID_AUTO's start, otherwise):
// copies it to oid (SYSCTL_MAXNAME entries) and returns its length, 0 for
// a name the table does not know.
size_t sysctl_oid_lookup(const char* name, int* oid);

// The kernel's registry, statically initialised; subsystems add their nodes
// from boot code (pid_sysctl_register and the like).
SysctlRegistry& kernel_sysctl();

// A read-only statistics counter (FreeBSD's SYSCTL_UINT with CTLFLAG_RD),
// read through the int node interface.
struct SysctlCounter {
    const char* name;
    uint32_t* value;
    const char* descr;
};
// Adds n counters; stops at the first error (the registry's).
Result<void> sysctl_add_counters(SysctlRegistry& registry, const SysctlCounter* counters, size_t n);
