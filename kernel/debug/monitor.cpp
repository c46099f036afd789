#include <kernel/debug/monitor.h>

#include <kernel/machdep.h>
#include <kernel/clock.h>
#include <kernel/console.h>
#include <kernel/debug/invariants.h>
#include <kernel/debug/line_editor.h>
#include <kernel/proc/fork_log.h>
#include <kernel/proc/fork_stats.h>
#include <kernel/proc/proc_show.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <kernel/cmdline.h>
#include <mm/kmem.h>
#include <mm/swap_reserve.h>
#include <mm/vm_fault.h>

#include <string.h>

namespace {

struct Command {
    const char* name;
    const char* help;
    void (*run)(const char* args);
};

void cmd_help(const char*);

void cmd_echo(const char* args) { kprintf("%s\n", args); }

void cmd_ticks(const char*)
{
    kprintf("%lu ticks (%u Hz), %lu console characters received\n", ticks(), HZ,
            static_cast<uint64_t>(console_rx_count()));
}

void cmd_mem(const char*)
{
    PageAllocator& pa = vm_pages();
    kprintf("pages: %lu total, %lu free, %lu in use (peak %lu)\n", pa.total_pages(),
            pa.free_pages(), pa.pages_in_use(), pa.peak_pages_in_use());
}

void cmd_vmstat(const char*)
{
    PageAllocator& pa = vm_pages();
    kprintf("pages free %lu of %lu\n", pa.free_pages(), pa.total_pages());
    if (ZeroPool* zp = kmem_zero_pool())
        kprintf("pre-zeroed pages %zu (target %zu), zeroed in all %lu, used %lu\n", zp->size(),
                zp->target(), zp->zeroed(), zp->hits());
    const CommitAccount& c = kernel_commit();
    kprintf("page-table pages %lu; commit %lu KiB reserved of %lu KiB (%s)\n",
            kernel_pt_pages().pages_in_use(), c.reserved() / 1024, c.limit() / 1024,
            c.strict() ? "strict" : "counted, not enforced");
    const VmFaultStats& f = vm_fault_stats();
    kprintf("page faults %u: zero-filled %u, copy-on-write copied %u, reused %u\n",
            f.v_vm_faults, f.v_zfod, f.v_cow_faults, f.v_cow_optim);
    kprintf("context switches %lu, runnable %u, asleep %u, ticks %lu\n", sched_switches(),
            sched_runnable(), sleepq_sleepers(), ticks());
}

void cmd_sleep(const char* args)
{
    auto n = parse_u64(args);
    if (!n.ok()) {
        kprintf("sleep: give a number of ticks (%u a second)\n", HZ);
        return;
    }
    if (sched_running())
        pause("sleep", n.value());
    else
        kprintf("sleep: the scheduler is not running\n");
}

void cmd_ps(const char*) { proc_show_all(); }

void cmd_forks(const char*)
{
    const ForkStats& s = fork_stats();
    kprintf("forks %u (%u pages), vforks %u (%u pages), rforks %u (%u pages), "
            "kthreads %u (%u pages)\n",
            s.v_forks, s.v_forkpages, s.v_vforks, s.v_vforkpages, s.v_rforks, s.v_rforkpages,
            s.v_kthreads, s.v_kthreadpages);
    fork_log().print();
}

void cmd_check(const char*) { (void)invariants_check(true); }

void cmd_panic(const char* args) { panic("requested from the monitor: %s", *args ? args : "(no reason)"); }

[[noreturn]] void cmd_poweroff(const char*)
{
    kprintf("SPRIG EXIT status=0\n");
    arch::halt(false);
}

const Command commands[] = {
    {"help", "list the commands", cmd_help},
    {"echo", "print the rest of the line", cmd_echo},
    {"ticks", "clock ticks and console input so far", cmd_ticks},
    {"mem", "page allocator counters", cmd_mem},
    {"vmstat", "memory, pre-zeroed pages and scheduler counters", cmd_vmstat},
    {"sleep", "sleep for N clock ticks", cmd_sleep},
    {"ps", "the process list", cmd_ps},
    {"forks", "fork counters and the latest forks", cmd_forks},
    {"check", "run the invariant checker (each violation, then a count)", cmd_check},
    {"panic", "panic with the rest of the line as the reason", cmd_panic},
    {"poweroff", "shut down (SBI system reset)", cmd_poweroff},
};

void cmd_help(const char*)
{
    for (const Command& c : commands) kprintf("  %-9s %s\n", c.name, c.help);
}

void dispatch(const char* line)
{
    while (*line == ' ') line++;
    if (!*line) return;
    const char* end = line;
    while (*end && *end != ' ') end++;
    const size_t n = static_cast<size_t>(end - line);
    const char* args = *end ? end + 1 : end;
    for (const Command& c : commands) {
        if (strlen(c.name) == n && strncmp(c.name, line, n) == 0) {
            c.run(args);
            return;
        }
    }
    char name[LineEditor::MAX + 1];
    memcpy(name, line, n);
    name[n] = '\0';
    kprintf("unknown command '%s' (try help)\n", name);
}

void echo_char(char c) { cons_putc(c); }

} // namespace

[[noreturn]] void monitor_run()
{
    kprintf("Sprig monitor: type 'help' for the commands.\n");
    LineEditor editor(echo_char);
    for (;;) {
        kprintf("sprig> ");
        while (editor.feed(cons_getc_wait()) != LineEditor::Feed::Line) {}
        dispatch(editor.line());
    }
}
