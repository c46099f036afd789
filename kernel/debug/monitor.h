// The kernel monitor: a small command loop on the console, the end of
// boot until user space exists.  It shows that console input works
// (interrupt-driven, through the PLIC) and lets a person poke at the
// running kernel: help, echo, ticks, mem, panic, poweroff.
#pragma once

[[noreturn]] void monitor_run();
