// The host's side of the machine seam: a console on stderr, a fake clock
// and interrupt flag, and panics that abort the test binary.
#include <kernel/machdep.h>
#include <arch/pte.h>

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

namespace arch {

namespace {
bool g_intr_enabled = true;
uint64_t g_time = 0;
void (*g_intr_hook)() = nullptr;

// Interrupts go from off to on: a test's pending interrupt is taken
// here, as the hart would take one at that instruction, with interrupts
// off while its handler runs.
void turn_on()
{
    if (!g_intr_enabled && g_intr_hook) g_intr_hook();
    g_intr_enabled = true;
}
} // namespace

uint64_t intr_disable()
{
    uint64_t was = g_intr_enabled;
    g_intr_enabled = false;
    return was;
}

void intr_restore(uint64_t saved)
{
    if (saved)
        turn_on();
    else
        g_intr_enabled = false;
}
void intr_enable() { turn_on(); }
bool host_intr_enabled() { return g_intr_enabled; }
void host_set_intr_hook(void (*hook)()) { g_intr_hook = hook; }
void cpu_wait() { g_time += 1000; }
uint64_t read_time() { return g_time += 1; }
void early_putc(char c) { fputc(c, stderr); }
void panic_report() {}

void pagezero(void* page) { memset(page, 0, PAGE_SIZE); }
void pagecopy(const void* from, void* to) { memcpy(to, from, PAGE_SIZE); }

[[noreturn]] void halt(bool failure)
{
    fflush(stderr);
    if (failure) abort();
    exit(0);
}

} // namespace arch
