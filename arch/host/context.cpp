#include <arch/context.h>

#include <lib/kassert.h>

#include <stdint.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPRIG_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SPRIG_ASAN 1
#endif

#ifdef SPRIG_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace {

// The context being entered for the first time: makecontext() passes only
// int arguments, so the trampoline finds its Context here.
arch::Context* g_starting = nullptr;

void start_switch(arch::Context* from, arch::Context* to)
{
#ifdef SPRIG_ASAN
    __sanitizer_start_switch_fiber(&from->fake_stack, to->stack_base, to->stack_size);
#else
    (void)from;
    (void)to;
#endif
}

void finish_switch(arch::Context* self)
{
#ifdef SPRIG_ASAN
    // Learns the bounds of the stack we came from (needed for the thread
    // the test started on, whose bounds nobody told us).
    __sanitizer_finish_switch_fiber(self ? self->fake_stack : nullptr, nullptr, nullptr);
#else
    (void)self;
#endif
}

void trampoline()
{
    arch::Context* self = g_starting;
    g_starting = nullptr;
    finish_switch(nullptr);
    self->entry(self->arg);
    panic("a kernel thread's entry function returned");
}

} // namespace

namespace arch {

void context_init(Context* ctx, void* stack_base, size_t size, void (*entry)(void*), void* arg)
{
    KASSERT(size >= 16384, "host stacks need at least 16 KiB (ASan), got %zu", size);
    *ctx = Context{};
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = stack_base;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = nullptr;
    ctx->stack_base = stack_base;
    ctx->stack_size = size;
    ctx->entry = entry;
    ctx->arg = arg;
    makecontext(&ctx->uc, trampoline, 0);
}

void cpu_switch(Context* from, Context* to)
{
    KASSERT(from != to, "switch to the running context");
    from->started = true; // the thread the test started on counts as started
    if (!to->started) {
        to->started = true;
        g_starting = to;
    }
    start_switch(from, to);
    swapcontext(&from->uc, &to->uc);
    finish_switch(from);
}

} // namespace arch
