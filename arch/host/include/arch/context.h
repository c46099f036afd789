// Kernel thread contexts on the host: each "thread" runs on a stack of its
// own through ucontext, so sleep/wakeup, vfork and the scheduler run for
// real in unit tests.  Every switch is announced to AddressSanitizer
// (__sanitizer_start/finish_switch_fiber), or it would take the new stack
// for a wild overflow of the old one.
#pragma once

#include <stddef.h>
#include <ucontext.h>

namespace arch {

struct Context {
    ucontext_t uc;
    const void* stack_base = nullptr; // nullptr: the thread the test started on
    size_t stack_size = 0;
    void* fake_stack = nullptr;       // ASan's bookkeeping while switched away
    bool started = false;             // has run at least once
    void (*entry)(void*) = nullptr;
    void* arg = nullptr;
};

void context_init(Context* ctx, void* stack_base, size_t size, void (*entry)(void*), void* arg);
void cpu_switch(Context* from, Context* to);

} // namespace arch
