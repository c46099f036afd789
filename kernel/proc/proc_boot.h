// The process subsystem's part of boot, after the scheduler runs on
// thread0: zones, limits, sysctls, proc0, the fork log, and init.
#pragma once

#include <stdint.h>

class PageAllocator;

// Panics (naming the step) when boot cannot go on.
void proc_startup(PageAllocator& pages, uint64_t physpages);
