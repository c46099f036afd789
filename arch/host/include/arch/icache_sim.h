// Host only: the simulated hart's instruction-fetch sync.  sync_icache
// (fence.i on RISC-V) counts here, so that a test can prove a fault that
// mapped a page executable made instruction fetch see its contents.
#pragma once

#include <stdint.h>

namespace arch {

// How many times sync_icache ran since the test program started.
uint64_t icache_syncs();

} // namespace arch
