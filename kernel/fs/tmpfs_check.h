// tmpfs at boot, and what the invariant checker (kernel/debug/invariants)
// asks of it.
#pragma once

#include <stdint.h>
#include <lib/result.h>

class InvariantReport;

// Mounts /tmp for a machine of physpages pages: a quarter of them for
// file data (TMPFS_PAGES_DIVISOR), a quarter of that in nodes.
inline constexpr uint64_t TMPFS_PAGES_DIVISOR = 4;
Result<void> tmpfs_boot(uint64_t physpages);
// Bytes tmpfs's file pages hold charged to the kernel's commit account.
uint64_t tmpfs_charged_bytes();
// Every node's links match the entries naming it (a directory's: 2 plus
// its subdirectories), every directory's parent holds it, and the pages
// counted match the pages held (tm_pages_used, within tm_pages_max).
void tmpfs_check(InvariantReport& r);
