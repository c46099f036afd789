#include <lib/kassert.h>

#include <kernel/machdep.h>
#include <kernel/console.h>

namespace {
int g_panicking = 0;
}

// Prints the fixed marker line the test harnesses look for, the machine's
// report (registers, backtrace), then powers off with a failure status.
[[noreturn]] void panic(const char* fmt, ...)
{
    arch::intr_disable();
    if (g_panicking++) {
        // A panic inside the panic report: print nothing more, just stop.
        cons_puts("\nSPRIG PANIC: recursive panic\n");
        arch::halt(true);
    }
    cons_puts("\nSPRIG PANIC: ");
    va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
    cons_putc('\n');
    arch::panic_report();
    arch::halt(true);
}
