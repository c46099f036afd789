// The boot self-test of the process subsystem: thread0 forks kernel-side
// children with fork's, vfork's and rfork's flags, lets them run, signals
// and reaps them, and checks after each case that every process object,
// kernel stack, process count and commit charge is back where it was.
// Runs once the scheduler, proc0 and init exist; prints one line per case
// and "procs: N passed, N failed".
#pragma once

// Returns the number of cases that failed.
int proc_selftest_run();
