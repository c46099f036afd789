// The scheduler and sleep queues with real switching between host stacks
// (arch/host/context.cpp).  The tests play the timer: hardclock() moves
// time, sched_preempt_point() is where a preemption is paid (the return
// to user mode of a thread the tick interrupted, kernel/sched/preempt.h).
#include <doctest/doctest.h>

#include <kernel/clock.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/sleep.h>
#include <mm/intr_off.h>

#include <stdlib.h>
#include <string.h>
#include <string>
#include <vector>

namespace {

constexpr size_t STACK = 128 * 1024;

// One timer interrupt.
void tick()
{
    {
        IntrOff off;
        hardclock();
    }
    sched_preempt_point();
}

// While everybody sleeps, the idle thread makes time pass.
void idle_loop(void*)
{
    for (;;) tick();
}

std::vector<thread*> g_reaped;
void reap(thread* td) { g_reaped.push_back(td); }

struct World {
    thread boot, idle;
    std::vector<thread*> threads;
    std::vector<void*> stacks;

    World()
    {
        strcpy(boot.td_name, "boot");
        strcpy(idle.td_name, "idle");
        boot.td_priority = boot.td_base_pri = PZERO;
        void* s = aligned_alloc(16, STACK);
        stacks.push_back(s);
        sched_thread_setup(&idle, s, STACK, idle_loop, nullptr);
        sched_init(&boot, &idle);
        g_reaped.clear();
        sched_set_reaper(reap);
    }
    ~World()
    {
        sched_teardown(&boot);
        for (thread* td : threads) delete td;
        for (void* s : stacks) free(s);
    }
    thread* spawn(const char* name, void (*fn)(void*), void* arg, uint8_t pri = PZERO,
                  bool timeshare = false)
    {
        auto* td = new thread;
        strncpy(td->td_name, name, sizeof td->td_name - 1);
        td->td_priority = td->td_base_pri = pri;
        void* s = aligned_alloc(16, STACK);
        stacks.push_back(s);
        sched_thread_setup(td, s, STACK, fn, arg);
        sched_set_timeshare(td, timeshare);
        threads.push_back(td);
        sched_add(td);
        return td;
    }
};

std::vector<std::string> g_log;
int g_done = 0;
const char g_done_chan = 0;

// Ends a test thread and tells the boot thread.
[[noreturn]] void finish()
{
    g_done++;
    wakeup(&g_done_chan);
    sched_exit_thread();
}

void wait_done(int n)
{
    IntrOff off;
    while (g_done < n) tsleep(&g_done_chan, 0, "done", 0);
}

void yielder(void* arg)
{
    const char* name = static_cast<const char*>(arg);
    for (int i = 0; i < 3; i++) {
        g_log.push_back(std::string(name) + std::to_string(i));
        sched_yield();
    }
    finish();
}

} // namespace

TEST_CASE("sched: threads of equal priority take turns on yield, and exited ones are reaped")
{
    g_log.clear();
    g_done = 0;
    World w;
    thread* a = w.spawn("a", yielder, const_cast<char*>("a"));
    thread* b = w.spawn("b", yielder, const_cast<char*>("b"));
    wait_done(2);
    CHECK(g_log == std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"});
    tick(); // let whoever exited last be reaped by the next switch
    sched_yield();
    CHECK(g_reaped.size() == 2);
    CHECK(((g_reaped[0] == a && g_reaped[1] == b) || (g_reaped[0] == b && g_reaped[1] == a)));
}

namespace {
struct SleepTest {
    Errno result = Errno::Inval;
    uint64_t woke_at = 0;
};
const char g_chan = 0;

void sleeper(void* arg)
{
    auto* t = static_cast<SleepTest*>(arg);
    t->result = tsleep(&g_chan, PWAIT, "test", 0);
    t->woke_at = ticks();
    finish();
}

void timed_sleeper(void* arg)
{
    auto* t = static_cast<SleepTest*>(arg);
    t->result = tsleep(&g_chan, PWAIT, "timed", 5);
    t->woke_at = ticks();
    finish();
}
} // namespace

TEST_CASE("sleep: wakeup makes a sleeper run, and tsleep says it was woken")
{
    g_done = 0;
    World w;
    SleepTest t;
    w.spawn("sleeper", sleeper, &t);
    sched_yield(); // it runs and goes to sleep
    CHECK(sleepq_sleepers() == 1);
    CHECK(t.result == Errno::Inval); // still asleep
    CHECK(wakeup(&g_chan) == 1);
    CHECK(sleepq_sleepers() == 0);
    wait_done(1);
    CHECK(t.result == Errno::Ok);
    CHECK(wakeup(&g_chan) == 0); // nobody left
}

TEST_CASE("sleep: a timeout ends the sleep after its ticks with EWOULDBLOCK")
{
    g_done = 0;
    World w;
    SleepTest t;
    const uint64_t start = ticks();
    w.spawn("timed", timed_sleeper, &t);
    wait_done(1); // the boot thread sleeps too: the idle thread ticks
    CHECK(t.result == Errno::Again);
    CHECK(t.woke_at - start >= 5);
    CHECK(t.woke_at - start <= 6);
}

namespace {
cv g_cv{"testcv"};
int g_cv_woken = 0;
void cv_waiter(void*)
{
    cv_wait(&g_cv);
    g_cv_woken++;
    finish();
}
} // namespace

TEST_CASE("condvar: signal wakes one waiter, broadcast the rest")
{
    g_done = 0;
    g_cv_woken = 0;
    World w;
    for (int i = 0; i < 3; i++) w.spawn("cvw", cv_waiter, nullptr);
    sched_yield();
    CHECK(g_cv.cv_waiters == 3);
    cv_signal(&g_cv);
    CHECK(g_cv.cv_waiters == 2);
    wait_done(1);
    CHECK(g_cv_woken == 1);
    cv_broadcast(&g_cv);
    CHECK(g_cv.cv_waiters == 0);
    wait_done(3);
    CHECK(g_cv_woken == 3);
}

namespace {
// The CPU-bound thread: runs until told to stop, and the timer keeps
// interrupting it.
bool g_hog_stop = false;
uint64_t g_hog_ticks = 0;
void hog(void*)
{
    while (!g_hog_stop) {
        g_hog_ticks++;
        tick();
    }
    finish();
}

// The interactive thread: sleeps 5 ticks, notes how late it got the CPU.
uint64_t g_worst_latency = 0;
void interactive(void*)
{
    for (int i = 0; i < 30; i++) {
        const uint64_t due = ticks() + 5;
        pause("think", 5);
        const uint64_t late = ticks() - due;
        if (late > g_worst_latency) g_worst_latency = late;
    }
    g_hog_stop = true;
    finish();
}
} // namespace

TEST_CASE("sched: a CPU-bound thread cannot starve an interactive one")
{
    g_done = 0;
    g_hog_stop = false;
    g_hog_ticks = 0;
    g_worst_latency = 0;
    World w;
    thread* h = w.spawn("hog", hog, nullptr, PUSER, true);
    thread* i = w.spawn("interactive", interactive, nullptr, PUSER, true);
    wait_done(2);
    INFO("hog ran " << g_hog_ticks << " ticks, estcpu " << h->td_estcpu);
    // Round robin alone would make it wait for the hog's whole slice
    // (SCHED_SLICE = 10 ticks); with estcpu it preempts at the next tick.
    CHECK(g_worst_latency <= 1);
    CHECK(i->td_estcpu < h->td_estcpu);
    CHECK(g_hog_ticks >= 30 * 5 - 10); // and the hog still got the idle time
}

TEST_CASE("sched: sched_fork splits the parent's slice")
{
    thread parent, child;
    parent.td_slice = 8;
    parent.td_estcpu = 40;
    parent.td_base_pri = parent.td_priority = PUSER + 10;
    sched_fork(&parent, &child);
    CHECK(child.td_slice == 4);
    CHECK(parent.td_slice == 4);
    CHECK(child.td_estcpu == 40);
    CHECK(child.td_priority == PUSER + 10);
    parent.td_slice = 1;
    sched_fork(&parent, &child);
    CHECK(child.td_slice == 1);
    CHECK(parent.td_slice == 0);
    CHECK(parent.td_owepreempt);
}

namespace {
void returns_early(void*) {}
} // namespace

TEST_CASE("sched: a kernel thread whose function returns exits and is reaped")
{
    World w;
    thread* t = w.spawn("early", returns_early, nullptr);
    sched_yield(); // it runs, returns, exits; we are switched back
    sched_yield();
    REQUIRE(g_reaped.size() == 1);
    CHECK(g_reaped[0] == t);
    CHECK(t->td_state == ThreadState::Inactive);
}
