// The kernel's boot-time self-test: the checks that only the running
// kernel can make (real RAM, real interrupts, the real page table).  It
// prints one line per case and a closing "N passed, N failed" line, the
// format the QEMU harness reads.
#pragma once

#include <stddef.h>
#include <lib/format.h>

struct SelftestCase {
    const char* name;
    // Returns true on success; on failure writes the reason into why.
    bool (*run)(char* why, size_t len);
};

// Runs the machine-independent cases, then `extra` (the machine's own);
// returns the number that failed.
int selftest_run(const SelftestCase* extra, size_t nextra);

// Runs n cases, one line each ("<title>: <case> ok"), then
// "<title>: N passed, N failed"; returns the number that failed.
int selftest_run_cases(const char* title, const SelftestCase* cases, size_t n);

// Inside a case: on `cond`, writes the reason and fails the case.
#define SELFTEST_FAIL_IF(cond, ...)              \
    do {                                         \
        if (cond) {                              \
            snformat(why, len, __VA_ARGS__);     \
            return false;                        \
        }                                        \
    } while (0)
