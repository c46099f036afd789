// The one place where a fault on a user address taken in the kernel meets
// the VM: the RISC-V trap handler calls it for faults inside user copies
// (SUM on), and the host's copy primitives call it when the simulated MMU
// refuses, so both resolve zero-fill and copy-on-write the same way.
#pragma once

#include <stdint.h>
#include <mm/vm_map.h>

// Resolves an access to user address va by the running thread's process
// (vmspace_fault, with the flush run).  false when there is no process or
// the VM refuses (no entry, not allowed, no memory).
bool vm_fault_user_access(uint64_t va, vm_prot_t access);
