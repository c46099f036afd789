// The invariant checker (in the spirit of FreeBSD's INVARIANTS, run on
// demand rather than at every step): walks the kernel's state and reports
// every broken invariant with what and where, through an InvariantReport
// (kernel/debug/invariant_report.h).  The checks live next to their subsystems:
//   mm/zone_check.h           zones: slabs, free lists, trash, counts
//   mm/vm_check.h             page and object references, translations, commit charge
//   kernel/proc/proc_check.h  process lists, families, groups, sessions, uids
//   kernel/sched/sched_check.h run and sleep queues
// Reached from the monitor (`check`) and by root through sysctl:
//   debug.invariants.check=1     runs it; =2 gives every zone's cached empty
//                                slab back first (free-page baselines)
//   debug.invariants.violations  what the last run found
//   debug.invariants.panic=1     panic at the first violation instead
// and the boot switch debug.invariants.panic=1 sets the last from the start.
//
// A run keeps interrupts off throughout, so it sees one instant; it takes
// scratch memory (a counter per page, the list of address spaces) for the
// duration and gives it back.
#pragma once

#include <stddef.h>
#include <lib/result.h>
#include <mm/vm_check.h>

class CmdLine;
class InvariantReport;
class SysctlRegistry;

struct InvariantTotals {
    unsigned violations = 0;
    size_t zones = 0;   // zones checked
    size_t procs = 0;   // processes checked
    size_t spaces = 0;  // address spaces checked
    VmCensus census;    // where the allocated pages are
};

// Runs every check over the kernel's objects (host tests: their world's).
InvariantTotals invariants_run(InvariantReport& r);
// A run with a report of the configured kind; prints a summary line when
// `summary` or when something was found, and with `summary` a census of
// the allocated pages by holder.  Returns the violations.
unsigned invariants_check(bool summary);

void invariants_init(const CmdLine& cmdline);
Result<void> invariants_sysctl_register(SysctlRegistry& registry);
