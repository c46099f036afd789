#include <arch/context.h>

#include <lib/kassert.h>

#include <stddef.h>

extern "C" void context_trampoline();

extern "C" [[noreturn]] void context_entry_returned()
{
    panic("a kernel thread's entry function returned");
}

namespace arch {

void context_init(Context* ctx, void* stack_base, size_t size, void (*entry)(void*), void* arg)
{
    const uint64_t top = (reinterpret_cast<uint64_t>(stack_base) + size) & ~uint64_t{15};
    KASSERT(size >= 256, "stack of %zu bytes is too small", size);
    *ctx = Context{};
    ctx->ra = reinterpret_cast<uint64_t>(&context_trampoline);
    ctx->sp = top;
    ctx->s[1] = reinterpret_cast<uint64_t>(entry);
    ctx->s[2] = reinterpret_cast<uint64_t>(arg);
}

} // namespace arch
