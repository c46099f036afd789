// A trace sink: where the records of every process tracing into one file
// go (FreeBSD keeps a referenced vnode and credential in each process,
// p_tracevp and p_tracecred).  Sprig's sink holds one reference on an
// open file instead, so a pipe can be a sink as well as a tmpfs file, and
// the file was opened with the tracer's permissions: no credential is
// needed to write it.
//
// ks_refs counts the processes whose p_tracesink names the sink (the
// invariant checker counts them); ks_busy the records being written into
// it.  When both are 0 the file is dropped and the sink freed.  A write
// that fails revokes the sink: every process tracing into it stops (its
// p_traceflag and p_tracesink cleared), as FreeBSD's ktr_writerequest.
#pragma once

#include <stdint.h>
#include <kernel/sched/sleep_lock.h>
#include <lib/list.h>
#include <lib/result.h>

struct file;
struct proc;

struct ktr_sink {
    uint32_t ks_refs = 0;   // processes tracing into it
    uint32_t ks_busy = 0;   // records in flight (their writers' references)
    bool ks_dead = false;   // a write failed: it takes no more records
    file* ks_fp = nullptr;  // where records go (one reference)
    SleepLock ks_lock;      // one record at a time, whole
    ListNode ks_link;       // on the list of every sink
};

// A new sink over fp (the sink takes over the caller's reference), with
// no process yet and held for the caller (ks_busy: ktr_sink_unbusy).
// NoMem (the file is dropped then).
Result<ktr_sink*> ktr_sink_alloc(file* fp);
// The live sink whose file is fp, or one whose file is the same vnode
// (KTROP_SET into a file already traced into, KTROP_CLEARFILE), held for
// the caller as ktr_sink_alloc's; null when there is none.
ktr_sink* ktr_sink_find(const file* fp);

// p starts tracing into ks with facs (interrupts off; p had no sink or
// the same one).
void ktr_attach(proc* p, ktr_sink* ks, int facs);
// p stops tracing: its facilities cleared, its sink (if any) released.
void ktr_detach(proc* p);
// Takes p's sink away without releasing it (interrupts off): the caller
// releases it once it may sleep (ktr_sink_rele).  Returns it.
ktr_sink* ktr_unhook(proc* p);
// Drops one process reference (ks_refs); the last reference frees.
void ktr_sink_rele(ktr_sink* ks);
// The same with interrupts off, freeing nothing: ktr_sinks_reap() frees
// what is left unreferenced once the caller may sleep.
void ktr_sink_drop_locked(ktr_sink* ks);
void ktr_sinks_reap();
// A writer's hold (ks_busy, taken with interrupts off where it read the
// sink from its process) let go; frees a sink nobody holds any more.
void ktr_sink_unbusy(ktr_sink* ks);
// A write failed: every process tracing into ks stops.  The caller is
// that writer (ks_busy): its ktr_sink_unbusy frees the sink.
void ktr_sink_revoke(ktr_sink* ks);

// Every sink alive, for the invariant checker.
using KtrSinkList = List<ktr_sink, &ktr_sink::ks_link>;
KtrSinkList& ktr_sinks();
