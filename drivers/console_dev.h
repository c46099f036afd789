// The console's interface as a driver sees it: what a console device offers
// the kernel (an output) and what the kernel hands it at attach time (where
// received characters go).  Drivers include this and nothing of the kernel
// above them; kernel/console.h builds on it.
#pragma once

struct ConsoleOutput {
    const char* name;
    void (*putc)(void* ctx, char c); // must handle '\n' itself (CR LF on a UART)
    void* ctx;
};

// Takes one received character; called from the driver's interrupt handler
// with interrupts off.
using ConsoleRx = void (*)(char c);
