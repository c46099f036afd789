// Calls into the SBI firmware (OpenSBI): the RISC-V SBI specification's
// base, console (DBCN and the legacy putchar), timer and system-reset
// extensions.
#pragma once

#include <stdint.h>

namespace sbi {

struct Ret {
    long error; // 0 on success, a negative SBI error code otherwise
    long value;
};

inline constexpr uint64_t EXT_BASE = 0x10;
inline constexpr uint64_t EXT_TIME = 0x54494D45;  // "TIME"
inline constexpr uint64_t EXT_SRST = 0x53525354;  // "SRST"
inline constexpr uint64_t EXT_DBCN = 0x4442434E;  // "DBCN"
inline constexpr uint64_t LEGACY_SET_TIMER = 0x00;
inline constexpr uint64_t LEGACY_PUTCHAR = 0x01;
inline constexpr uint64_t LEGACY_SHUTDOWN = 0x08;

Ret call(uint64_t ext, uint64_t fid, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0);

// Looks up which extensions the firmware has; call once, early.
void probe();
bool has_dbcn();
bool has_time();

void console_putchar(char c);
void set_timer(uint64_t when);
// System reset: shutdown with "no reason" or "system failure".  Returns
// only when the firmware cannot reset (QEMU sifive_u has no reset device).
void shutdown(bool failure);

// For the banner: spec version, implementation id and version.
long spec_version();
long impl_id();
long impl_version();
const char* impl_name(long id);

} // namespace sbi
