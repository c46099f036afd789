#include <kernel/ktrace/ktr_sink.h>

#include <kernel/fs/file.h>
#include <kernel/ktrace/ktr_route.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_table.h>
#include <kernel/proc/proc_zones.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

namespace {

KtrSinkList g_sinks;

// The vnode a file is over, or the file itself for other kinds: two
// opens of one trace file are one sink.
const void* sink_object(const file* fp)
{
    return fp->f_type == FileType::Vnode ? fp->f_data : fp;
}

// Takes ks off the list when nobody holds it (interrupts off): in the
// same section as the release that left it idle, so no other thread can
// find it and free it too.  True: the caller frees it (sink_free).
bool sink_unlink_if_idle(ktr_sink* ks)
{
    if (ks->ks_refs || ks->ks_busy) return false;
    g_sinks.remove(ks);
    return true;
}

// Interrupts on: the file's last close may sleep.
void sink_free(ktr_sink* ks)
{
    file* fp = ks->ks_fp;
    proc_zones().ktrsinks.destroy(ks);
    (void)fdrop(fp);
}

} // namespace

KtrSinkList& ktr_sinks() { return g_sinks; }

Result<ktr_sink*> ktr_sink_alloc(file* fp)
{
    Result<ktr_sink*> r = proc_zones().ktrsinks.create();
    if (!r.ok()) {
        (void)fdrop(fp);
        return r.error();
    }
    ktr_sink* ks = r.value();
    ks->ks_fp = fp;
    ks->ks_busy = 1; // the caller's hold
    IntrOff off;
    g_sinks.push_front(ks);
    return ks;
}

ktr_sink* ktr_sink_find(const file* fp)
{
    IntrOff off;
    for (ktr_sink* ks : g_sinks)
        if (!ks->ks_dead && sink_object(ks->ks_fp) == sink_object(fp)) {
            ks->ks_busy++; // the caller's hold
            return ks;
        }
    return nullptr;
}

void ktr_attach(proc* p, ktr_sink* ks, int facs)
{
    KASSERT(!ks->ks_dead, "pid %d: attached to a revoked trace sink", p->p_pid);
    KASSERT(!p->p_tracesink || p->p_tracesink == ks, "pid %d: attached to a second sink", p->p_pid);
    if (!p->p_tracesink) {
        p->p_tracesink = ks;
        ks->ks_refs++;
        ktr_route_traced(+1);
    }
    p->p_traceflag = facs;
}

ktr_sink* ktr_unhook(proc* p)
{
    ktr_sink* ks = p->p_tracesink;
    p->p_traceflag = 0;
    if (!ks) return nullptr;
    p->p_tracesink = nullptr;
    ktr_route_traced(-1);
    return ks;
}

void ktr_sink_rele(ktr_sink* ks)
{
    bool idle = false;
    {
        IntrOff off;
        ktr_sink_drop_locked(ks);
        idle = sink_unlink_if_idle(ks);
    }
    if (idle) sink_free(ks);
}

void ktr_sink_drop_locked(ktr_sink* ks)
{
    KASSERT(ks->ks_refs > 0, "trace sink %p released once too often", static_cast<void*>(ks));
    ks->ks_refs--;
}

void ktr_sinks_reap()
{
    for (;;) {
        ktr_sink* idle = nullptr;
        {
            IntrOff off;
            for (ktr_sink* ks : g_sinks)
                if (!ks->ks_refs && !ks->ks_busy) idle = ks;
            if (idle) g_sinks.remove(idle);
        }
        if (!idle) return;
        sink_free(idle); // may sleep: the walk starts again
    }
}

void ktr_detach(proc* p)
{
    ktr_sink* ks = nullptr;
    {
        IntrOff off;
        ks = ktr_unhook(p);
    }
    if (ks) ktr_sink_rele(ks);
}

void ktr_sink_unbusy(ktr_sink* ks)
{
    bool idle = false;
    {
        IntrOff off;
        KASSERT(ks->ks_busy > 0, "trace sink %p: a writer left twice", static_cast<void*>(ks));
        ks->ks_busy--;
        idle = sink_unlink_if_idle(ks);
    }
    if (idle) sink_free(ks);
}

void ktr_sink_revoke(ktr_sink* ks)
{
    uint32_t dropped = 0;
    {
        // Zombies keep nothing (exit released theirs): live ones only.
        IntrOff off;
        ks->ks_dead = true;
        for (proc* p : proc_table().allproc())
            if (p->p_tracesink == ks) {
                (void)ktr_unhook(p);
                dropped++;
            }
        KASSERT(dropped <= ks->ks_refs, "trace sink %p: %u processes, %u references",
                static_cast<void*>(ks), dropped, ks->ks_refs);
        ks->ks_refs -= dropped;
    }
    // The caller writes through ks and holds it (ks_busy): it frees it.
    KASSERT(ks->ks_busy > 0, "trace sink %p revoked by no writer", static_cast<void*>(ks));
}
