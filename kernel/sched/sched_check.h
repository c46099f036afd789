// The scheduler's part of the invariant checker (kernel/debug/invariants.h):
// every thread on a run queue is runnable (TDS_RUNQ) and on no sleep
// queue, the queues' non-empty bits and the runnable count agree with
// them; every thread on a sleep queue is asleep (TDS_INHIBITED) on a
// channel that hashes to that queue, and the sleeper count agrees.  And
// for each thread a caller names, that its state matches the queue it is
// on.  Read-only; interrupts off.
#pragma once

class InvariantReport;
struct thread;

void sched_check(InvariantReport& r);
void sched_check_thread(thread* td, InvariantReport& r);
