#include <kernel/debug/invariant_report.h>

#include <kernel/console.h>
#include <lib/format.h>
#include <lib/kassert.h>

void InvariantReport::violation(const char* what, const char* fmt, ...)
{
    char msg[sizeof last_];
    va_list ap;
    va_start(ap, fmt);
    vsnformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snformat(last_, sizeof last_, "%s: %s", what, msg);
    count_++;
    if (sink_) sink_(last_, sink_arg_);
    if (panic_) panic("invariant broken: %s", last_);
    if (!quiet_) kprintf("INVARIANT: %s\n", last_);
}

void InvariantReport::skipped(const char* what, const char* why)
{
    skips_++;
    if (!quiet_) kprintf("invariants: %s not checked: %s\n", what, why);
}
