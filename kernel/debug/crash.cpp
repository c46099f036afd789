#include <kernel/debug/crash.h>

#include <kernel/machdep.h>
#include <arch/param.h>
#include <kernel/console.h>
#include <lib/kassert.h>
#include <mm/kstack.h>

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

// A depth no stack reaches; volatile, so the compiler cannot see that the
// recursion below never ends (and refuse it as infinite).
volatile unsigned g_recursion_limit = ~0u;

// Recurses until the stack runs out: each call keeps a local array live
// across the next call (the barrier makes the compiler believe it is
// read), so the recursion can become neither a loop nor a tail call.
[[gnu::noinline]] unsigned recurse_forever(unsigned depth)
{
    if (depth == g_recursion_limit) return 0;
    volatile unsigned char frame[256];
    frame[0] = static_cast<unsigned char>(depth);
    __asm__ volatile("" : : "r"(frame) : "memory");
    const unsigned below = recurse_forever(depth + 1);
    return below + frame[0];
}

void run_recursion(void*) { (void)recurse_forever(0); }

// Runs the recursion on a fresh kernel stack with a guard page, named as a
// thread would be: the overflow must end in a panic naming "crash-stack".
[[gnu::noinline]] void crash_stack()
{
    Result<KStack> r = kstack_alloc(KSTACK_PAGES);
    if (!r.ok()) panic("crash=stack: no kernel stack (%s)", errno_name(r.error()));
    const KStack ks = r.value();
    kprintf("crash: recursing on kernel stack %#lx-%#lx (guard at %#lx)\n", ks.lo().value(),
            ks.top().value(), ks.guard().value());
    // Interrupts off: the overflow is then the only trap, and it comes
    // with sp in the guard on every run.
    arch::intr_disable();
    arch::set_current_stack(ks.lo(), ks.top(), "crash-stack");
    arch::call_on_stack(reinterpret_cast<void*>(ks.top().value()), run_recursion, nullptr);
    __asm__ volatile("" ::: "memory");
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
                               {"assert", crash_assert},
                               {"stack", crash_stack}};
    for (const Way& w : ways) {
        if (strcmp(how, w.name) == 0) {
            w.crash();
            panic("crash=%s did not crash the kernel", how);
        }
    }
    if (strcmp(how, "panic") == 0) panic("deliberate panic (crash=panic)");
    kprintf("crash=%s: unknown (load, store, exec, assert, stack, panic); carrying on\n", how);
}
