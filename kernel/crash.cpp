#include <kernel/crash.h>

#include <arch/param.h>
#include <kernel/console.h>
#include <lib/kassert.h>

#include <string.h>

namespace {

// The kernel-stack region starts with a guard that is never mapped.
volatile uint64_t* unmapped() { return reinterpret_cast<volatile uint64_t*>(arch::KSTACK_REGION); }

// noinline so that the backtrace shows this function by name.
[[gnu::noinline]] void crash_load()
{
    kprintf("crash: loading from unmapped %p\n", unmapped());
    (void)*unmapped();
}

[[gnu::noinline]] void crash_store()
{
    kprintf("crash: storing to unmapped %p\n", unmapped());
    *unmapped() = 1;
}

// Jumps into a page that is mapped but not executable (rodata).
[[gnu::noinline]] void crash_exec()
{
    static const uint32_t not_code[2] = {0, 0};
    kprintf("crash: calling into non-executable %p\n", static_cast<const void*>(not_code));
    auto fn = reinterpret_cast<void (*)()>(reinterpret_cast<uintptr_t>(not_code));
    fn();
    __asm__ volatile("" ::: "memory"); // no tail call: keep this frame in the backtrace
}

[[gnu::noinline]] void crash_assert()
{
    volatile int two = 2;
    KASSERT(two + two == 5, "deliberate KASSERT failure (crash=assert)");
}

} // namespace

void crash_on_request(const char* how)
{
    if (!how) return;
    struct Way {
        const char* name;
        void (*crash)();
    };
    static const Way ways[] = {{"load", crash_load},
                               {"store", crash_store},
                               {"exec", crash_exec},
                               {"assert", crash_assert}};
    for (const Way& w : ways) {
        if (strcmp(how, w.name) == 0) {
            w.crash();
            panic("crash=%s did not crash the kernel", how);
        }
    }
    if (strcmp(how, "panic") == 0) panic("deliberate panic (crash=panic)");
    kprintf("crash=%s: unknown (load, store, exec, assert, panic); carrying on\n", how);
}
