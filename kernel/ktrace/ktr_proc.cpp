// Tracing across a process's life: fork (inheritance, the child's first
// record) and exit (FreeBSD's fork1 lines, fork_return, ktrprocexit).
// Exec keeps the trace: FreeBSD drops it on a set-id image, and Sprig's
// exec runs no image with other ids (docs/processes.md).
#include <kernel/ktrace/ktrace.h>

#include <abi/syscall.h>
#include <kernel/ktrace/ktr_request.h>
#include <kernel/ktrace/ktr_sink.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

void ktrprocfork_inherit(proc* p1, proc* p2)
{
    assert_intr_off("ktrprocfork");
    KASSERT(!p2->p_tracesink && !p2->p_traceflag, "new process %d has a trace", p2->p_pid);
    if (!p1->p_tracesink) return;
    // The child's first record is its own; a drop the parent owes is not.
    ktr_attach(p2, p1->p_tracesink, p1->p_traceflag & ~KTRFAC_DROP);
}

void ktrprocexit_traced(thread* td)
{
    proc* p = td->td_proc;
    if (KTRPOINT(td, KTR_PROCDTOR)) {
        if (ktr_header* h = ktr_getrequest(td, KTR_PROCDTOR, 0)) ktr_submitrequest(td, h);
    }
    ktr_detach(p);
}
