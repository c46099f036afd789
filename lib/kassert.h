// Invariants and the one way out when they break.
#pragma once

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#ifndef KASSERT_ENABLED
#define KASSERT_ENABLED 0
#endif

// FreeBSD's INVARIANTS: the default kernel configuration checks (KASSERT,
// the zones' trash); the release one (make KERNCONF=release) does not.
inline constexpr bool INVARIANTS = KASSERT_ENABLED;

// KASSERT(cond, "fmt", args...): panics naming the condition, the place and
// the message when cond is false.  Compiled out (but still type-checked)
// when KASSERT_ENABLED is 0.
#define KASSERT(cond, fmt, ...)                                                  \
    do {                                                                         \
        if (KASSERT_ENABLED && !(cond))                                          \
            panic("KASSERT(%s) failed at %s:%d: " fmt, #cond, __FILE__, __LINE__ \
                  __VA_OPT__(, ) __VA_ARGS__);                                   \
    } while (0)
