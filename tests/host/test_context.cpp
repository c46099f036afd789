#include <doctest/doctest.h>

#include <arch/context.h>

#include <stdlib.h>
#include <vector>

namespace {

struct PingPong {
    arch::Context main_ctx;
    arch::Context a, b;
    std::vector<int> trace;
};
PingPong* g_pp = nullptr;

void thread_a(void*)
{
    for (int i = 0; i < 3; i++) {
        g_pp->trace.push_back(10 + i);
        arch::cpu_switch(&g_pp->a, &g_pp->b);
    }
    arch::cpu_switch(&g_pp->a, &g_pp->main_ctx);
}

void thread_b(void* arg)
{
    int* counter = static_cast<int*>(arg);
    for (;;) {
        // A local array on this stack: ASan must accept it after switches.
        volatile char buf[512];
        buf[0] = static_cast<char>(*counter);
        g_pp->trace.push_back(20 + (*counter)++);
        (void)buf[0];
        arch::cpu_switch(&g_pp->b, &g_pp->a);
    }
}

} // namespace

TEST_CASE("context: two threads on their own stacks take turns")
{
    PingPong pp;
    g_pp = &pp;
    constexpr size_t SIZE = 64 * 1024;
    void* sa = aligned_alloc(16, SIZE);
    void* sb = aligned_alloc(16, SIZE);
    int counter = 0;
    arch::context_init(&pp.a, sa, SIZE, thread_a, nullptr);
    arch::context_init(&pp.b, sb, SIZE, thread_b, &counter);
    arch::cpu_switch(&pp.main_ctx, &pp.a);
    // a runs, hands to b, b hands back, ... a finally returns to us.
    CHECK(pp.trace == std::vector<int>{10, 20, 11, 21, 12, 22});
    CHECK(counter == 3);
    free(sa);
    free(sb);
    g_pp = nullptr;
}

TEST_CASE("context: a thread resumes exactly where it switched away")
{
    static arch::Context main_ctx, t;
    static int step = 0;
    constexpr size_t SIZE = 64 * 1024;
    void* st = aligned_alloc(16, SIZE);
    auto body = [](void*) {
        int local = 41; // lives on the thread's stack across switches
        step = 1;
        arch::cpu_switch(&t, &main_ctx);
        local++;
        step = local;
        arch::cpu_switch(&t, &main_ctx);
        abort(); // never resumed again
    };
    arch::context_init(&t, st, SIZE, body, nullptr);
    arch::cpu_switch(&main_ctx, &t);
    CHECK(step == 1);
    arch::cpu_switch(&main_ctx, &t);
    CHECK(step == 42);
    free(st);
}
