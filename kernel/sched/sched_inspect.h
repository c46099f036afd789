// Read-only views of the scheduler's queues, for the invariant checker
// (kernel/sched/sched_check.h): nothing here changes a queue.  Call with
// interrupts off so the queues hold still.
#pragma once

#include <stdint.h>

struct thread;

// Calls fn(td, q, arg) for every thread on run queue q, queue by queue.
void runq_foreach(void (*fn)(thread* td, unsigned q, void* arg), void* arg);
// How many run queues there are, and which the scheduler believes are
// not empty (bit q).
unsigned runq_queues();
uint64_t runq_nonempty_bits();
// The thread that runs when nothing else can (not on any queue).
thread* sched_idle_thread();

// Calls fn(td, bucket, arg) for every sleeping thread, bucket by bucket,
// and the bucket a channel hashes to.
void sleepq_foreach(void (*fn)(thread* td, unsigned bucket, void* arg), void* arg);
unsigned sleepq_bucket_of(const void* chan);
