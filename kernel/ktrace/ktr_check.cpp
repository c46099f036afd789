#include <kernel/ktrace/ktr_check.h>

#include <kernel/debug/invariant_report.h>
#include <kernel/ktrace/ktr_sink.h>
#include <kernel/ktrace/ktrace.h>
#include <kernel/proc/proc_table.h>
#include <mm/intr_off.h>

namespace {

// Processes in table naming ks; each named sink must be on the list.
uint32_t count_refs(ProcTable& table, const ktr_sink* ks)
{
    uint32_t n = 0;
    for (proc* p : table.allproc()) n += p->p_tracesink == ks;
    return n;
}

bool sink_listed(const ktr_sink* ks)
{
    for (ktr_sink* s : ktr_sinks())
        if (s == ks) return true;
    return false;
}

void check_procs(ProcTable& table, InvariantReport& r)
{
    unsigned traced = 0;
    for (proc* p : table.allproc()) {
        if (!p->p_tracesink) continue;
        traced++;
        if (!sink_listed(p->p_tracesink))
            r.violation("ktrace", "pid %d traces into a sink that is not on the list", p->p_pid);
        else if (p->p_tracesink->ks_dead)
            r.violation("ktrace", "pid %d traces into a revoked sink", p->p_pid);
        if (!(p->p_traceflag & KTRFAC_MASK))
            r.violation("ktrace", "pid %d has a sink and no facility (%#x)", p->p_pid, unsigned(p->p_traceflag));
    }
    for (proc* p : table.zombproc())
        if (p->p_tracesink) r.violation("ktrace", "zombie %d still holds a trace sink", p->p_pid);
    if (traced != ktr_traced_count())
        r.violation("ktrace", "%u processes traced, the routing counts %u", traced, ktr_traced_count());
}

} // namespace

void ktrace_check(InvariantReport& r)
{
    IntrOff off;
    ProcTable& table = proc_table();
    for (ktr_sink* ks : ktr_sinks()) {
        const uint32_t n = count_refs(table, ks);
        if (n != ks->ks_refs)
            r.violation("ktrace", "a sink counts %u processes, %u name it", ks->ks_refs, n);
        if (!ks->ks_fp) r.violation("ktrace", "a sink without a file");
    }
    check_procs(table, r);
}
