// Terminal ioctl(2) commands, FreeBSD's values (sys/ttycom.h, built by
// sys/ioccom.h's _IO/_IOR/_IOW), shared by the kernel and user space:
// the three a shell needs to put a job in the foreground.  A command
// encodes its direction and argument size, which is how ioctl(2) knows
// what to copy in and out.
#pragma once

#include <stdint.h>

// sys/ioccom.h: the top three bits say the direction, bits 16..28 the size
// of the argument, bits 8..15 the group, bits 0..7 the number.
inline constexpr uint32_t IOCPARM_SHIFT = 13;
inline constexpr uint32_t IOCPARM_MASK = (1u << IOCPARM_SHIFT) - 1;
inline constexpr uint32_t IOCPARM_MAX = 1u << IOCPARM_SHIFT; // the largest argument
inline constexpr uint32_t IOC_VOID = 0x20000000; // no argument
inline constexpr uint32_t IOC_OUT = 0x40000000;  // copied out to the caller
inline constexpr uint32_t IOC_IN = 0x80000000;   // copied in from the caller
inline constexpr uint32_t IOC_DIRMASK = IOC_VOID | IOC_OUT | IOC_IN;

constexpr uint32_t IOCPARM_LEN(uint32_t com) { return (com >> 16) & IOCPARM_MASK; }
constexpr uint32_t _IOC(uint32_t inout, uint32_t group, uint32_t num, uint32_t len)
{
    return inout | ((len & IOCPARM_MASK) << 16) | (group << 8) | num;
}

inline constexpr uint32_t TIOCSCTTY = _IOC(IOC_VOID, 't', 97, 0);          // become the controlling terminal
inline constexpr uint32_t TIOCSPGRP = _IOC(IOC_IN, 't', 118, sizeof(int)); // set the foreground group
inline constexpr uint32_t TIOCGPGRP = _IOC(IOC_OUT, 't', 119, sizeof(int)); // get the foreground group

static_assert(TIOCSCTTY == 0x20007461 && TIOCSPGRP == 0x80047476 && TIOCGPGRP == 0x40047477,
              "FreeBSD's values");
