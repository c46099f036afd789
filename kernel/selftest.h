// The kernel's boot-time self-test: the checks that only the running
// kernel can make (real RAM, real interrupts, the real page table).  It
// prints one line per case and a closing "N passed, N failed" line, the
// format the QEMU harness reads.
#pragma once

#include <stddef.h>

struct SelftestCase {
    const char* name;
    // Returns true on success; on failure writes the reason into why.
    bool (*run)(char* why, size_t len);
};

// Runs the machine-independent cases, then `extra` (the machine's own);
// returns the number that failed.
int selftest_run(const SelftestCase* extra, size_t nextra);
