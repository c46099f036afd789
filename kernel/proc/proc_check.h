// The processes' part of the invariant checker (kernel/debug/invariants.h):
//  - each process is on exactly the list its state says (allproc while
//    new or live, zombproc once a zombie) and in the pid hash, and the
//    number counted against maxproc is the length of the two;
//  - each process is on its parent's children list (only proc0 has no
//    parent, and no zombie is anybody's parent), and each child names the
//    parent whose list it is on;
//  - each process is a member of its group, every group's members name
//    it, no group is empty, and a session's count is its groups;
//  - each uid's process count is the processes whose real uid it is;
//  - each address space's reference count is the processes using it;
//  - each process's thread names it and sits on the queue its state says.
// Read-only; interrupts off.
#pragma once

#include <stddef.h>

class InvariantReport;
class PgrpTable;
class ProcTable;
class UidTable;
struct proc;
struct vmspace;

struct ProcCheckInput {
    ProcTable* table = nullptr;
    PgrpTable* pgrps = nullptr;
    UidTable* uids = nullptr;
    proc* proc0 = nullptr;  // the one process without a parent, not charged to its uid
    int nprocs = -1;        // the count fork1 keeps (ForkLimits); -1: not checked
};

void proc_check(const ProcCheckInput& in, InvariantReport& r);

// The distinct address spaces of the processes (at most max; returns how
// many there are, which may be more), each checked for its reference
// count.
size_t proc_vmspaces(ProcTable& table, vmspace** out, size_t max, InvariantReport& r);
