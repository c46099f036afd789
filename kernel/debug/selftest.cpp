#include <kernel/debug/selftest.h>

#include <arch/context.h>
#include <kernel/machdep.h>
#include <kernel/clock.h>
#include <kernel/console.h>
#include <lib/format.h>
#include <mm/kmem.h>
#include <mm/zone.h>

#include <string.h>

namespace {

// A small deterministic generator: the storms are the same every boot.
struct Rng {
    uint64_t s;
    uint64_t next()
    {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return s >> 33;
    }
};

struct Block {
    PhysAddr pa;
    unsigned order;
};

uint64_t pattern_of(PhysAddr pa) { return pa.value() * 0x9e3779b97f4a7c15ull; }

// Allocates blocks of random orders, stamps each page, frees them in a
// random order and checks stamps (no two blocks overlap) and counters.
bool page_storm(char* why, size_t len)
{
    PageAllocator& pa = vm_pages();
    // The buddy lists are compared below: cached pages merged back first.
    pa.drain_cache();
    const uint64_t baseline = pa.free_pages();
    size_t blocks_before[PageAllocator::MAX_ORDER + 1];
    for (unsigned o = 0; o <= PageAllocator::MAX_ORDER; o++) blocks_before[o] = pa.free_blocks(o);

    constexpr size_t N = 256;
    static Block held[N];
    Rng rng{42};
    size_t n = 0;
    for (int round = 0; round < 4000; round++) {
        if (n < N && (n == 0 || rng.next() % 3 != 0)) {
            const unsigned order = rng.next() % 5;
            auto r = pa.alloc(order);
            SELFTEST_FAIL_IF(!r.ok(), "alloc(order %u) failed: %s", order, errno_name(r.error()));
            held[n] = {r.value(), order};
            for (uint64_t p = 0; p < (uint64_t{1} << order); p++) {
                const PhysAddr page = r.value() + p * arch::PAGE_SIZE;
                *static_cast<uint64_t*>(arch::phys_to_virt(page)) = pattern_of(page);
            }
            n++;
        } else {
            const size_t i = rng.next() % n;
            for (uint64_t p = 0; p < (uint64_t{1} << held[i].order); p++) {
                const PhysAddr page = held[i].pa + p * arch::PAGE_SIZE;
                SELFTEST_FAIL_IF(*static_cast<uint64_t*>(arch::phys_to_virt(page)) != pattern_of(page),
                        "page %#lx was overwritten: two blocks overlap", page.value());
            }
            pa.free(held[i].pa, held[i].order);
            held[i] = held[--n];
        }
    }
    while (n) {
        n--;
        pa.free(held[n].pa, held[n].order);
    }
    SELFTEST_FAIL_IF(pa.free_pages() != baseline, "free pages %lu after the storm, %lu before",
            pa.free_pages(), baseline);
    pa.drain_cache();
    for (unsigned o = 0; o <= PageAllocator::MAX_ORDER; o++)
        SELFTEST_FAIL_IF(pa.free_blocks(o) != blocks_before[o], "order-%u free blocks %zu, were %zu", o,
                pa.free_blocks(o), blocks_before[o]);
    return true;
}

// Takes every free page, checks that the next request fails cleanly
// with ENOMEM, and gives them all back.  The pages hold the list.
bool page_exhaustion(char* why, size_t len)
{
    PageAllocator& pa = vm_pages();
    const uint64_t baseline = pa.free_pages();
    PhysAddr head;
    uint64_t taken = 0;
    for (;;) {
        auto r = pa.alloc(0);
        if (!r.ok()) {
            SELFTEST_FAIL_IF(r.error() != Errno::NoMem, "alloc failed with %s, not ENOMEM",
                    errno_name(r.error()));
            break;
        }
        *static_cast<uint64_t*>(arch::phys_to_virt(r.value())) = head.value();
        head = r.value();
        taken++;
    }
    const uint64_t free_at_bottom = pa.free_pages();
    while (taken) {
        const PhysAddr next(*static_cast<uint64_t*>(arch::phys_to_virt(head)));
        pa.free(head, 0);
        head = next;
        taken--;
    }
    SELFTEST_FAIL_IF(free_at_bottom != 0, "%lu pages still free when allocation failed", free_at_bottom);
    SELFTEST_FAIL_IF(pa.free_pages() != baseline, "free pages %lu, %lu before", pa.free_pages(), baseline);
    return true;
}

bool zone_storm(char* why, size_t len)
{
    PageAllocator& pa = vm_pages();
    const uint64_t baseline = pa.free_pages();
    {
        Zone zone("selftest", 200, 8, pa);
        constexpr size_t N = 600;
        static void* objs[N];
        Rng rng{7};
        for (size_t i = 0; i < N; i++) {
            auto r = zone.alloc();
            SELFTEST_FAIL_IF(!r.ok(), "zone alloc %zu failed: %s", i, errno_name(r.error()));
            objs[i] = r.value();
            memset(objs[i], static_cast<int>(i), 200);
        }
        SELFTEST_FAIL_IF(zone.objects_in_use() != N, "%zu objects in use, wanted %zu",
                zone.objects_in_use(), N);
        for (size_t i = N; i > 0; i--) { // free in a shuffled order
            const size_t j = rng.next() % i;
            zone.free(objs[j]);
            objs[j] = objs[i - 1];
        }
        SELFTEST_FAIL_IF(zone.objects_in_use() != 0, "%zu objects left", zone.objects_in_use());
        zone.drain();
        SELFTEST_FAIL_IF(zone.pages_in_use() != 0, "zone keeps %zu pages after drain", zone.pages_in_use());
    }
    SELFTEST_FAIL_IF(pa.free_pages() != baseline, "free pages %lu, %lu before", pa.free_pages(), baseline);
    return true;
}

bool kmalloc_storm(char* why, size_t len)
{
    PageAllocator& pa = vm_pages();
    const uint64_t baseline = pa.free_pages();
    constexpr size_t N = 300;
    static void* objs[N];
    Rng rng{99};
    for (size_t i = 0; i < N; i++) {
        const size_t size = 1 + rng.next() % (i % 10 == 0 ? 20000 : 2048);
        auto r = kmalloc(size, AllocFlags::Zero);
        SELFTEST_FAIL_IF(!r.ok(), "kmalloc(%zu) failed: %s", size, errno_name(r.error()));
        const auto* bytes = static_cast<const unsigned char*>(r.value());
        for (size_t b = 0; b < size; b++) SELFTEST_FAIL_IF(bytes[b] != 0, "kmalloc(%zu, Zero) not zeroed", size);
        objs[i] = r.value();
    }
    for (size_t i = 0; i < N; i++) kfree(objs[i]);
    kmem_drain();
    SELFTEST_FAIL_IF(pa.free_pages() != baseline, "free pages %lu, %lu before", pa.free_pages(), baseline);
    return true;
}

// The clock interrupt must fire on its own while we wait with wfi.
bool clock_ticks(char* why, size_t len)
{
    const uint64_t t0 = ticks();
    const uint64_t start = arch::read_time();
    while (ticks() < t0 + 5) {
        SELFTEST_FAIL_IF(arch::read_time() - start > timebase_hz() * 2,
                "ticks stuck at %lu for 2 seconds", ticks());
        arch::cpu_wait();
    }
    const uint64_t elapsed = arch::read_time() - start;
    kprintf("selftest:   5 ticks in %lu us\n", elapsed * 1000000 / timebase_hz());
    return true;
}

// Switches to a fresh context on a stack of its own and back, twice: the
// first-run path (trampoline) and the resume path both.
struct SwitchTest {
    arch::Context boot, thread;
    uintptr_t seen_sp = 0;
    int steps = 0;
};

void switch_thread(void* arg)
{
    auto* t = static_cast<SwitchTest*>(arg);
    volatile char mark = 0;
    t->seen_sp = reinterpret_cast<uintptr_t>(&mark);
    t->steps = 1;
    arch::cpu_switch(&t->thread, &t->boot);
    t->steps = 2;
    arch::cpu_switch(&t->thread, &t->boot);
    panic("switch test thread resumed a third time");
}

bool context_switch(char* why, size_t len)
{
    constexpr size_t SIZE = 16384;
    auto stack = kmalloc(SIZE);
    SELFTEST_FAIL_IF(!stack.ok(), "no memory for a stack");
    static SwitchTest t;
    t = SwitchTest{};
    arch::context_init(&t.thread, stack.value(), SIZE, switch_thread, &t);
    arch::cpu_switch(&t.boot, &t.thread);
    const auto lo = reinterpret_cast<uintptr_t>(stack.value());
    const bool on_stack = t.seen_sp >= lo && t.seen_sp < lo + SIZE;
    const int first = t.steps;
    arch::cpu_switch(&t.boot, &t.thread);
    kfree(stack.value());
    SELFTEST_FAIL_IF(first != 1 || t.steps != 2, "steps %d then %d, wanted 1 then 2", first, t.steps);
    SELFTEST_FAIL_IF(!on_stack, "thread ran with sp %#lx outside its stack %#lx+%zu", t.seen_sp, lo, SIZE);
    return true;
}

const SelftestCase mi_cases[] = {
    {"context switch to a new stack and back", context_switch},
    {"page allocator storm returns to baseline", page_storm},
    {"page allocator exhaustion gives ENOMEM and recovers", page_exhaustion},
    {"zone storm returns objects and pages", zone_storm},
    {"kmalloc storm returns to baseline", kmalloc_storm},
    {"clock interrupts advance ticks", clock_ticks},
};

// The column where "ok" starts, whatever the title: wide enough for the
// longest "title: case" with a space to spare.
constexpr size_t RESULT_COLUMN = 68;

bool run_one(const char* title, const SelftestCase& c)
{
    char why[160] = "";
    const bool ok = c.run(why, sizeof why);
    const size_t used = strlen(title) + 2 + strlen(c.name);
    const int pad = used < RESULT_COLUMN ? static_cast<int>(RESULT_COLUMN - used) : 1;
    kprintf("%s: %s%*s%s%s%s\n", title, c.name, pad, "", ok ? "ok" : "FAIL", ok ? "" : ": ",
            ok ? "" : why);
    return ok;
}

} // namespace

namespace {

// Runs n cases, adding each to passed or failed.
void run_all(const char* title, const SelftestCase* cases, size_t n, int& passed, int& failed)
{
    for (size_t i = 0; i < n; i++) (run_one(title, cases[i]) ? passed : failed)++;
}

} // namespace

int selftest_run(const SelftestCase* extra, size_t nextra)
{
    int passed = 0, failed = 0;
    run_all("selftest", mi_cases, sizeof mi_cases / sizeof mi_cases[0], passed, failed);
    run_all("selftest", extra, nextra, passed, failed);
    kprintf("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}

int selftest_run_cases(const char* title, const SelftestCase* cases, size_t n)
{
    int passed = 0, failed = 0;
    run_all(title, cases, n, passed, failed);
    kprintf("%s: %d passed, %d failed\n", title, passed, failed);
    return failed;
}
