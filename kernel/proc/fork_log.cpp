#include <kernel/proc/fork_log.h>

#include <kernel/clock.h>
#include <kernel/console.h>
#include <kernel/proc/kern_fork.h>
#include <lib/kassert.h>

#include <string.h>

namespace {

ProcessForkEvent::Entry g_entry;

} // namespace

void ForkLog::register_handler()
{
    KASSERT(!g_entry.link.linked(), "fork log registered twice");
    g_entry.fn = on_fork;
    g_entry.arg = this;
    process_fork_event().register_handler(g_entry);
}

void ForkLog::unregister_handler() { process_fork_event().deregister_handler(g_entry); }

void ForkLog::on_fork(void* self, proc* p1, proc* p2, int flags)
{
    auto* log = static_cast<ForkLog*>(self);
    ForkRecord& r = log->ring_[log->total_ % CAPACITY];
    r.tick = ticks();
    r.parent = p1->p_pid;
    r.child = p2->p_pid;
    r.flags = flags;
    memcpy(r.comm, p2->p_comm, sizeof r.comm);
    r.comm[sizeof r.comm - 1] = 0;
    log->total_++;
}

const ForkRecord& ForkLog::recent(size_t i) const
{
    KASSERT(i < size(), "fork log: record %zu of %zu", i, size());
    return ring_[(total_ - 1 - i) % CAPACITY];
}

void ForkLog::print() const
{
    kprintf("%lu forks; the last %zu, newest first:\n", total_, size());
    kprintf("  %10s %6s %6s %10s  %s\n", "tick", "parent", "child", "flags", "command");
    for (size_t i = 0; i < size(); i++) {
        const ForkRecord& r = recent(i);
        kprintf("  %10lu %6d %6d %#10x  %s\n", r.tick, r.parent, r.child, r.flags, r.comm);
    }
}

ForkLog& fork_log()
{
    static ForkLog log;
    return log;
}
