// Holds on a process (FreeBSD's PHOLD/PRELE and p_lock): a thread that
// sleeps while it still means to read another process's struct proc
// holds it first, and whoever reaps a zombie waits until every hold is
// gone before freeing it.  A hold keeps the memory, not the process: it
// may still exit and become a zombie.  Interrupts off (or not) as the
// caller likes; each function turns them off itself.
#pragma once

#include <kernel/proc/proc.h>

void PHOLD(proc* p);
// Drops a hold; the last one wakes a reaper waiting in proc_wait_unheld.
void PRELE(proc* p);
// Sleeps until p has no holds (proc_reap calls it before freeing p).
void proc_wait_unheld(proc* p);

// A hold for a scope.
class ProcHold {
public:
    explicit ProcHold(proc* p) : p_(p) { PHOLD(p_); }
    ~ProcHold() { PRELE(p_); }
    ProcHold(const ProcHold&) = delete;
    ProcHold& operator=(const ProcHold&) = delete;

private:
    proc* p_;
};
