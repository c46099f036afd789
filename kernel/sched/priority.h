// Thread priorities, FreeBSD's scale (sys/priority.h): 0 is the most
// urgent, 255 the least.  Kernel sleep priorities sit below the
// time-sharing band, so a thread woken in the kernel runs before
// time-sharing work; interrupt threads sit above them all.
#pragma once

#include <stdint.h>

// Interrupt threads: the software-interrupt thread (kernel/sched/swi.h)
// runs before any thread woken in the kernel.
inline constexpr uint8_t PRI_MIN_ITHD = 0;
inline constexpr uint8_t PI_SOFT = PRI_MIN_ITHD + 24;
inline constexpr uint8_t PRI_MIN_KERN = 64;
inline constexpr uint8_t PSWP = PRI_MIN_KERN + 0;
inline constexpr uint8_t PVM = PRI_MIN_KERN + 4;
inline constexpr uint8_t PRIBIO = PRI_MIN_KERN + 12;
inline constexpr uint8_t PZERO = PRI_MIN_KERN + 20;
inline constexpr uint8_t PSOCK = PRI_MIN_KERN + 24;
inline constexpr uint8_t PWAIT = PRI_MIN_KERN + 28;
inline constexpr uint8_t PLOCK = PRI_MIN_KERN + 36;
inline constexpr uint8_t PPAUSE = PRI_MIN_KERN + 40;
inline constexpr uint8_t PRI_MIN_TIMESHARE = 160;
inline constexpr uint8_t PUSER = PRI_MIN_TIMESHARE;
inline constexpr uint8_t PRI_MAX_TIMESHARE = 223;
inline constexpr uint8_t PRI_MIN_IDLE = 224;
inline constexpr uint8_t PRI_MAX = 255;
