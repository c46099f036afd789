// What the invariant checker (kernel/debug/invariants) asks of ktrace.
#pragma once

class InvariantReport;

// Every sink's ks_refs equals the live processes naming it; no zombie
// names one; a process names a sink only with facilities and a live one
// (a revoked sink has no process); the traced count ktrace's routing keeps
// equals the processes with a sink.
void ktrace_check(InvariantReport& r);
