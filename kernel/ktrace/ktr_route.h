// Which way system calls go while processes are traced.  The machine's
// fast path (arch/riscv/trapvec.S) runs most calls without syscallenter,
// where the trace points are; testing each thread there would cost every
// call a load and a branch.  Instead, while any process is traced, the
// machine sends every call the whole-frame way (syscallenter), which
// tests KTRPOINT; when the last trace ends the fast path comes back.
#pragma once

// A process started (+1) or stopped (-1) tracing.  Interrupts off.
void ktr_route_traced(int delta);

// The machine's half (arch/riscv/trap.cpp; the host's records it):
// every call the whole way (true), or the fast path back (false).
void cpu_syscall_route_slow(bool slow);
